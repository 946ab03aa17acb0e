'use strict'
// Sessions against the embedded emulator: every method, lists, waits, keepers, session().

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { rr, expectError, sleep, until } = require('./support.js')
const { Emulator, SessionFailedError, TimeoutError, NotFoundError, ManagedSession, LeaseKeeper } = rr

describe('session methods', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 60_000 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('startSession creates a Starting session with the size and lease asked for', async () => {
    const s = await client.startSession('start-1', 'Premium', 20)
    assert.equal(s.id, 'start-1')
    assert.equal(s.status, 'Starting')
    assert.equal(s.size, 'Premium')
    assert.equal(s.leaseMinutes, 20)
    assert.equal(s.elapsedMinutes, 0)
    assert.ok(s.createdOn instanceof Date)
  })

  test('startSession defaults to a Standard session of 30 minutes', async () => {
    const s = await client.startSession('start-defaults')
    assert.equal(s.size, 'Standard')
    assert.equal(s.leaseMinutes, 30)
  })

  test('startSession again with the same settings returns the existing session', async () => {
    const a = await client.startSession('start-twice', 'Standard', 10)
    const b = await client.startSession('start-twice', 'Standard', 10)
    assert.equal(b.id, a.id)
    assert.equal(b.createdOn.getTime(), a.createdOn.getTime())
  })

  test('getSession returns Ready with the connection details once the startup delay has passed', async () => {
    await client.startSession('get-1', 'Standard', 10)
    assert.equal((await client.getSession('get-1')).status, 'Starting')
    emu.advanceClock(60_000)
    const s = await client.getSession('get-1')
    assert.equal(s.status, 'Ready')
    assert.equal(typeof s.hostname, 'string')
    assert.equal(typeof s.handshakePort, 'number')
    assert.equal(typeof s.arrInspectorPort, 'number')
    assert.equal(typeof s.teraflops, 'number')
  })

  test('updateSession extends the lease', async () => {
    await client.startSession('update-1', 'Standard', 10)
    const s = await client.updateSession('update-1', 25)
    assert.equal(s.id, 'update-1')
    assert.equal(s.leaseMinutes, 25)
    assert.equal((await client.getSession('update-1')).leaseMinutes, 25)
  })

  test('stopSession stops the session and resolves to undefined', async () => {
    await client.startSession('stop-1', 'Standard', 10)
    assert.equal(await client.stopSession('stop-1'), undefined)
    assert.equal((await client.getSession('stop-1')).status, 'Stopped')
  })

  test('getSession of an unknown id rejects with NotFoundError', async () => {
    await expectError(client.getSession('no-such-session'), NotFoundError, { status: 404 })
  })
})

describe('listSessions', () => {
  let emu
  let client
  const ids = Array.from({ length: 8 }, (_, i) => `list-${i}`)
  before(async () => {
    emu = await Emulator.start({ startupDelay: 60_000, pageSize: 3 })
    client = emu.client()
    for (const id of ids) await client.startSession(id, 'Standard', 10)
  })
  after(() => emu.stop())

  test('listSessions iterates every session across pages with for await', async () => {
    const before = emu.requests('list_sessions')
    const seen = []
    for await (const s of client.listSessions()) {
      assert.ok(Object.isFrozen(s))
      seen.push(s.id)
    }
    assert.deepEqual([...seen].sort(), [...ids].sort())
    assert.equal(emu.requests('list_sessions') - before, 3, '8 sessions in pages of 3')
  })

  test('listSessions is lazy: breaking after 2 of 8 items (pageSize 3) costs one list request', async () => {
    const before = emu.requests('list_sessions')
    const iterator = client.listSessions()
    assert.equal(emu.requests('list_sessions'), before, 'nothing is requested before iterating')
    const seen = []
    for await (const s of iterator) {
      seen.push(s.id)
      if (seen.length === 2) break
    }
    assert.equal(seen.length, 2)
    assert.equal(emu.requests('list_sessions') - before, 1)
  })

  test('listSessions supports next() and ends with done', async () => {
    const it = client.listSessions()
    assert.equal(it[Symbol.asyncIterator](), it)
    let n = 0
    for (let r = await it.next(); !r.done; r = await it.next()) n++
    assert.equal(n, ids.length)
    assert.deepEqual(await it.next(), { done: true, value: undefined })
  })
})

describe('waits', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 60_000 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('waitForSession reports progress (Starting… Ready) and resolves Ready', async () => {
    await client.startSession('wait-1', 'Standard', 10)
    const statuses = []
    const s = await client.waitForSession('wait-1', {
      pollInterval: 10,
      onProgress: (p) => {
        assert.ok(Object.isFrozen(p))
        assert.equal(p.id, 'wait-1')
        statuses.push(p.status)
        if (statuses.length === 3) emu.advanceClock(60_000)
      },
    })
    assert.equal(s.status, 'Ready')
    await sleep(20) // progress calls are queued to the JS thread
    assert.ok(statuses.length >= 4, `statuses: ${statuses}`)
    assert.equal(statuses.at(-1), 'Ready')
    assert.deepEqual(statuses.slice(0, -1), statuses.slice(0, -1).map(() => 'Starting'))
  })

  test('waitForSession of a session that fails rejects with SessionFailedError carrying the session', async () => {
    await client.startSession('wait-fail', 'Standard', 10)
    emu.failSession('wait-fail')
    const e = await expectError(client.waitForSession('wait-fail'), SessionFailedError)
    assert.equal(e.session.status, 'Error')
    assert.equal(e.session.id, 'wait-fail')
    assert.equal(typeof e.details.code, 'string')
  })

  test('waitForSession of a stopped session rejects with SessionFailedError (status Stopped)', async () => {
    await client.startSession('wait-stopped', 'Standard', 10)
    await client.stopSession('wait-stopped')
    const e = await expectError(client.waitForSession('wait-stopped'), SessionFailedError)
    assert.equal(e.session.status, 'Stopped')
  })

  test('waitForSessions resolves in input order, a failed session as a SessionFailedError in the array', async () => {
    for (const id of ['multi-a', 'multi-bad', 'multi-b']) await client.startSession(id, 'Standard', 10)
    emu.failSession('multi-bad', 'SessionStartFailed', 'injected by the test')
    let advanced = false
    const results = await client.waitForSessions(['multi-b', 'multi-bad', 'multi-a'], {
      pollInterval: 10,
      timeout: 10_000,
      onProgress: () => {
        if (!advanced) {
          advanced = true
          emu.advanceClock(60_000)
        }
      },
    })
    assert.equal(results.length, 3)
    assert.equal(results[0].id, 'multi-b')
    assert.equal(results[0].status, 'Ready')
    assert.ok(results[1] instanceof SessionFailedError)
    assert.equal(results[1].code, 'SESSION_FAILED')
    assert.equal(results[1].session.id, 'multi-bad')
    assert.equal(results[1].session.status, 'Error')
    assert.equal(results[1].details.code, 'SessionStartFailed')
    assert.equal(results[2].id, 'multi-a')
    assert.equal(results[2].status, 'Ready')
  })

  test('waitForSessions puts a NotFoundError in the array for an unknown id', async () => {
    await client.startSession('multi-known', 'Standard', 10)
    emu.advanceClock(60_000)
    const [ok, missing] = await client.waitForSessions(['multi-known', 'multi-unknown'], { timeout: 5000 })
    assert.equal(ok.status, 'Ready')
    assert.ok(missing instanceof NotFoundError)
  })
})

describe('keepAlive', () => {
  const lease = { stepMinutes: 2, marginMinutes: 1, maxTotalMinutes: 6, checkInterval: 20 }

  test('keepAlive extends the lease in steps up to maxTotalMinutes (6) and no further: 2 extensions', async () => {
    // timeScale 600: an emulated minute is 100 ms. Lease 2 → 4 → 6, then the session expires at 6.
    const emu = await Emulator.start({ startupDelay: 0, timeScale: 600 })
    try {
      const client = emu.client({ pollInterval: 10 })
      await client.startSession('keep-cap', 'Standard', 2)
      const keeper = client.keepAlive('keep-cap', lease)
      assert.ok(keeper instanceof LeaseKeeper)
      assert.equal(keeper.sessionId, 'keep-cap')
      const s = await until(
        async () => {
          const s = await client.getSession('keep-cap')
          return s.status !== 'Ready' ? s : undefined
        },
        { timeout: 5000, what: 'the session to expire' },
      )
      assert.equal(s.status, 'Expired')
      assert.equal(s.leaseMinutes, 6)
      assert.equal(keeper.extensions, 2)
      assert.equal(emu.requests('update_session'), 2)
      await until(() => keeper.isFinished, { what: 'the keeper to finish' })
      assert.equal(keeper.latest.leaseMinutes, 6)
      await keeper.close()
    } finally {
      await emu.stop()
    }
  })

  test('disposing a keepAlive keeper stops the session', async () => {
    const emu = await Emulator.start({ startupDelay: 0, timeScale: 600 })
    try {
      const client = emu.client({ pollInterval: 10 })
      await client.startSession('keep-dispose', 'Standard', 2)
      const keeper = client.keepAlive('keep-dispose', lease)
      await until(() => keeper.extensions === 2, { what: 'two extensions' })
      assert.equal((await client.getSession('keep-dispose')).leaseMinutes, 6)
      await keeper[Symbol.asyncDispose]()
      assert.equal((await client.getSession('keep-dispose')).status, 'Stopped')
      assert.equal(emu.requests('stop_session'), 1)
      await keeper.close() // idempotent
      assert.equal(emu.requests('stop_session'), 1)
    } finally {
      await emu.stop()
    }
  })

  test('a detached keeper leaves the session running', async () => {
    const emu = await Emulator.start({ startupDelay: 0, timeScale: 600 })
    try {
      const client = emu.client()
      await client.startSession('keep-detach', 'Standard', 20)
      const keeper = client.keepAlive('keep-detach', lease)
      await keeper.detach()
      assert.equal((await client.getSession('keep-detach')).status, 'Ready')
      assert.equal(emu.requests('stop_session'), 0)
    } finally {
      await emu.stop()
    }
  })
})

describe('session()', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 60_000 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('session() resolves a Ready ManagedSession, and Symbol.asyncDispose stops it', async () => {
    const statuses = []
    const pending = client.session({
      leaseMinutes: 10,
      onProgress: (s) => {
        statuses.push(s.status)
        if (statuses.length === 2) emu.advanceClock(60_000)
      },
    })
    const m = await pending
    assert.ok(m instanceof ManagedSession)
    assert.equal(m.session.status, 'Ready')
    assert.equal(m.id, m.session.id)
    assert.match(m.id, /^session-/)
    assert.equal((await m.refresh()).status, 'Ready')
    await m[Symbol.asyncDispose]()
    assert.equal((await client.getSession(m.id)).status, 'Stopped')
    await m.close() // once only
    assert.equal(emu.requests('stop_session'), 1)
  })

  test('session() whose wait times out (timeout 200) rejects with TimeoutError and leaves the session Stopped', async () => {
    const started = Date.now()
    const e = await expectError(client.session({ sessionId: 'managed-timeout', timeout: 200, pollInterval: 20 }), TimeoutError)
    assert.ok(Date.now() - started < 3000)
    assert.equal(e.session?.status, 'Starting')
    assert.equal((await client.getSession('managed-timeout')).status, 'Stopped')
  })

  test('session() with keepAlive: false starts, waits and stops without a keeper', async () => {
    const p = client.session({ sessionId: 'managed-nokeep', keepAlive: false })
    await until(async () => (await client.getSession('managed-nokeep').catch(() => null))?.status === 'Starting')
    emu.advanceClock(60_000)
    const m = await p
    assert.equal(m.extensions, 0)
    await m.close()
    assert.equal((await client.getSession('managed-nokeep')).status, 'Stopped')
  })
})

describe('openSession()', () => {
  test('openSession is the name; session is the same function (its former name)', () => {
    assert.equal(typeof rr.RemoteRenderingClient.prototype.openSession, 'function')
    assert.equal(rr.RemoteRenderingClient.prototype.session, rr.RemoteRenderingClient.prototype.openSession)
  })

  test("openSession takes the keeper's options flat, with the table's names: 2 extensions of 2 up to 6 minutes", async () => {
    // timeScale 600: an emulated minute is 100 ms. Lease 2 → 4 → 6, then the session expires at 6.
    const emu = await Emulator.start({ startupDelay: 0, timeScale: 600 })
    try {
      const client = emu.client({ pollInterval: 10 })
      const m = await client.openSession({
        sessionId: 'open-flat',
        leaseMinutes: 2,
        stepMinutes: 2,
        marginMinutes: 1,
        maxTotalMinutes: 6,
        checkInterval: 20,
      })
      const s = await until(
        async () => {
          const s = await client.getSession('open-flat')
          return s.status !== 'Ready' ? s : undefined
        },
        { timeout: 5000, what: 'the session to expire' },
      )
      assert.equal(s.leaseMinutes, 6)
      assert.equal(m.extensions, 2)
      await m.close()
    } finally {
      await emu.stop()
    }
  })

  test('keepAlive takes stopOnClose (the table name); stopOnDispose stays the same option', async () => {
    const emu = await Emulator.start({ startupDelay: 0 })
    try {
      const client = emu.client({ pollInterval: 10 })
      for (const [id, options] of [['close-a', { stopOnClose: false }], ['close-b', { stopOnDispose: false }]]) {
        await client.startSession(id, 'Standard', 10)
        await client.keepAlive(id, { checkInterval: 20, ...options }).close()
        assert.equal((await client.getSession(id)).status, 'Ready', `${JSON.stringify(options)} leaves it running`)
      }
      await client.startSession('close-c', 'Standard', 10)
      await client.keepAlive('close-c', { checkInterval: 20 }).close()
      assert.equal((await client.getSession('close-c')).status, 'Stopped', 'stopOnClose defaults to true')
    } finally {
      await emu.stop()
    }
  })
})
