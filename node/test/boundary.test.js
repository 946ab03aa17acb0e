'use strict'
// What crosses the boundary from Rust: errors as Error objects with properties (mapped to a class
// once, by code), and panics as InternalError, blocking and async, with the process living on.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { rr, expectError, assertError } = require('./support.js')
const native = require('../load-native.js')

describe('errors cross as objects', () => {
  let emu
  before(async () => {
    emu = await rr.Emulator.start({ startupDelay: 0 })
  })
  after(() => emu.stop())

  test("the addon rejects with an Error whose properties are the error's data, not JSON in its message", async () => {
    const client = new native.NativeClient(
      { accountId: emu.accountId, accountDomain: emu.accountDomain, endpoint: emu.endpoint, stsEndpoint: emu.stsEndpoint, accountKey: emu.accountKey, caCertPem: emu.caCert },
      undefined,
    )
    let e
    try {
      await client.getSession('missing')
    } catch (err) {
      e = err
    }
    assert.ok(e instanceof Error, 'an Error object')
    assert.equal(e.code, 'NOT_FOUND')
    assert.equal(e.status, 404)
    assert.equal(e.retriable, false)
    assert.equal(typeof e.msCv, 'string')
    assert.ok(!e.message.startsWith('RRERR'), e.message)
    assert.ok(!e.message.includes('{'), 'the message is text, not a payload')
  })

  test('a field the core names in snake_case arrives in camelCase', () => {
    let e
    try {
      new native.NativeClient({ accountId: 'not-a-uuid', accountKey: 'k', endpoint: emu.endpoint })
    } catch (err) {
      e = err
    }
    assert.equal(e.code, 'INVALID_INPUT')
    assert.equal(e.field, 'accountId')
  })

  test('the public client maps each code to its class once (retryAfter in ms)', async () => {
    const client = emu.client()
    await client.startSession('boundary-throttled', 'Standard', 10)
    emu.setFaults('429:2=1@get_session', 1)
    try {
      await expectError(emu.client({ maxAttempts: 1 }).getSession('boundary-throttled'), rr.ThrottledError, { status: 429, retryAfter: 2000 })
    } finally {
      emu.clearFaults()
    }
  })
})

describe('a panic inside the addon is an InternalError, never an abort', () => {
  test('blocking: the call throws InternalError (code INTERNAL_ERROR) and the process lives on', () => {
    let e
    try {
      rr._panicForTest(false)
    } catch (err) {
      e = err
    }
    assertError(e, rr.InternalError, { retriable: false })
    assert.match(e.message, /panic/)
    // The same words in every language: the core's, from the one table.
    assert.ok(e.message.startsWith(rr.vocabulary().panic_message_prefix), e.message)
    assert.ok(e instanceof rr.RemoteRenderingError)
  })

  test('async: the promise rejects with InternalError and the process lives on', async () => {
    const e = await expectError(rr._panicForTest(true), rr.InternalError, { retriable: false })
    assert.match(e.message, /panic/)
    assert.ok(e.message.startsWith(rr.vocabulary().panic_message_prefix), e.message)
  })

  test('after both panics the addon still works', async () => {
    assert.throws(() => rr._panicForTest(false), rr.InternalError)
    await assert.rejects(rr._panicForTest(true), rr.InternalError)
    const emu = await rr.Emulator.start({ startupDelay: 0 })
    try {
      const s = await emu.client().startSession('after-panic', 'Standard', 10)
      assert.equal(s.id, 'after-panic')
    } finally {
      await emu.stop()
    }
  })
})
