'use strict'
// Shared helpers of the test files (not a test itself: `npm test` runs the *.test.js and
// *.test.mjs files only, a list every Node.js version from 20 on reads the same way).

const assert = require('node:assert/strict')
const http = require('node:http')
const rr = require('remote-rendering')

/** A well-formed account id, for clients that never reach a real account. */
const ACCOUNT_ID = '00000000-1111-2222-3333-444455556666'

/** The documented `code` of every error class (index.d.ts, core/src/error.rs `ErrorKind::code`). */
const CODES = {
  InvalidInputError: 'INVALID_INPUT',
  AuthenticationError: 'UNAUTHORIZED',
  ForbiddenError: 'FORBIDDEN',
  NotFoundError: 'NOT_FOUND',
  ConflictError: 'CONFLICT',
  UnprocessableError: 'UNPROCESSABLE',
  ThrottledError: 'THROTTLED',
  ServiceError: 'SERVICE_ERROR',
  TransportError: 'TRANSPORT_ERROR',
  WaitTimeoutError: 'TIMEOUT',
  AbortError: 'CANCELLED',
  SessionFailedError: 'SESSION_FAILED',
  ConversionFailedError: 'CONVERSION_FAILED',
  ProtocolError: 'PROTOCOL_ERROR',
  InternalError: 'INTERNAL_ERROR',
}

/**
 * Asserts that `e` is an instance of `cls` (and of RemoteRenderingError and Error), named after
 * it, with the documented code and every attribute in `attrs` (compared with deepEqual).
 */
function assertError(e, cls, attrs = {}) {
  assert.ok(e instanceof cls, `expected a ${cls.name}, got ${e && e.name}: ${e && e.message}`)
  assert.ok(e instanceof rr.RemoteRenderingError, 'an error of the package is a RemoteRenderingError')
  assert.ok(e instanceof Error, 'an error of the package is an Error')
  assert.equal(e.name, cls.name)
  assert.equal(e.code, CODES[cls.name])
  assert.equal(typeof e.message, 'string')
  assert.ok(e.message.length > 0)
  for (const [k, v] of Object.entries(attrs)) assert.deepEqual(e[k], v, `${cls.name}.${k}`)
  return e
}

/** Awaits `promiseOrFn` (a promise, or a function called and awaited), expecting a rejection. */
async function expectError(promiseOrFn, cls, attrs) {
  let e
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn)
  } catch (err) {
    e = err
  }
  assert.ok(e !== undefined, `expected a ${cls.name}, but the call succeeded`)
  return assertError(e, cls, attrs)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `fn` every 10 ms until it returns a truthy value; fails after `timeout` ms. */
async function until(fn, { timeout = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Conversion settings with SAS tokens (the emulator refuses storage without SAS or link); a SAS of null leaves it out. */
function conversionSettings({ input = 'models/box.fbx', inSas = 'sv=2021&sig=in', outSas = 'sv=2021&sig=out' } = {}) {
  return {
    inputLocation: {
      storageContainerUri: 'https://acct.blob.core.windows.net/input',
      relativeInputAssetPath: input,
      ...(inSas == null ? {} : { storageContainerReadListSas: inSas }),
    },
    outputLocation: {
      storageContainerUri: 'https://acct.blob.core.windows.net/output',
      ...(outSas == null ? {} : { storageContainerWriteSas: outSas }),
    },
  }
}

/** A loopback port nothing listens on (bound, then released). */
async function deadPort() {
  const server = http.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A tiny fake of the service on loopback: `handler(req, url)` returns `[status, body]` (a body
 * object is sent as JSON, a string as is). For what the emulator never answers (unknown enum
 * values, unreadable bodies).
 */
async function fakeService(handler) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost')
    const [status, body] = handler(req, url)
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'ms-cv': 'fake.0' })
    res.end(text)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${server.address().port}`
  return {
    endpoint,
    client: (overrides = {}) =>
      new rr.RemoteRenderingClient({
        accountId: ACCOUNT_ID,
        endpoint,
        stsEndpoint: endpoint,
        credential: { accessToken: 'opaque-test-token' },
        maxAttempts: 1,
        ...overrides,
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(resolve)
      }),
  }
}

/**
 * Runs a full garbage collection. Works around a bug (see exit.test.js): a client made with a
 * token function keeps the process alive until it is garbage collected, so a test file that
 * makes one calls this in an `after` hook, or its process would not end.
 */
function collectGarbage() {
  require('node:v8').setFlagsFromString('--expose-gc')
  const gc = require('node:vm').runInNewContext('gc')
  gc()
  gc()
}

/** Runs `cmd` with `args` and collects its output; the child is killed after 30 s. */
function runProcess(cmd, args, options) {
  const { spawn } = require('node:child_process')
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

module.exports = { rr, runProcess, collectGarbage, ACCOUNT_ID, CODES, assertError, expectError, sleep, until, conversionSettings, deadPort, fakeService }
