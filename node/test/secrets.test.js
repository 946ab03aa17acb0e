'use strict'
// No secret in any util.inspect output or error message: account keys, SAS tokens, STS tokens.
//
// What is deliberately not inspected: `emu.clientOptions()` and the `{ accountKey }` /
// `{ accessToken }` objects. Those are the caller's own plain objects (clientOptions() is how a
// test gets the emulator's key), so they necessarily hold the secret. The test checks instead that
// the client built from them, and everything the package hands back, does not.

const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const crypto = require('node:crypto')
const { rr, collectGarbage, ACCOUNT_ID, conversionSettings, expectError } = require('./support.js')

const unique = crypto.randomBytes(6).toString('hex')
const KEY = `KEY-unique-${unique}`
const WRONG_KEY = `KEY-wrong-${unique}`
const SAS_IN = `sig=SAS-unique-in-${unique}`
const SAS_OUT = `sig=SAS-unique-out-${unique}`
const JWT_PREFIX = 'eyJhbGciOi' // the start of every JWT header ({"alg":…), so of every STS token

// A client with a token function keeps the process alive until collected (a bug: exit.test.js).
after(() => collectGarbage())

function inspectAll(value) {
  return [
    util.inspect(value),
    util.inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    value instanceof Error ? `${value.message}\n${value.stack}` : '',
    (() => {
      try {
        return JSON.stringify(value) ?? ''
      } catch {
        return ''
      }
    })(),
  ].join('\n')
}

test('no account key, SAS or token appears in any inspect output or error message', async () => {
  const emu = await rr.Emulator.start({
    startupDelay: 0,
    conversionDuration: 60_000,
    accounts: [[ACCOUNT_ID, KEY]],
  })
  const secrets = [KEY, WRONG_KEY, SAS_IN, SAS_OUT, 'SAS-unique', JWT_PREFIX]
  const outputs = [] // [what, text]
  const record = (what, value) => outputs.push([what, inspectAll(value)])
  try {
    assert.equal(emu.accountKey, KEY, 'the emulator runs the account given')
    record('emulator', emu)
    record('emulator stats', emu.stats())

    const client = emu.client({ pollInterval: 10 })
    const options = emu.clientOptions()
    assert.equal(options.credential.accountKey, KEY, 'clientOptions() carries the key by design (see the header)')
    record('client', client)

    // Models.
    const started = await client.startSession('secret-session', 'Standard', 10)
    record('session', started)
    const managed = await client.session({ leaseMinutes: 10, keepAlive: { checkInterval: 20 } })
    record('managed session', managed)
    const keeper = client.keepAlive('secret-session', { checkInterval: 20, stopOnDispose: false })
    record('lease keeper', keeper)
    const settings = conversionSettings({ inSas: SAS_IN, outSas: SAS_OUT })
    const conversion = await client.startConversion('secret-conversion', settings)
    record('conversion', conversion)
    emu.advanceClock(60_000)
    record('conversion after wait', await client.waitForConversion('secret-conversion'))
    for await (const c of client.listConversions()) record('listed conversion', c)
    for await (const s of client.listSessions()) record('listed session', s)

    // Errors.
    record('conflict error', await expectError(client.startConversion('secret-conversion', conversionSettings({ input: 'x.fbx', inSas: SAS_IN, outSas: SAS_OUT })), rr.ConflictError))
    await client.startConversion('secret-failed', settings)
    emu.failConversion('secret-failed')
    record('conversion failed error', await expectError(client.waitForConversion('secret-failed'), rr.ConversionFailedError))
    record('bad SAS error', await expectError(client.startConversion('secret-bad', conversionSettings({ inSas: `?${SAS_IN}`, outSas: SAS_OUT })), rr.InvalidInputError))
    record('not found error', await expectError(client.getSession('secret-missing'), rr.NotFoundError))
    const wrong = emu.client({ credential: { accountKey: WRONG_KEY } })
    record('client with a wrong key', wrong)
    record('wrong key error', await expectError(wrong.getSession('secret-session'), rr.AuthenticationError))

    // A real STS token, used as an access token, then revoked.
    const reply = await fetch(`${emu.stsEndpoint}/Accounts/${ACCOUNT_ID}/token?api-version=2019-02-28-preview`, {
      headers: { authorization: `Bearer ${ACCOUNT_ID}:${KEY}` },
    })
    const token = (await reply.json()).AccessToken
    assert.ok(token.startsWith(JWT_PREFIX), 'the emulator issues JWTs')
    secrets.push(token)
    const byToken = emu.client({ credential: { accessToken: token } })
    record('client with an access token', byToken)
    record('session by token', await byToken.getSession('secret-session'))
    const byFunction = emu.client({ credential: async () => token })
    record('client with a token function', byFunction)
    emu.revokeTokens()
    record('revoked token error', await expectError(byToken.getSession('secret-session'), rr.AuthenticationError))
    record('refused entra token error', await expectError(byFunction.getSession('secret-session'), rr.AuthenticationError))
    record('session after revocation (renewed token)', await client.getSession('secret-session'))
    record('client after use', client)
    record('keeper after use', keeper)

    await keeper.detach()
    await managed.close()
  } finally {
    await emu.stop()
  }
  record('stopped emulator', emu)

  assert.ok(outputs.length > 20)
  for (const [what, text] of outputs) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `the ${what} shows a secret (${secret.slice(0, 12)}…):\n${text}`)
    }
  }
})
