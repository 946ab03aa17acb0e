'use strict'
// The embedded emulator's own surface: start options, stats, faults, stop.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { rr, expectError, ACCOUNT_ID } = require('./support.js')
const { Emulator } = rr

test('Emulator.start runs on a loopback port and stop()/asyncDispose end it (twice is harmless)', async () => {
  const emu = await Emulator.start()
  assert.equal(emu.running, true)
  assert.match(emu.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.match(emu.stsEndpoint, /^http:\/\/127\.0\.0\.1:\d+/)
  assert.match(emu.accountId, /^[0-9a-f-]{36}$/)
  assert.equal(typeof emu.accountKey, 'string')
  await emu[Symbol.asyncDispose]()
  assert.equal(emu.running, false)
  await emu.stop()
})

test('Emulator.start with accounts runs that account', async () => {
  const emu = await Emulator.start({ accounts: [[ACCOUNT_ID, 'KEY-emulator-test']] })
  try {
    assert.equal(emu.accountId, ACCOUNT_ID)
    assert.equal(emu.accountKey, 'KEY-emulator-test')
    const client = emu.client()
    assert.equal(client.accountId, ACCOUNT_ID)
    assert.equal(client.endpoint.replace(/\/$/, ''), emu.endpoint)
    await client.startSession('account-session', 'Standard', 10)
  } finally {
    await emu.stop()
  }
})

test('emu.requests counts requests per route, and stats() has the totals', async () => {
  const emu = await Emulator.start({ startupDelay: 0 })
  try {
    const client = emu.client()
    await client.startSession('counted', 'Standard', 10)
    await client.getSession('counted')
    await client.getSession('counted')
    await client.updateSession('counted', 20)
    await client.stopSession('counted')
    for await (const s of client.listSessions()) void s
    assert.equal(emu.requests('sts'), 1)
    assert.equal(emu.requests('create_session'), 1)
    assert.equal(emu.requests('get_session'), 2)
    assert.equal(emu.requests('update_session'), 1)
    assert.equal(emu.requests('stop_session'), 1)
    assert.equal(emu.requests('list_sessions'), 1)
    assert.equal(emu.requests('list_conversions'), 0)
    assert.equal(emu.stats().requests, 7)
  } finally {
    await emu.stop()
  }
})

test('faults given to Emulator.start apply from the first request (503 → ServiceError with retryAfter)', async () => {
  const emu = await Emulator.start({ faults: '503=1@get_session', seed: 7 })
  try {
    await expectError(emu.client({ maxAttempts: 1 }).getSession('any'), rr.ServiceError, {
      status: 503,
      retryAfter: 1000,
      retriable: true,
    })
  } finally {
    await emu.stop()
  }
})

test('Emulator.start refuses a malformed fault plan with InvalidInputError', async () => {
  await expectError(Emulator.start({ faults: 'bogus' }), rr.InvalidInputError)
})

test(
  'emu.setFaults refuses a malformed fault plan with InvalidInputError, as Emulator.start does',
  async () => {
    const emu = await Emulator.start()
    try {
      await expectError(() => emu.setFaults('bogus'), rr.InvalidInputError)
    } finally {
      await emu.stop()
    }
  },
)
