'use strict'
// The core's log stream: setLogger delivers its records (a retry is a warn), none after unset,
// no secret in any, and REMOTE_RENDERING_LOG prints them to stderr.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { rr, until, runProcess } = require('./support.js')

describe('setLogger', () => {
  let emu
  before(async () => {
    emu = await rr.Emulator.start({ startupDelay: 0 })
  })
  after(() => {
    rr.setLogger(null)
    return emu.stop()
  })

  test('a retried request arrives as a warn record from remote_rendering::retry, with no secret in it', async () => {
    const records = []
    rr.setLogger((r) => records.push(r), { level: 'debug' })
    const client = emu.client({ maxAttempts: 3 })
    await client.startSession('log-retry', 'Standard', 10)
    emu.setFaults('500=1@get_session', 1)
    try {
      await client.getSession('log-retry').catch(() => {})
    } finally {
      emu.clearFaults()
    }
    const isRetry = (r) => r.level === 'warn' && r.target.startsWith('remote_rendering') && /retry/i.test(r.message)
    await until(() => records.some(isRetry), { what: 'a retry record' })
    const retry = records.find(isRetry)
    assert.equal(retry.level, 'warn')
    assert.equal(typeof retry.message, 'string')
    assert.ok(retry.message.length > 0)
    for (const r of records) {
      assert.ok(!r.message.includes(emu.accountKey), 'no account key in a record')
      assert.ok(['error', 'warn', 'info', 'debug', 'trace'].includes(r.level))
    }
    rr.setLogger(null)
  })

  test('no record arrives after setLogger(null) returns', async () => {
    const late = []
    rr.setLogger((r) => late.push(r), { level: 'trace' })
    const client = emu.client({ maxAttempts: 2 })
    await client.startSession('log-unset', 'Standard', 10)
    emu.setFaults('500=1@get_session', 1)
    const pending = client.getSession('log-unset').catch(() => {})
    rr.setLogger(null)
    const count = late.length
    await pending
    emu.clearFaults()
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(late.length, count)
  })

  test('a level below warn filters in Rust: with level error no retry warning arrives', async () => {
    const records = []
    rr.setLogger((r) => records.push(r), { level: 'error' })
    const client = emu.client({ maxAttempts: 2 })
    await client.startSession('log-level', 'Standard', 10)
    emu.setFaults('500=1@get_session', 1)
    try {
      await client.getSession('log-level').catch(() => {})
    } finally {
      emu.clearFaults()
      rr.setLogger(null)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.deepEqual(records.filter((r) => r.level === 'warn'), [])
  })

  test('a bad logger or level is an InvalidInputError naming it', () => {
    assert.throws(() => rr.setLogger('not a function'), (e) => e instanceof rr.InvalidInputError && e.field === 'logger')
    assert.throws(() => rr.setLogger(() => {}, { level: 'loud' }), (e) => e instanceof rr.InvalidInputError && e.field === 'level')
  })
})

test('REMOTE_RENDERING_LOG=warn prints the retry warning to stderr, and the process exits by itself', async () => {
  const script = `
    const rr = require('remote-rendering')
    ;(async () => {
      const emu = await rr.Emulator.start({ startupDelay: 0 })
      const client = emu.client({ maxAttempts: 2 })
      await client.startSession('env-log', 'Standard', 10)
      emu.setFaults('500=1@get_session', 1)
      await client.getSession('env-log').catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 50))
      await emu.stop()
    })()
  `
  const { code, stderr } = await runProcess(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, REMOTE_RENDERING_LOG: 'warn' },
  })
  assert.equal(code, 0, stderr)
  assert.match(stderr, /remote-rendering WARN remote_rendering::\w+: .*retry/i)
})
