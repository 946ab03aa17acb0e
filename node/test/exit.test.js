'use strict'
// The process exits on its own once the last client and emulator are closed: nothing native keeps
// the event loop alive, and nothing panics on the way out.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')
const { rr } = require('./support.js')

const INDEX = path.resolve(__dirname, '..', 'index.js')

/** Runs `node -e script`; resolves { code, signal, stdout, stderr, ms }, killing it after `limit` ms. */
function runNode(script, { env = {}, limit = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), limit)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  })
}

test('the process exits with code 0 after the emulator is stopped, without process.exit', async () => {
  const script = `
    const { Emulator } = require(${JSON.stringify(INDEX)})
    ;(async () => {
      const emu = await Emulator.start({ startupDelay: 0 })
      const client = emu.client()
      const s = await client.startSession('exit-1', 'Standard', 10)
      await client.getSession(s.id)
      await client.close()
      await emu.stop()
      console.log('done')
    })().catch((e) => { console.error(e); process.exitCode = 1 })
  `
  const r = await runNode(script)
  assert.equal(r.signal, null, `killed after ${r.ms} ms: the process did not exit on its own`)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'done')
  assert.doesNotMatch(r.stderr, /panicked/)
  assert.ok(r.ms < 10_000)
})

test('the process exits with code 0 after waits, lists, aborts, keepers and managed sessions are closed', async () => {
  const script = `
    const { Emulator } = require(${JSON.stringify(INDEX)})
    ;(async () => {
      const emu = await Emulator.start({ startupDelay: 0 })
      const client = emu.client({ pollInterval: 10 })
      const m = await client.session({ leaseMinutes: 10, keepAlive: { checkInterval: 20 } })
      const keeper = client.keepAlive(m.id, { checkInterval: 20, stopOnDispose: false })
      for await (const s of client.listSessions({ signal: new AbortController().signal })) void s
      await client.startSession('exit-slow', 'Standard', 10)
      await client.waitForSession(m.id, { signal: AbortSignal.timeout(5000) })
      await client.waitForSession('no-such', { signal: AbortSignal.abort() }).catch(() => {})
      await keeper.close()
      await m.close()
      await emu.stop()
      console.log('done')
    })().catch((e) => { console.error(e); process.exitCode = 1 })
  `
  const r = await runNode(script)
  assert.equal(r.signal, null, `killed after ${r.ms} ms: the process did not exit on its own`)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'done')
  assert.doesNotMatch(r.stderr, /panicked/)
})

test(
  'a process that ends with a managed session left open stops it on the way out, without a panic',
  async () => {
    // The emulator runs here; the child process is only a client of it.
    const emu = await rr.Emulator.start({ startupDelay: 0 })
    try {
      const script = `
        const { RemoteRenderingClient } = require(${JSON.stringify(INDEX)})
        ;(async () => {
          const client = new RemoteRenderingClient(JSON.parse(process.env.RR_OPTIONS))
          const m = await client.session({ sessionId: 'left-open', leaseMinutes: 10, pollInterval: 10 })
          console.log(m.id)
        })().catch((e) => { console.error(e); process.exitCode = 1 })
      `
      const r = await runNode(script, { env: { RR_OPTIONS: JSON.stringify(emu.clientOptions()) } })
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout.trim(), 'left-open')
      const client = emu.client()
      assert.equal((await client.getSession('left-open')).status, 'Stopped')
      assert.doesNotMatch(r.stderr, /panicked/)
    } finally {
      await emu.stop()
    }
  },
)

test(
  'a client made with a token function does not keep the process alive once everything is closed',
  async () => {
    const script = `
      const { Emulator } = require(${JSON.stringify(INDEX)})
      ;(async () => {
        const emu = await Emulator.start()
        const client = emu.client({ credential: async () => 'not-a-token' })
        await client.getSession('any').catch(() => {})
        await client.close()
        await emu.stop()
        console.log('done')
      })().catch((e) => { console.error(e); process.exitCode = 1 })
    `
    const r = await runNode(script, { limit: 3000 })
    assert.equal(r.stdout.trim(), 'done')
    assert.equal(r.signal, null, `killed after ${r.ms} ms: the process did not exit on its own`)
    assert.equal(r.code, 0, r.stderr)
  },
)
