'use strict'
// AbortSignal and timeouts: cancellation reaches the Rust future (no further requests).

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { rr, expectError, sleep } = require('./support.js')
const { Emulator, AbortError, TimeoutError } = rr

describe('abort and timeout', () => {
  let emu
  let client
  before(async () => {
    // Sessions never become Ready on their own (an hour of startup, real-time clock).
    emu = await Emulator.start({ startupDelay: 3_600_000, pageSize: 2 })
    client = emu.client()
    for (let i = 0; i < 6; i++) await client.startSession(`abort-${i}`, 'Standard', 10)
  })
  after(() => emu.stop())

  test('aborting waitForSession after 100 ms rejects with AbortError within 1 s, and polling stops', async () => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), 100)
    const started = Date.now()
    const e = await expectError(
      client.waitForSession('abort-0', { pollInterval: 10_000, signal: controller.signal }),
      AbortError,
      { name: 'AbortError', code: 'CANCELLED' },
    )
    clearTimeout(timer)
    const elapsed = Date.now() - started
    assert.ok(elapsed >= 90 && elapsed < 1000, `rejected after ${elapsed} ms`)
    assert.equal(e.session?.status, 'Starting', 'the session as last seen')
    assert.ok(e.cause instanceof Error && e.cause.name === 'AbortError', 'the cause is the signal\'s reason')
    await sleep(50) // a request in flight at the abort may still be counted
    const after = emu.requests('get_session')
    await sleep(300)
    assert.equal(emu.requests('get_session'), after, 'no get_session request after the abort')
  })

  test('aborting a fast-polling waitForSession stops its polling (no get_session requests after)', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await expectError(client.waitForSession('abort-1', { pollInterval: 10, signal: controller.signal }), AbortError)
    await sleep(50) // a request in flight at the abort may still be counted
    const after = emu.requests('get_session')
    await sleep(200)
    assert.equal(emu.requests('get_session'), after)
  })

  test('an already-aborted signal rejects at once without any request', async () => {
    const before = emu.stats().requests
    const signal = AbortSignal.abort()
    const started = Date.now()
    await expectError(client.getSession('abort-0', { signal }), AbortError)
    await expectError(client.startSession('abort-new', 'Standard', 10, { signal }), AbortError)
    await expectError(client.updateSession('abort-0', 20, { signal }), AbortError)
    await expectError(client.stopSession('abort-0', { signal }), AbortError)
    await expectError(client.waitForSession('abort-0', { signal }), AbortError)
    await expectError(client.waitForSessions(['abort-0'], { signal }), AbortError)
    await expectError(client.session({ signal }), AbortError)
    await expectError(client.getConversion('c', { signal }), AbortError)
    await expectError(client.waitForConversion('c', { signal }), AbortError)
    await expectError(client.listSessions({ signal }).next(), AbortError)
    await expectError(client.listConversions({ signal }).next(), AbortError)
    assert.ok(Date.now() - started < 500)
    await sleep(50)
    assert.equal(emu.stats().requests, before, 'nothing was sent')
    assert.equal((await client.getSession('abort-0')).status, 'Starting', 'abort-0 was not stopped')
  })

  test('aborting between items of listSessions makes the next step reject with AbortError', async () => {
    const controller = new AbortController()
    const before = emu.requests('list_sessions')
    const seen = []
    await expectError(async () => {
      for await (const s of client.listSessions({ signal: controller.signal })) {
        seen.push(s.id)
        if (seen.length === 1) controller.abort()
      }
    }, AbortError)
    assert.equal(seen.length, 1)
    assert.equal(emu.requests('list_sessions') - before, 1, 'no further page was requested')
  })

  test('aborting listSessions while a page request is in flight rejects with AbortError within 1 s', async () => {
    emu.setFaults('delay:3s=1@list_sessions')
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const started = Date.now()
      await expectError(async () => {
        // eslint-disable-next-line no-unused-vars
        for await (const _ of client.listSessions({ signal: controller.signal })) assert.fail('no item expected')
      }, AbortError)
      assert.ok(Date.now() - started < 1000)
    } finally {
      emu.clearFaults()
    }
  })

  test('aborting waitForSessions ends the wait within 1 s with an AbortError and stops polling', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const started = Date.now()
    const e = await expectError(client.waitForSessions(['abort-2', 'abort-3'], { pollInterval: 20, signal: controller.signal }), AbortError)
    assert.ok(Date.now() - started < 1000)
    assert.equal(e.code, 'CANCELLED')
    await sleep(50)
    const after = emu.requests('list_sessions')
    await sleep(200)
    assert.equal(emu.requests('list_sessions'), after, 'polling stopped')
  })

  test(
    'aborting waitForSessions mid-wait rejects with AbortError (as it does for an already-aborted signal)',
    async () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      await expectError(client.waitForSessions(['abort-2', 'abort-3'], { pollInterval: 20, signal: controller.signal }), AbortError)
    },
  )

  test('aborting session() while it waits rejects with AbortError and stops the session it started', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await expectError(client.session({ sessionId: 'abort-managed', pollInterval: 20, signal: controller.signal }), AbortError)
    assert.equal((await client.getSession('abort-managed')).status, 'Stopped')
  })

  test('a signal that fires after the call completed changes nothing', async () => {
    const controller = new AbortController()
    const s = await client.getSession('abort-4', { signal: controller.signal })
    controller.abort()
    assert.equal(s.status, 'Starting')
  })

  test('AbortSignal.timeout works as a deadline (AbortError), the timeout option as TimeoutError', async () => {
    await expectError(client.waitForSession('abort-5', { pollInterval: 20, signal: AbortSignal.timeout(100) }), AbortError)
    const started = Date.now()
    await expectError(client.waitForSession('abort-5', { pollInterval: 20, timeout: 150 }), TimeoutError)
    assert.ok(Date.now() - started < 1000)
  })
})
