'use strict'
// Models: plain frozen objects, dates as Date, unknown enum values kept as strings.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { rr, conversionSettings, fakeService, ACCOUNT_ID } = require('./support.js')
const { Emulator, SessionStatus, SessionSize, ConversionStatus } = rr

function assertPlainFrozen(value, what) {
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${what} is a plain object`)
  assert.ok(Object.isFrozen(value), `${what} is frozen`)
}

describe('models from the emulator', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ startupDelay: 0, conversionDuration: 0 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('a session is a plain frozen object whose createdOn is a Date', async () => {
    const s = await client.waitForSession((await client.startSession('model-session', 'Standard', 10)).id)
    assertPlainFrozen(s, 'the session')
    assert.ok(s.createdOn instanceof Date)
    assert.ok(!Number.isNaN(s.createdOn.getTime()))
    assert.ok(Math.abs(s.createdOn.getTime() - Date.now()) < 24 * 3600 * 1000)
    assert.throws(() => {
      'use strict'
      s.status = 'Stopped'
    }, TypeError)
    assert.deepEqual(Object.keys(s).sort(), [
      'arrInspectorPort',
      'createdOn',
      'elapsedMinutes',
      'handshakePort',
      'hostname',
      'id',
      'leaseMinutes',
      'size',
      'status',
      'teraflops',
    ])
    // No wire names leak through.
    assert.equal(s.maxLeaseTimeMinutes, undefined)
    assert.equal(s.creationTime, undefined)
  })

  test('a conversion and its settings are plain frozen objects whose createdOn is a Date', async () => {
    await client.startConversion('model-conversion', conversionSettings())
    const c = await client.waitForConversion('model-conversion')
    assertPlainFrozen(c, 'the conversion')
    assertPlainFrozen(c.settings, 'the settings')
    assertPlainFrozen(c.settings.inputLocation, 'the input location')
    assertPlainFrozen(c.settings.outputLocation, 'the output location')
    assert.ok(c.createdOn instanceof Date)
    assert.equal(c.status, ConversionStatus.Succeeded)
  })

  test('a failed session carries its error as a frozen ErrorDetails', async () => {
    await client.startSession('model-failed', 'Standard', 10)
    emu.failSession('model-failed', 'SessionStartFailed', 'no capacity')
    const s = await client.getSession('model-failed')
    assert.equal(s.status, SessionStatus.Error)
    assertPlainFrozen(s.error, 'the error')
    assert.deepEqual({ ...s.error }, { code: 'SessionStartFailed', message: 'no capacity' })
  })

  test('the status and size constants are frozen and match the service\'s strings', () => {
    assert.ok(Object.isFrozen(SessionStatus) && Object.isFrozen(SessionSize) && Object.isFrozen(ConversionStatus))
    assert.deepEqual(Object.values(SessionStatus), ['Error', 'Expired', 'Starting', 'Ready', 'Stopped'])
    assert.deepEqual(Object.values(SessionSize), ['Standard', 'Premium'])
    assert.deepEqual(Object.values(ConversionStatus), ['NotStarted', 'Running', 'Cancelled', 'Failed', 'Succeeded'])
    assert.equal(typeof rr.version, 'string')
  })
})

test('unknown statuses and sizes pass through as strings', async () => {
  const created = '2024-05-01T10:20:30Z'
  const fake = await fakeService((req, url) => {
    if (url.pathname === `/accounts/${ACCOUNT_ID}/sessions/future`) {
      return [200, { id: 'future', status: 'Hibernating', size: 'Colossal', maxLeaseTimeMinutes: 10, creationTime: created }]
    }
    if (url.pathname === `/accounts/${ACCOUNT_ID}/conversions/future`) {
      return [
        200,
        {
          id: 'future',
          status: 'Queued',
          creationTime: created,
          settings: conversionSettings({ inSas: null, outSas: null }),
          error: null,
        },
      ]
    }
    if (url.pathname === `/accounts/${ACCOUNT_ID}/sessions`) {
      return [200, { sessions: [{ id: 'future', status: 'Hibernating', size: 'Colossal' }] }]
    }
    return [404, { error: { code: 'NotFound', message: 'no' } }]
  })
  try {
    const client = fake.client()
    const s = await client.getSession('future')
    assert.equal(s.status, 'Hibernating')
    assert.equal(s.size, 'Colossal')
    assert.equal(s.createdOn.toISOString(), '2024-05-01T10:20:30.000Z')
    assert.ok(Object.isFrozen(s))
    const c = await client.getConversion('future')
    assert.equal(c.status, 'Queued')
    assert.ok(c.createdOn instanceof Date)
    const listed = []
    for await (const x of client.listSessions()) listed.push(x.status)
    assert.deepEqual(listed, ['Hibernating'])
  } finally {
    await fake.close()
  }
})
