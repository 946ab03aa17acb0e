'use strict'
// The public API: a thin layer over the native addon that maps errors to classes, wires
// AbortSignals to cancellation in Rust, converts the service's wire objects to models, and adds
// async iteration and Symbol.asyncDispose. Times are milliseconds, as everywhere in Node.

const native = require('./load-native.js')

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
    this.uploadReport = data.uploadReport ?? undefined
    this.conversionReport = data.conversionReport ?? undefined
  }
}

// ---------------------------------------------------------------------------------------------
// The core's table of the public surface: codes and class names, operations, defaults, fields

function deepFreeze(v) {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze(v[k])
    Object.freeze(v)
  }
  return v
}
const table = deepFreeze(JSON.parse(native.vocabularyJson()))

/** The core's table (parsed once, frozen): what every language's surface follows. */
function vocabulary() {
  return table
}

/** The table's rule for Node names: camelCase. */
const camelCase = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
/** A table value as Node takes it: a duration `{ ms }` is a number of milliseconds. */
const nodeValue = (v) => (v !== null && typeof v === 'object' && 'ms' in v ? v.ms : v)

/**
 * The defaults of every operation (`defaults.startSession.leaseMinutes === 30`, durations in
 * ms) and the table's named constants (`defaults.constants.maxLeaseMinutes`), built from the table.
 */
const defaults = (() => {
  const out = {}
  for (const op of table.operations) {
    const d = {}
    for (const p of op.params) {
      if (p.default !== undefined && p.default !== null) d[(p.names && p.names.node) || camelCase(p.name)] = nodeValue(p.default)
    }
    out[camelCase(op.name)] = d
  }
  out.constants = {}
  for (const c of table.defaults) out.constants[camelCase(c.name)] = nodeValue(c.value)
  return deepFreeze(out)
})()

// One class per code of the table, named as the table says. TIMEOUT's class was called
// TimeoutError before; that name stays exported as an alias of the same class.
const errorClasses = {}
const byCode = {}
for (const { code, classes } of table.errors) {
  const name = classes.node
  const cls = { [name]: class extends RemoteRenderingError {} }[name]
  cls.code = code
  errorClasses[name] = cls
  byCode[code] = cls
}

/**
 * An error the addon built (an Error whose properties are the error's data) as its class, chosen
 * by `code`. A code this layer does not know (a newer core) stays a RemoteRenderingError with it.
 */
function fromAddon(e) {
  const cls = byCode[e.code] ?? RemoteRenderingError
  return new cls(e.message, {
    code: e.code,
    status: e.status,
    msCv: e.msCv,
    retryAfter: e.retryAfter,
    field: e.field,
    retriable: e.retriable,
    details: e.details ? errorDetails(e.details) : undefined,
    session: e.session ? toSession(e.session) : undefined,
    conversion: e.conversion ? toConversion(e.conversion) : undefined,
    uploadReport: e.uploadReport ? deepFreeze({ ...e.uploadReport }) : undefined,
    conversionReport: typeof e.conversionReport === 'string' ? e.conversionReport : undefined,
  })
}

/** Any error out of the addon as one of ours: never an untyped throw. */
function fromNative(e, signal) {
  if (e instanceof RemoteRenderingError) return e
  // The addon's own errors carry `retriable`; napi's argument checks do not.
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.retriable === 'boolean') {
    const err = fromAddon(e)
    if (err instanceof errorClasses.AbortError && signal && signal.aborted) err.cause = signal.reason
    return err
  }
  // The addon refused an argument (a wrong type): the caller's input.
  return new errorClasses.InvalidInputError(String(e && e.message), { code: 'INVALID_INPUT', cause: e })
}

function invalid(field, rule) {
  return new errorClasses.InvalidInputError(`${field}: ${rule}`, { code: 'INVALID_INPUT', field })
}

/** Checks the types the addon would otherwise refuse with its own, field-less message. */
function need(field, value, type) {
  if (type === 'string' && typeof value !== 'string') throw invalid(field, `must be a string, got ${typeof value}`)
  if (type === 'number' && typeof value !== 'number') throw invalid(field, `must be a number, got ${typeof value}`)
  if (type === 'object' && (value === null || typeof value !== 'object')) throw invalid(field, 'must be an object')
  if (type === 'strings' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    throw invalid(field, 'must be an array of strings')
  }
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

const rethrow = (e) => {
  throw fromNative(e)
}

/**
 * `call` for the addon's calls whose promise already holds the final model: `check` (the
 * argument checks; a failure rejects, as from an async function), then, without a signal, that
 * promise with only the mapping of its error added (no async function around it).
 */
function direct(options, check, fn) {
  let signal
  try {
    signal = signalOf(options)
    check()
  } catch (e) {
    return Promise.reject(e)
  }
  if (signal != null) return call(signal, fn)
  let promise
  try {
    promise = fn(undefined)
  } catch (e) {
    return Promise.reject(fromNative(e))
  }
  return promise.then(undefined, rethrow)
}

/** `{ signal }` of an operation's options, as the destructuring default `= {}` takes it. */
const signalOf = (options) => (options === undefined ? undefined : options.signal)

// ---------------------------------------------------------------------------------------------
// Models

// The addon crosses the core's models field for field (camelCase keys); this layer only turns
// `createdOn` into a Date and freezes them.

function errorDetails(d) {
  if (!d) return undefined
  const out = { ...d }
  if (d.details) out.details = Object.freeze(d.details.map(errorDetails))
  return Object.freeze(out)
}

function toSession(v) {
  const s = { ...v }
  if (v.createdOn) s.createdOn = new Date(v.createdOn)
  if (v.error) s.error = errorDetails(v.error)
  return Object.freeze(s)
}

function toConversion(v) {
  const c = { ...v }
  c.settings = deepFreeze({ ...v.settings })
  if (v.createdOn) c.createdOn = new Date(v.createdOn)
  if (v.error) c.error = errorDetails(v.error)
  return Object.freeze(c)
}

/** Milliseconds as the emulator's options take them (seconds). */
const seconds = (v) => (v == null ? undefined : v / 1000)

/**
 * `onProgress` as the addon calls it. An upload calls it once more with `null` when it is done
 * (so that its promise settles only after every event arrived): that call is not passed on.
 */
function progress(cb, convert) {
  if (typeof cb !== 'function') return undefined
  return (w) => {
    if (w != null) cb(convert(w))
  }
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

// Sessions and keepers not closed when the program's work is done are stopped before it exits
// ('beforeExit'): a session left running costs money. (process.exit() and signals skip this.)
const open = new Set()
let hooked = false
function track(resource) {
  open.add(resource)
  if (!hooked) {
    hooked = true
    process.on('beforeExit', () => {
      if (open.size === 0) return
      const pending = [...open]
      open.clear()
      Promise.allSettled(pending.map((r) => r.close())).then(() => {})
    })
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
    track(this)
  }
  get extensions() {
    return this.#native.extensions()
  }
  refresh(options) {
    return this.#client.getSession(this.id, options)
  }
  /** Stops the session (once). */
  async close() {
    open.delete(this)
    await call(undefined, () => this.#native.close())
  }
  [asyncDispose]() {
    return this.close()
  }
}

class LeaseKeeper {
  #native
  constructor(nativeKeeper, sessionId, stopsSession) {
    this.#native = nativeKeeper
    this.sessionId = sessionId
    if (stopsSession) track(this)
  }
  get extensions() {
    return this.#native.extensions()
  }
  get isFinished() {
    return this.#native.isFinished()
  }
  get stoppedByBudget() {
    return this.#native.stoppedByBudget()
  }
  get latest() {
    const w = this.#native.latest()
    return w == null ? undefined : toSession(w)
  }
  async close() {
    open.delete(this)
    await call(undefined, () => this.#native.close())
  }
  async detach() {
    open.delete(this)
    await call(undefined, () => this.#native.detach())
  }
  [asyncDispose]() {
    return this.close()
  }
}

/** The keeper's options as the addon takes them; an option left out takes the core's default. */
function leaseOptions(o = {}, stopOnClose = true) {
  return {
    stepMinutes: o.stepMinutes,
    marginMinutes: o.marginMinutes,
    maxTotalMinutes: o.maxTotalMinutes,
    checkInterval: o.checkInterval,
    stopOnDrop: o.stopOnClose ?? o.stopOnDispose ?? stopOnClose,
    budget: o.budget,
    costRates: o.costRates == null ? undefined : { standardPerHour: o.costRates.standardPerHour, premiumPerHour: o.costRates.premiumPerHour },
  }
}

/** The keeper's options of `openSession`: given flat (the table's names) or as a `keepAlive` object. */
const LEASE_KEYS = ['stepMinutes', 'marginMinutes', 'maxTotalMinutes', 'checkInterval', 'budget', 'costRates']
function sessionLease(options, keepAlive) {
  if (keepAlive === false) return undefined
  const nested = keepAlive !== null && typeof keepAlive === 'object' ? keepAlive : {}
  const merged = {}
  for (const k of LEASE_KEYS) merged[k] = options[k] ?? nested[k]
  return leaseOptions(merged, false)
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
    pollInterval: o.pollInterval,
    requestTimeout: o.requestTimeout,
    maxAttempts: o.maxAttempts,
    maxConcurrentRequests: o.maxConcurrentRequests,
    caCertPem: o.caCert == null ? undefined : readCa(o.caCert),
  }
  let provider
  if (cred === undefined && typeof o.accountKey === 'string') {
    out.accountKey = o.accountKey
  } else if (typeof cred === 'function') {
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

  // The session calls return the addon's promise, whose value is already the frozen model
  // (`direct`): a failure before the call (a wrong argument) still rejects.

  startSession(sessionId, size = defaults.startSession.size, leaseMinutes = defaults.startSession.leaseMinutes, options = undefined) {
    const check = () => {
      need('sessionId', sessionId, 'string')
      need('leaseMinutes', leaseMinutes, 'number')
    }
    return direct(options, check, (t) => this.#native.startSession(sessionId, String(size), leaseMinutes, t))
  }

  getSession(sessionId, options = undefined) {
    return direct(options, () => need('sessionId', sessionId, 'string'), (t) => this.#native.getSession(sessionId, t))
  }

  updateSession(sessionId, leaseMinutes, options = undefined) {
    const check = () => {
      need('sessionId', sessionId, 'string')
      need('leaseMinutes', leaseMinutes, 'number')
    }
    return direct(options, check, (t) => this.#native.updateSession(sessionId, leaseMinutes, t))
  }

  stopSession(sessionId, options = undefined) {
    return direct(options, () => need('sessionId', sessionId, 'string'), (t) => this.#native.stopSession(sessionId, t))
  }

  listSessions({ signal } = {}) {
    return paged(this.#native.listSessions(), toSession, signal)
  }

  async waitForSession(sessionId, { pollInterval, timeout, signal, onProgress } = {}) {
    need('sessionId', sessionId, 'string')
    const w = await call(signal, (t) =>
      this.#native.waitForSession(sessionId, pollInterval, timeout, progress(onProgress, toSession), t),
    )
    return toSession(w)
  }

  async waitForSessions(sessionIds, { pollInterval, timeout, signal, onProgress } = {}) {
    need('sessionIds', sessionIds, 'strings')
    const raw = await call(signal, (t) =>
      this.#native.waitForSessions(sessionIds, pollInterval, timeout, progress(onProgress, toSession), t),
    )
    // Aborted mid-wait, the core reports each session as cancelled: the call was aborted.
    if (signal?.aborted) {
      throw new errorClasses.AbortError('the operation was aborted', { code: 'CANCELLED', cause: signal.reason })
    }
    return raw.map((r) => (r.ok ? toSession(r.value) : fromNative(r.error)))
  }

  /** Starts a session, waits for Ready and keeps it alive; `await using` stops it. */
  async openSession(options = {}) {
    const { sessionId, size = defaults.openSession.size, leaseMinutes = defaults.openSession.leaseMinutes, keepAlive = defaults.openSession.keepAlive, timeout, pollInterval, onProgress, signal } = options
    const lease = sessionLease(options, keepAlive)
    const m = await call(signal, (t) =>
      this.#native.openSession(sessionId, String(size), leaseMinutes, lease, pollInterval, timeout, progress(onProgress, toSession), t),
    )
    return new ManagedSession(m, this)
  }

  keepAlive(sessionId, options = {}) {
    try {
      need('sessionId', sessionId, 'string')
      const lease = leaseOptions(options)
      return new LeaseKeeper(this.#native.keepAlive(sessionId, lease), sessionId, lease.stopOnDrop)
    } catch (e) {
      throw fromNative(e)
    }
  }

  async startConversion(conversionId, settings, { signal } = {}) {
    need('conversionId', conversionId, 'string')
    need('settings', settings, 'object')
    return toConversion(await call(signal, (t) => this.#native.startConversion(conversionId, settings, t)))
  }

  async getConversion(conversionId, { signal } = {}) {
    need('conversionId', conversionId, 'string')
    return toConversion(await call(signal, (t) => this.#native.getConversion(conversionId, t)))
  }

  listConversions({ signal } = {}) {
    return paged(this.#native.listConversions(), toConversion, signal)
  }

  async waitForConversion(conversionId, { pollInterval, timeout, signal, onProgress } = {}) {
    need('conversionId', conversionId, 'string')
    const w = await call(signal, (t) =>
      this.#native.waitForConversion(conversionId, pollInterval, timeout, progress(onProgress, toConversion), t),
    )
    return toConversion(w)
  }

  /**
   * `waitForConversion`, and when the conversion failed, its result file and log read back from
   * `output` (the output container, with read access) into the error's `conversionReport`.
   */
  async waitForConversionWithReport(conversionId, output, { pollInterval, timeout, signal, onProgress } = {}) {
    need('conversionId', conversionId, 'string')
    const out = containerOf('output', output)
    const w = await call(signal, (t) =>
      this.#native.waitForConversionWithReport(conversionId, out, pollInterval, timeout, progress(onProgress, toConversion), t),
    )
    return toConversion(w)
  }

  /**
   * A conversion id made from the hash of a local input (file or folder) and the settings (SAS
   * left out), so that an identical input is not converted twice. Nothing is sent.
   */
  async contentConversionId(path, settings, { signal } = {}) {
    need('path', path, 'string')
    need('settings', settings, 'object')
    return call(signal, (t) => this.#native.contentConversionId(path, settings, t))
  }

  /** Nothing to release explicitly; provided for symmetry. */
  async close() {}

  [asyncDispose]() {
    return this.close()
  }
}

// `session(...)`: the former name of `openSession`, kept as the same function.
RemoteRenderingClient.prototype.session = RemoteRenderingClient.prototype.openSession

// ---------------------------------------------------------------------------------------------
// Blob storage: a storage account (its key never shown) and a client of one container

const inspectCustom = Symbol.for('nodejs.util.inspect.custom')

/** A blocking addon call; a refusal becomes one of our error classes. */
function sync(fn) {
  try {
    return fn()
  } catch (e) {
    throw fromNative(e)
  }
}

/** An optional count or duration: a number when given. */
function optionalNumber(field, value) {
  if (value !== undefined && value !== null) need(field, value, 'number')
  return value ?? undefined
}

/** The addon's container of a BlobContainer argument. */
const nativeContainers = new WeakMap()
function containerOf(field, c) {
  const n = c !== null && typeof c === 'object' ? nativeContainers.get(c) : undefined
  if (n === undefined) throw invalid(field, 'must be a BlobContainer')
  return n
}

/** What the addon needs of a conversion to find its report: its settings (the addon names a
 * conversion without them). */
function conversionArg(c) {
  need('conversion', c, 'object')
  return c.settings === undefined ? {} : { settings: c.settings }
}

const wrapping = Symbol('wrap an addon container')

/**
 * A storage account and its key. `util.inspect`, `JSON.stringify` and `toString` show its name
 * and endpoint, never the key; every SAS and read URL it makes is a secret string for
 * conversion settings (or a download), never shown by this package.
 */
class StorageAccount {
  #native

  /** `blobEndpoint` defaults to `https://{accountName}.blob.core.windows.net`; give Azurite's path-style one (`http://127.0.0.1:10000/devstoreaccount1`) for the emulator. */
  constructor(accountName, accountKey, { blobEndpoint } = {}) {
    need('accountName', accountName, 'string')
    need('accountKey', accountKey, 'string')
    if (blobEndpoint !== undefined && blobEndpoint !== null) need('blobEndpoint', blobEndpoint, 'string')
    this.#native = sync(() => new native.NativeStorageAccount(accountName, accountKey, blobEndpoint ?? undefined))
  }

  get name() {
    return this.#native.name
  }

  get blobEndpoint() {
    return this.#native.blobEndpoint
  }

  /** `{blobEndpoint}/{container}`: a conversion's `storageContainerUri`. */
  containerUri(container) {
    need('container', container, 'string')
    return this.#native.containerUri(container)
  }

  /** Creates a private container when it does not exist: true when it was created, false when it was there. */
  async createContainer(container, { signal } = {}) {
    need('container', container, 'string')
    return call(signal, (t) => this.#native.createContainer(container, t))
  }

  /** A BlobContainer of this account, authorised by its key. */
  container(container) {
    need('container', container, 'string')
    return new BlobContainer(wrapping, sync(() => this.#native.container(container)))
  }

  /** A service SAS (a secret) for a container: `permissions` are some of the letters r, c, w, d, l; `expiry` in ms (default 2 hours, at most 7 days). */
  containerSas(container, permissions, { expiry = defaults.containerSas.expiry } = {}) {
    need('container', container, 'string')
    need('permissions', permissions, 'string')
    return sync(() => this.#native.containerSas(container, permissions, optionalNumber('expiry', expiry)))
  }

  /** A read and list SAS (a secret): what a conversion needs of its input container. */
  inputSas(container, { expiry = defaults.inputSas.expiry } = {}) {
    need('container', container, 'string')
    return sync(() => this.#native.inputSas(container, optionalNumber('expiry', expiry)))
  }

  /** A write and create SAS (a secret): what a conversion needs of its output container. */
  outputSas(container, { expiry = defaults.outputSas.expiry } = {}) {
    need('container', container, 'string')
    return sync(() => this.#native.outputSas(container, optionalNumber('expiry', expiry)))
  }

  /** A URL (a secret: it carries a read SAS) that reads one blob. */
  blobReadUrl(container, blob, { expiry = defaults.blobReadUrl.expiry } = {}) {
    need('container', container, 'string')
    need('blob', blob, 'string')
    return sync(() => this.#native.blobReadUrl(container, blob, optionalNumber('expiry', expiry)))
  }

  /** A read URL (a secret) for a succeeded conversion's `outputAssetUri`, in this account. */
  assetReadUrl(outputAssetUri, { expiry = defaults.assetReadUrl.expiry } = {}) {
    need('outputAssetUri', outputAssetUri, 'string')
    return sync(() => this.#native.assetReadUrl(outputAssetUri, optionalNumber('expiry', expiry)))
  }

  toJSON() {
    return { name: this.name, blobEndpoint: this.blobEndpoint }
  }

  toString() {
    return `StorageAccount(${this.name}, ${this.blobEndpoint})`
  }

  [inspectCustom]() {
    return `StorageAccount { name: '${this.name}', blobEndpoint: '${this.blobEndpoint}' }`
  }
}

/**
 * A client of one blob container, authorised by a SAS (`new BlobContainer(uri, sas)`) or by its
 * account's key (`account.container(name)`). Shows its URI, never the credential.
 */
class BlobContainer {
  #native

  /** `sas`: the token (a secret), with or without its leading `?`. */
  constructor(containerUri, sas) {
    let n
    if (containerUri === wrapping) {
      n = sas
    } else {
      need('containerUri', containerUri, 'string')
      need('sas', sas, 'string')
      n = sync(() => new native.NativeBlobContainer(containerUri, sas))
    }
    this.#native = n
    nativeContainers.set(this, n)
  }

  /** The container's URI (no SAS). */
  get uri() {
    return this.#native.uri
  }

  /**
   * Uploads a local file or folder under `prefix`, `concurrency` files at once (default 4, at most
   * 64), within `timeout` ms (default 1 hour), with `onProgress` after every part; resolves with
   * an UploadReport. A failure (also an abort or the timeout) carries one as `uploadReport`.
   */
  async upload(path, { prefix = defaults.upload.prefix, concurrency = defaults.upload.concurrency, timeout = defaults.upload.timeout, onProgress, signal } = {}) {
    need('path', path, 'string')
    need('prefix', prefix, 'string')
    const report = await call(signal, (t) =>
      this.#native.upload(path, prefix, optionalNumber('concurrency', concurrency), optionalNumber('timeout', timeout), progress(onProgress, toModel), t),
    )
    return toModel(report)
  }

  /** Checks a conversion's input before it is started (this is its input container); an InvalidInputError names what is missing. */
  async preflight(settings, { signal } = {}) {
    need('settings', settings, 'object')
    return toModel(await call(signal, (t) => this.#native.preflight(settings, t)))
  }

  /** A conversion's result file and log in this (output) container, redacted of SAS tokens; null when neither exists. */
  async readConversionReport(conversion, { signal } = {}) {
    const c = conversionArg(conversion)
    return call(signal, (t) => this.#native.readConversionReport(c, t))
  }

  /** Whether a blob exists. */
  async exists(blob, { signal } = {}) {
    need('blob', blob, 'string')
    return call(signal, (t) => this.#native.exists(blob, t))
  }

  /** The names of the blobs under `prefix` (needs list permission). */
  async list({ prefix = defaults.list.prefix, signal } = {}) {
    need('prefix', prefix, 'string')
    return call(signal, (t) => this.#native.list(prefix, t))
  }

  /** A blob's bytes, null when it does not exist; larger than `maxBytes` (default 64 MiB) is an InvalidInputError naming maxBytes. */
  async read(blob, { maxBytes = defaults.read.maxBytes, signal } = {}) {
    need('blob', blob, 'string')
    return call(signal, (t) => this.#native.read(blob, optionalNumber('maxBytes', maxBytes), t))
  }

  toJSON() {
    return { uri: this.uri }
  }

  toString() {
    return `BlobContainer(${this.uri})`
  }

  [inspectCustom]() {
    return `BlobContainer { uri: '${this.uri}' }`
  }
}

/** UploadProgress, UploadReport, Preflight: the addon's objects, frozen. */
function toModel(v) {
  return deepFreeze({ ...v })
}

// ---------------------------------------------------------------------------------------------
// The embedded emulator

/** Runs an emulator method; a refusal becomes one of our error classes. */
function emulatorCall(fn) {
  try {
    return fn()
  } catch (e) {
    const msg = String(e && e.message)
    if (/stopped/.test(msg)) throw new RemoteRenderingError(msg, { code: 'EMULATOR_STOPPED', cause: e })
    throw new errorClasses.InvalidInputError(msg, { code: 'INVALID_INPUT', cause: e })
  }
}

/** `{ name: key }` of the emulator's linked storage accounts, as the addon takes them: `[name, key]` pairs. */
function storageKeys(keys) {
  if (keys === undefined || keys === null) return undefined
  if (typeof keys !== 'object' || Array.isArray(keys)) throw invalid('storageAccountKeys', 'must be an object of account name -> key')
  return Object.entries(keys).map(([name, key]) => {
    if (typeof key !== 'string') throw invalid('storageAccountKeys', `the key of ${name} must be a string`)
    return [name, key]
  })
}

class Emulator {
  #native
  constructor(nativeEmulator) {
    this.#native = nativeEmulator
  }

  /** Starts the emulator on a free loopback port. Times are milliseconds of emulated time. */
  static async start(options = {}) {
    const o = {
      ...options,
      startupDelay: seconds(options.startupDelay),
      conversionDuration: seconds(options.conversionDuration),
      tokenLifetime: seconds(options.tokenLifetime),
      storageAccountKeys: storageKeys(options.storageAccountKeys),
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
    emulatorCall(() => this.#native.advanceClock(milliseconds / 1000))
  }
  setFaults(spec, seed = 0) {
    emulatorCall(() => this.#native.setFaults(spec, seed))
  }
  clearFaults() {
    emulatorCall(() => this.#native.clearFaults())
  }
  stats() {
    return emulatorCall(() => this.#native.stats())
  }
  requests(route) {
    return this.stats().byRoute?.[route]?.requests ?? 0
  }
  failSession(id, code, message) {
    emulatorCall(() => this.#native.failSession(id, code, message))
  }
  failConversion(id, code, message) {
    emulatorCall(() => this.#native.failConversion(id, code, message))
  }
  cancelConversion(id) {
    emulatorCall(() => this.#native.cancelConversion(id))
  }
  revokeTokens() {
    emulatorCall(() => this.#native.revokeTokens())
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

// ---------------------------------------------------------------------------------------------
// The log stream

const LEVELS = ['error', 'warn', 'info', 'debug', 'trace']
let logger = null

/** Hands a record of the core to the logger set now; records queued for an older one are dropped. */
function deliver(record) {
  const current = logger
  if (current !== null) current(Object.freeze({ level: record.level, target: record.target, message: record.message }))
}

/**
 * Sends the core's log records (`{ level, target, message }`, secrets never in them) to `fn`, up
 * to `level` (default `info`); `setLogger(null)` stops them, and none arrives after it returns.
 * Every retry is a `warn` record with target `remote_rendering::retry`.
 */
function setLogger(fn, { level = 'info' } = {}) {
  if (fn !== null && fn !== undefined && typeof fn !== 'function') throw invalid('logger', 'must be a function, or null to stop')
  if (!LEVELS.includes(level)) throw invalid('level', `must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`)
  logger = typeof fn === 'function' ? fn : null
  try {
    native.setLogSink(logger === null ? null : deliver, level)
  } catch (e) {
    throw fromNative(e)
  }
}

/** `REMOTE_RENDERING_LOG=warn` (or any level): the records up to that level on stderr, for quick debugging. */
function stderrLogger(record) {
  process.stderr.write(`remote-rendering ${record.level.toUpperCase()} ${record.target}: ${record.message}\n`)
}
const envLevel = process.env.REMOTE_RENDERING_LOG
if (envLevel) {
  const level = envLevel.trim().toLowerCase()
  if (LEVELS.includes(level)) setLogger(stderrLogger, { level })
  else process.emitWarning(`REMOTE_RENDERING_LOG=${envLevel}: not a level (${LEVELS.join(', ')}); nothing is logged`)
}

/**
 * Panics inside the addon, blocking (`false`, throws) or async (`true`, rejects): a test hook
 * proving that a panic arrives as an InternalError and the process lives on. Not public API.
 */
function _panicForTest(async = false) {
  if (async) return call(undefined, () => native._panicForTestAsync())
  try {
    native._panicForTest()
  } catch (e) {
    throw fromNative(e)
  }
}

/**
 * Starts Azurite (the core's launcher: 127.0.0.1, a free port, a fresh data folder) for the
 * package's tests; `stop()` ends it by PID and removes its data. Rejects with the reason, which
 * says to run `make azurite`, when it is not installed. Not public API.
 */
async function _azuriteForTest() {
  return native._startAzuriteForTest()
}

// The service's string enums, as the core's table has them: `SessionStatus.Ready === 'Ready'`.
// (Values the service adds later still arrive, as plain strings.)
function wireEnum(name) {
  const e = table.enums.find((x) => x.name === name)
  return Object.freeze(Object.fromEntries(e.values.map((v) => [v, v])))
}
const SessionStatus = wireEnum('SessionStatus')
const SessionSize = wireEnum('SessionSize')
const ConversionStatus = wireEnum('ConversionStatus')

module.exports = {
  RemoteRenderingClient,
  ManagedSession,
  LeaseKeeper,
  StorageAccount,
  BlobContainer,
  Emulator,
  RemoteRenderingError,
  ...errorClasses,
  TimeoutError: errorClasses.WaitTimeoutError,
  SessionStatus,
  SessionSize,
  ConversionStatus,
  setLogger,
  vocabulary,
  defaults,
  version: require('./package.json').version,
}
// A test hook, not public API: not enumerable, so not an ESM export nor in the typings.
Object.defineProperty(module.exports, '_panicForTest', { value: _panicForTest, enumerable: false })
Object.defineProperty(module.exports, '_fromNative', { value: fromNative, enumerable: false })
Object.defineProperty(module.exports, '_azuriteForTest', { value: _azuriteForTest, enumerable: false })
