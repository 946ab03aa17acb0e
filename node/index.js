'use strict'
// The public API: a thin layer over the native addon that maps errors to classes, wires
// AbortSignals to cancellation in Rust, converts the service's wire objects to models, and adds
// async iteration and Symbol.asyncDispose. Times are milliseconds, as everywhere in Node.

const native = require('./native.js')

const asyncDispose = Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')

// ---------------------------------------------------------------------------------------------
// Errors

class RemoteRenderingError extends Error {
  constructor(message, data = {}) {
    super(message, data.cause === undefined ? undefined : { cause: data.cause })
    this.name = new.target.name
    this.code = data.code ?? new.target.code ?? 'REMOTE_RENDERING_ERROR'
    this.status = data.status ?? undefined
    this.msCv = data.msCv ?? undefined
    this.retryAfter = data.retryAfter ?? undefined
    this.details = data.details ?? undefined
    this.field = data.field ?? undefined
    this.retriable = Boolean(data.retriable)
    this.session = data.session ?? undefined
    this.conversion = data.conversion ?? undefined
  }
}

const kinds = [
  ['InvalidInputError', 'INVALID_INPUT'],
  ['AuthenticationError', 'UNAUTHORIZED'],
  ['ForbiddenError', 'FORBIDDEN'],
  ['NotFoundError', 'NOT_FOUND'],
  ['ConflictError', 'CONFLICT'],
  ['UnprocessableError', 'UNPROCESSABLE'],
  ['ThrottledError', 'THROTTLED'],
  ['ServiceError', 'SERVICE_ERROR'],
  ['TransportError', 'TRANSPORT_ERROR'],
  ['TimeoutError', 'TIMEOUT'],
  ['AbortError', 'CANCELLED'],
  ['SessionFailedError', 'SESSION_FAILED'],
  ['ConversionFailedError', 'CONVERSION_FAILED'],
  ['ProtocolError', 'PROTOCOL_ERROR'],
]
const errorClasses = {}
const byCode = {}
for (const [name, code] of kinds) {
  const cls = { [name]: class extends RemoteRenderingError {} }[name]
  cls.code = code
  errorClasses[name] = cls
  byCode[code] = cls
}

function errorFromPayload(p, cause) {
  const cls = byCode[p.code] ?? RemoteRenderingError
  return new cls(p.message, {
    ...p,
    retryAfter: p.retryAfter == null ? undefined : p.retryAfter * 1000,
    details: p.details ? errorDetails(p.details) : undefined,
    session: p.session ? toSession(p.session) : undefined,
    conversion: p.conversion ? toConversion(p.conversion) : undefined,
    cause,
  })
}

/** Any error out of the addon as one of ours: never an untyped throw. */
function fromNative(e, signal) {
  if (e instanceof RemoteRenderingError) return e
  const text = String(e && e.message)
  if (text.startsWith('RRERR:')) {
    const err = errorFromPayload(JSON.parse(text.slice(6)))
    if (err instanceof errorClasses.AbortError && signal && signal.aborted) err.cause = signal.reason
    return err
  }
  // The addon refused an argument (a wrong type): the caller's input.
  return new errorClasses.InvalidInputError(text, { code: 'INVALID_INPUT', cause: e })
}

async function call(signal, fn) {
  if (signal?.aborted) {
    throw new errorClasses.AbortError('the operation was aborted', { code: 'CANCELLED', cause: signal.reason })
  }
  const token = signal ? new native.CancelToken() : undefined
  const onAbort = () => token.cancel()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await fn(token)
  } catch (e) {
    throw fromNative(e, signal)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

// ---------------------------------------------------------------------------------------------
// Models

function errorDetails(d) {
  if (!d) return undefined
  const out = { code: d.code, message: d.message }
  if (d.details) out.details = d.details.map(errorDetails)
  if (d.target) out.target = d.target
  return Object.freeze(out)
}

function toSession(w) {
  const s = { id: w.id, status: w.status, size: w.size }
  if (w.maxLeaseTimeMinutes != null) s.leaseMinutes = w.maxLeaseTimeMinutes
  if (w.elapsedTimeMinutes != null) s.elapsedMinutes = w.elapsedTimeMinutes
  if (w.hostname != null) s.hostname = w.hostname
  if (w.handshakePort != null) s.handshakePort = w.handshakePort
  if (w.arrInspectorPort != null) s.arrInspectorPort = w.arrInspectorPort
  if (w.teraflops != null) s.teraflops = w.teraflops
  if (w.creationTime) s.createdOn = new Date(w.creationTime)
  if (w.error) s.error = errorDetails(w.error)
  return Object.freeze(s)
}

function toLocation(w) {
  const out = { storageContainerUri: w.storageContainerUri }
  if (w.relativeInputAssetPath != null) out.relativeInputAssetPath = w.relativeInputAssetPath
  if (w.blobPrefix != null) out.blobPrefix = w.blobPrefix
  if (w.outputAssetFilename != null) out.outputAssetFilename = w.outputAssetFilename
  return Object.freeze(out)
}

function toConversion(w) {
  const c = {
    id: w.id,
    status: w.status,
    settings: Object.freeze({
      inputLocation: toLocation(w.settings.inputLocation),
      outputLocation: toLocation(w.settings.outputLocation),
    }),
  }
  if (w.output && w.output.outputAssetUri) c.outputAssetUri = w.output.outputAssetUri
  if (w.error) c.error = errorDetails(w.error)
  if (w.creationTime) c.createdOn = new Date(w.creationTime)
  return Object.freeze(c)
}

const ms = (v) => (v == null ? undefined : v / 1000)

function progress(cb, convert) {
  return typeof cb === 'function' ? (w) => cb(convert(w)) : undefined
}

// ---------------------------------------------------------------------------------------------
// Lists, sessions, keepers

function paged(stream, convert, signal) {
  return {
    async next() {
      const item = await call(signal, (token) => stream.next(token))
      return item == null ? { done: true, value: undefined } : { done: false, value: convert(item) }
    },
    async return() {
      return { done: true, value: undefined }
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

class ManagedSession {
  #native
  #client
  constructor(nativeManaged, client) {
    this.#native = nativeManaged
    this.#client = client
    this.session = toSession(nativeManaged.session)
    this.id = this.session.id
  }
  get extensions() {
    return this.#native.extensions()
  }
  refresh(options) {
    return this.#client.getSession(this.id, options)
  }
  /** Stops the session (once). */
  async close() {
    await call(undefined, () => this.#native.close())
  }
  [asyncDispose]() {
    return this.close()
  }
}

class LeaseKeeper {
  #native
  constructor(nativeKeeper, sessionId) {
    this.#native = nativeKeeper
    this.sessionId = sessionId
  }
  get extensions() {
    return this.#native.extensions()
  }
  get isFinished() {
    return this.#native.isFinished()
  }
  get latest() {
    const w = this.#native.latest()
    return w == null ? undefined : toSession(w)
  }
  async close() {
    await call(undefined, () => this.#native.close())
  }
  async detach() {
    await call(undefined, () => this.#native.detach())
  }
  [asyncDispose]() {
    return this.close()
  }
}

function leaseOptions(o = {}, stopOnDispose = true) {
  return {
    stepMinutes: o.stepMinutes,
    marginMinutes: o.marginMinutes,
    maxTotalMinutes: o.maxTotalMinutes,
    checkInterval: ms(o.checkInterval),
    stopOnDrop: o.stopOnDispose ?? stopOnDispose,
  }
}

// ---------------------------------------------------------------------------------------------
// The client

function nativeOptions(o) {
  if (!o || typeof o !== 'object') throw new errorClasses.InvalidInputError('options: an object is required', { field: 'options' })
  const cred = o.credential
  const out = {
    accountId: o.accountId,
    accountDomain: o.accountDomain,
    endpoint: o.endpoint,
    region: o.region,
    stsEndpoint: o.stsEndpoint,
    pollInterval: ms(o.pollInterval),
    requestTimeout: ms(o.requestTimeout),
    maxAttempts: o.maxAttempts,
    caCertPem: o.caCert == null ? undefined : readCa(o.caCert),
  }
  let provider
  if (typeof cred === 'function') {
    provider = async () => {
      const t = await cred()
      return typeof t === 'string' ? t : String(t && t.token)
    }
  } else if (cred && typeof cred === 'object' && typeof cred.accountKey === 'string') {
    out.accountKey = cred.accountKey
  } else if (cred && typeof cred === 'object' && typeof cred.accessToken === 'string') {
    out.accessToken = cred.accessToken
  } else {
    throw new errorClasses.InvalidInputError(
      'credential: is required: { accountKey }, { accessToken } or an async function returning an Entra token',
      { field: 'credential' },
    )
  }
  return [out, provider]
}

function readCa(ca) {
  const text = String(ca)
  return text.trimStart().startsWith('-----BEGIN') ? text : require('node:fs').readFileSync(text, 'utf8')
}

class RemoteRenderingClient {
  #native

  constructor(options) {
    const [opts, provider] = nativeOptions(options)
    try {
      this.#native = new native.NativeClient(opts, provider)
    } catch (e) {
      throw fromNative(e)
    }
  }

  get endpoint() {
    return this.#native.endpoint
  }

  get accountId() {
    return this.#native.accountId
  }

  async startSession(sessionId, size = 'Standard', leaseMinutes = 30, { signal } = {}) {
    return toSession(await call(signal, (t) => this.#native.startSession(sessionId, String(size), leaseMinutes, t)))
  }

  async getSession(sessionId, { signal } = {}) {
    return toSession(await call(signal, (t) => this.#native.getSession(sessionId, t)))
  }

  async updateSession(sessionId, leaseMinutes, { signal } = {}) {
    return toSession(await call(signal, (t) => this.#native.updateSession(sessionId, leaseMinutes, t)))
  }

  async stopSession(sessionId, { signal } = {}) {
    await call(signal, (t) => this.#native.stopSession(sessionId, t))
  }

  listSessions({ signal } = {}) {
    return paged(this.#native.listSessions(), toSession, signal)
  }

  async waitForSession(sessionId, { pollInterval, timeout, signal, onProgress } = {}) {
    const w = await call(signal, (t) =>
      this.#native.waitForSession(sessionId, ms(pollInterval), ms(timeout), progress(onProgress, toSession), t),
    )
    return toSession(w)
  }

  async waitForSessions(sessionIds, { pollInterval, timeout, signal, onProgress } = {}) {
    const raw = await call(signal, (t) =>
      this.#native.waitForSessions(sessionIds, ms(pollInterval), ms(timeout), progress(onProgress, toSession), t),
    )
    return raw.map((r) => (r.ok ? toSession(r.value) : errorFromPayload(JSON.parse(r.error))))
  }

  /** Starts a session, waits for Ready and keeps it alive; `await using` stops it. */
  async session({ size = 'Standard', leaseMinutes = 30, keepAlive = true, sessionId, timeout, pollInterval, onProgress, signal } = {}) {
    const lease = keepAlive === false ? undefined : leaseOptions(keepAlive === true ? {} : keepAlive, false)
    const m = await call(signal, (t) =>
      this.#native.openSession(sessionId, String(size), leaseMinutes, lease, ms(pollInterval), ms(timeout), progress(onProgress, toSession), t),
    )
    return new ManagedSession(m, this)
  }

  keepAlive(sessionId, options = {}) {
    try {
      return new LeaseKeeper(this.#native.keepAlive(sessionId, leaseOptions(options)), sessionId)
    } catch (e) {
      throw fromNative(e)
    }
  }

  async startConversion(conversionId, settings, { signal } = {}) {
    return toConversion(await call(signal, (t) => this.#native.startConversion(conversionId, settings, t)))
  }

  async getConversion(conversionId, { signal } = {}) {
    return toConversion(await call(signal, (t) => this.#native.getConversion(conversionId, t)))
  }

  listConversions({ signal } = {}) {
    return paged(this.#native.listConversions(), toConversion, signal)
  }

  async waitForConversion(conversionId, { pollInterval, timeout, signal, onProgress } = {}) {
    const w = await call(signal, (t) =>
      this.#native.waitForConversion(conversionId, ms(pollInterval), ms(timeout), progress(onProgress, toConversion), t),
    )
    return toConversion(w)
  }

  /** Nothing to release explicitly; provided for symmetry. */
  async close() {}

  [asyncDispose]() {
    return this.close()
  }
}

// ---------------------------------------------------------------------------------------------
// The embedded emulator

class Emulator {
  #native
  constructor(nativeEmulator) {
    this.#native = nativeEmulator
  }

  /** Starts the emulator on a free loopback port. Times are milliseconds of emulated time. */
  static async start(options = {}) {
    const o = {
      ...options,
      startupDelay: ms(options.startupDelay),
      conversionDuration: ms(options.conversionDuration),
      tokenLifetime: ms(options.tokenLifetime),
    }
    try {
      return new Emulator(new native.NativeEmulator(o))
    } catch (e) {
      throw new errorClasses.InvalidInputError(String(e.message), { cause: e })
    }
  }

  get endpoint() {
    return this.#native.endpoint
  }
  get stsEndpoint() {
    return this.#native.stsEndpoint
  }
  get accountId() {
    return this.#native.accountId
  }
  get accountKey() {
    return this.#native.accountKey
  }
  get accountDomain() {
    return this.#native.accountDomain
  }
  get caCert() {
    return this.#native.caCert ?? undefined
  }
  get running() {
    return this.#native.running
  }

  /** Options for `new RemoteRenderingClient(...)` pointing at this emulator. */
  clientOptions(overrides = {}) {
    return {
      accountId: this.accountId,
      accountDomain: this.accountDomain,
      endpoint: this.endpoint,
      stsEndpoint: this.stsEndpoint,
      credential: { accountKey: this.accountKey },
      caCert: this.caCert,
      ...overrides,
    }
  }

  client(overrides = {}) {
    return new RemoteRenderingClient(this.clientOptions(overrides))
  }

  advanceClock(milliseconds) {
    this.#native.advanceClock(milliseconds / 1000)
  }
  setFaults(spec, seed = 0) {
    this.#native.setFaults(spec, seed)
  }
  clearFaults() {
    this.#native.clearFaults()
  }
  stats() {
    return this.#native.stats()
  }
  requests(route) {
    return this.stats().byRoute?.[route]?.requests ?? 0
  }
  failSession(id, code, message) {
    this.#native.failSession(id, code, message)
  }
  failConversion(id, code, message) {
    this.#native.failConversion(id, code, message)
  }
  cancelConversion(id) {
    this.#native.cancelConversion(id)
  }
  revokeTokens() {
    this.#native.revokeTokens()
  }
  async stop() {
    this.#native.stop()
  }
  [asyncDispose]() {
    return this.stop()
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Emulator { endpoint: '${this.endpoint}', accountId: '${this.accountId}' }`
  }
}

const SessionStatus = Object.freeze({ Starting: 'Starting', Ready: 'Ready', Stopped: 'Stopped', Expired: 'Expired', Error: 'Error' })
const SessionSize = Object.freeze({ Standard: 'Standard', Premium: 'Premium' })
const ConversionStatus = Object.freeze({
  NotStarted: 'NotStarted',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
})

module.exports = {
  RemoteRenderingClient,
  ManagedSession,
  LeaseKeeper,
  Emulator,
  RemoteRenderingError,
  ...errorClasses,
  SessionStatus,
  SessionSize,
  ConversionStatus,
  version: require('./package.json').version,
}
