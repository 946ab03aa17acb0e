'use strict'
// Every error kind maps to its class, with its attributes; every class is a RemoteRenderingError.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { rr, collectGarbage, CODES, assertError, expectError, deadPort, fakeService, conversionSettings } = require('./support.js')
const { Emulator, RemoteRenderingClient, RemoteRenderingError } = rr

// A client with a token function keeps the process alive until collected (a bug: exit.test.js).
after(() => collectGarbage())

describe('error classes', () => {
  test('every documented error class is exported, distinct, and extends RemoteRenderingError and Error', () => {
    const seen = new Set()
    for (const name of Object.keys(CODES)) {
      const cls = rr[name]
      assert.equal(typeof cls, 'function', `${name} is exported`)
      assert.equal(cls.name, name)
      assert.ok(cls.prototype instanceof RemoteRenderingError)
      assert.ok(cls.prototype instanceof Error)
      assert.ok(!seen.has(cls))
      seen.add(cls)
    }
    assert.ok(RemoteRenderingError.prototype instanceof Error)
  })

  test('TimeoutError is the old name of WaitTimeoutError: the same class, named WaitTimeoutError', () => {
    assert.equal(rr.TimeoutError, rr.WaitTimeoutError)
    assert.equal(rr.TimeoutError.name, 'WaitTimeoutError')
  })
})

describe('InvalidInputError: refused before anything is sent', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 0 })
    client = emu.client()
  })
  after(() => emu.stop())

  const nothingSent = () => {
    assert.equal(emu.requests('sts'), 0, 'no STS request')
    assert.equal(emu.stats().requests, 0, 'no request at all')
  }

  test('a session id with a space rejects with InvalidInputError naming the session id', async () => {
    const e = await expectError(client.getSession('has space'), rr.InvalidInputError, { status: undefined, retriable: false })
    assert.match(e.field, /session/i)
    assert.match(e.message, /has space/)
    await expectError(client.startSession('has space'), rr.InvalidInputError)
    await expectError(client.updateSession('has space', 10), rr.InvalidInputError)
    await expectError(client.stopSession('has space'), rr.InvalidInputError)
    await expectError(client.waitForSession('has space'), rr.InvalidInputError)
    nothingSent()
  })

  test('a lease of -1 minutes rejects with InvalidInputError naming the lease', async () => {
    const e = await expectError(client.startSession('lease-negative', 'Standard', -1), rr.InvalidInputError)
    assert.match(e.field, /lease/i)
    await expectError(client.updateSession('lease-negative', -1), rr.InvalidInputError)
    await expectError(client.startSession('lease-fraction', 'Standard', 1.5), rr.InvalidInputError)
    nothingSent()
  })

  test('a lease of 5000 minutes rejects with InvalidInputError naming the lease', async () => {
    const e = await expectError(client.startSession('lease-huge', 'Standard', 5000), rr.InvalidInputError)
    assert.match(e.field, /lease/i)
    assert.match(e.message, /1440/)
    nothingSent()
  })

  test(
    'InvalidInputError.field names the lease the same way for every rule (-1 and 5000)',
    async () => {
      const negative = await expectError(client.startSession('lease-a', 'Standard', -1), rr.InvalidInputError)
      const huge = await expectError(client.startSession('lease-b', 'Standard', 5000), rr.InvalidInputError)
      assert.equal(negative.field, huge.field)
    },
  )

  test('a wrong argument type (a number as the session id) rejects with InvalidInputError', async () => {
    await expectError(client.getSession(42), rr.InvalidInputError)
    await expectError(client.startSession('type-lease', 'Standard', '10'), rr.InvalidInputError)
    await expectError(client.waitForSessions('not-an-array'), rr.InvalidInputError)
    nothingSent()
  })

  test(
    'a wrong argument type names the argument in InvalidInputError.field',
    async () => {
      const e = await expectError(client.getSession(42), rr.InvalidInputError)
      assert.equal(typeof e.field, 'string')
    },
  )

  test('an accountDomain that is a bare region ("eastus") is refused at construction', () => {
    const e = assertError(
      catchSync(() => new RemoteRenderingClient(emu.clientOptions({ accountDomain: 'eastus', stsEndpoint: undefined }))),
      rr.InvalidInputError,
    )
    assert.match(e.field, /account_?domain/i)
    assert.match(e.message, /eastus\.mixedreality\.azure\.com/)
    nothingSent()
  })

  test('an endpoint over plain http to a non-loopback host is refused at construction', () => {
    const e = assertError(catchSync(() => emu.client({ endpoint: 'http://example.com' })), rr.InvalidInputError)
    assert.equal(e.field, 'endpoint')
    nothingSent()
  })

  test('a missing credential is refused at construction', () => {
    const e = assertError(catchSync(() => emu.client({ credential: undefined })), rr.InvalidInputError)
    assert.equal(e.field, 'credential')
    assertError(catchSync(() => emu.client({ credential: {} })), rr.InvalidInputError, { field: 'credential' })
    assertError(catchSync(() => new RemoteRenderingClient()), rr.InvalidInputError, { field: 'options' })
    nothingSent()
  })

  test('an account id that is not a UUID is refused at construction', () => {
    const e = assertError(catchSync(() => emu.client({ accountId: 'my-account' })), rr.InvalidInputError)
    assert.match(e.field, /account_?id/i)
    nothingSent()
  })

  test('a service 400 (an unknown session size) is an InvalidInputError with status 400', async () => {
    const e = await expectError(client.startSession('size-huge', 'Huge', 10), rr.InvalidInputError, { status: 400 })
    assert.equal(e.details.code, 'BadRequest')
  })
})

describe('errors the service answers', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 60_000 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('a wrong account key rejects with AuthenticationError (401), and the key is not in the message', async () => {
    const bad = emu.client({ credential: { accountKey: 'WRONG-key-7f3a9c' } })
    const e = await expectError(bad.getSession('any'), rr.AuthenticationError, { status: 401, retriable: false })
    assert.equal(typeof e.msCv, 'string')
    assert.ok(!e.message.includes('WRONG-key-7f3a9c'))
  })

  test('a failing token function rejects with AuthenticationError', async () => {
    const bad = emu.client({
      credential: async () => {
        throw new Error('no token today')
      },
    })
    const e = await expectError(bad.getSession('any'), rr.AuthenticationError)
    assert.match(e.message, /no token today/)
  })

  test('a conversion without SAS on unlinked storage rejects with ForbiddenError (403)', async () => {
    const e = await expectError(
      client.startConversion('forbidden', conversionSettings({ inSas: null, outSas: null })),
      rr.ForbiddenError,
      { status: 403, retriable: false },
    )
    assert.equal(e.details.code, 'LinkedStorageAccessFailure')
  })

  test('an unknown session rejects with NotFoundError (status 404, msCv)', async () => {
    const e = await expectError(client.getSession('missing'), rr.NotFoundError, { status: 404, retriable: false })
    assert.equal(typeof e.msCv, 'string')
    assert.ok(e.msCv.length > 0)
    assert.ok(e.message.includes(e.msCv), 'the message quotes the MS-CV for support')
    await expectError(client.getConversion('missing'), rr.NotFoundError, { status: 404 })
  })

  test('starting a session id again with another size rejects with ConflictError (409)', async () => {
    await client.startSession('conflict', 'Standard', 10)
    await expectError(client.startSession('conflict', 'Premium', 10), rr.ConflictError, { status: 409 })
  })

  test('shortening the lease (3 after 5) rejects with UnprocessableError (422)', async () => {
    await client.startSession('shrink', 'Standard', 5)
    const e = await expectError(client.updateSession('shrink', 3), rr.UnprocessableError, { status: 422 })
    assert.equal(e.details.code, 'UnprocessableEntity')
  })

  test('throttling after the attempts allowed rejects with ThrottledError (retryAfter 1000 ms)', async () => {
    await client.startSession('throttled', 'Standard', 10)
    emu.setFaults('429:1=1@get_session', 1)
    try {
      const before = emu.requests('get_session')
      const e = await expectError(emu.client({ maxAttempts: 2 }).getSession('throttled'), rr.ThrottledError, {
        status: 429,
        retryAfter: 1000,
        retriable: true,
      })
      assert.ok(e.msCv)
      assert.equal(emu.requests('get_session') - before, 2, 'maxAttempts 2: the first attempt and one retry')
    } finally {
      emu.clearFaults()
    }
    assert.equal((await client.getSession('throttled')).id, 'throttled')
  })

  test('a 500 rejects with ServiceError (status 500, retriable)', async () => {
    await client.startSession('server-error', 'Standard', 10)
    emu.setFaults('500=1@get_session')
    try {
      const e = await expectError(emu.client({ maxAttempts: 1 }).getSession('server-error'), rr.ServiceError, {
        status: 500,
        retriable: true,
      })
      assert.equal(e.details.code, 'InternalServerError')
    } finally {
      emu.clearFaults()
    }
  })

  test('a port nothing listens on rejects with TransportError', async () => {
    const port = await deadPort()
    const dead = emu.client({ endpoint: `http://127.0.0.1:${port}`, stsEndpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 })
    await expectError(dead.getSession('any'), rr.TransportError, { status: undefined, retriable: true })
  })

  test('a wait that runs out of time rejects with WaitTimeoutError carrying the session as last seen', async () => {
    await client.startSession('slow', 'Standard', 10)
    const e = await expectError(client.waitForSession('slow', { timeout: 200, pollInterval: 20 }), rr.WaitTimeoutError)
    assert.equal(e.session.status, 'Starting')
    assert.equal(e.session.id, 'slow')
  })

  test('a session that fails while waited on rejects with SessionFailedError (.session.status)', async () => {
    await client.startSession('failing', 'Standard', 10)
    emu.failSession('failing', 'SessionStartFailed', 'injected')
    const e = await expectError(client.waitForSession('failing'), rr.SessionFailedError)
    assert.equal(e.session.status, 'Error')
    assert.equal(e.session.error.code, 'SessionStartFailed')
    assert.equal(e.details.code, 'SessionStartFailed')
  })

  test('a conversion that fails while waited on rejects with ConversionFailedError (.conversion)', async () => {
    await client.startConversion('failing-conversion', conversionSettings())
    emu.failConversion('failing-conversion')
    const e = await expectError(client.waitForConversion('failing-conversion'), rr.ConversionFailedError)
    assert.equal(e.conversion.status, 'Failed')
    assert.equal(e.conversion.id, 'failing-conversion')
  })

  test('an aborted call rejects with AbortError (name AbortError, code CANCELLED, cause the reason)', async () => {
    const reason = new Error('the user left')
    const e = await expectError(client.getSession('slow', { signal: AbortSignal.abort(reason) }), rr.AbortError, {
      name: 'AbortError',
      code: 'CANCELLED',
    })
    assert.equal(e.cause, reason)
  })
})

test('an answer the client cannot read rejects with ProtocolError', async () => {
  const fake = await fakeService(() => [200, 'this is not json'])
  try {
    await expectError(fake.client().getSession('any'), rr.ProtocolError)
  } finally {
    await fake.close()
  }
})

function catchSync(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected a throw')
}
