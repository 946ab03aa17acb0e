// Types of the public API (hand-written; the addon's own generated types are in native.d.ts).
// Times are milliseconds.

/** The status of a session. Unknown strings from a newer service are kept as they are. */
export type SessionStatus = 'Starting' | 'Ready' | 'Stopped' | 'Expired' | 'Error' | (string & {})
/** The size of a session's rendering VM (`Standard` or `Premium`); unknown strings are kept. */
export type SessionSize = 'Standard' | 'Premium' | (string & {})
/** The status of a conversion. Unknown strings from a newer service are kept as they are. */
export type ConversionStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | (string & {})

/** The known session statuses, by name: `SessionStatus.Ready === 'Ready'`. */
export declare const SessionStatus: Readonly<{ Starting: 'Starting'; Ready: 'Ready'; Stopped: 'Stopped'; Expired: 'Expired'; Error: 'Error' }>
/** The known session sizes, by name: `SessionSize.Standard === 'Standard'`. */
export declare const SessionSize: Readonly<{ Standard: 'Standard'; Premium: 'Premium' }>
/** The known conversion statuses, by name: `ConversionStatus.Succeeded === 'Succeeded'`. */
export declare const ConversionStatus: Readonly<{
  NotStarted: 'NotStarted'
  Running: 'Running'
  Succeeded: 'Succeeded'
  Failed: 'Failed'
  Cancelled: 'Cancelled'
}>
/** One parameter of an operation in the core's table (snake_case names; Node uses camelCase or `names.node`). */
export interface VocabularyParam {
  readonly name: string
  readonly required?: boolean
  /** A number, a string, a flag, `{ ms }` for a duration, or `null` (optional, no value). */
  readonly default?: unknown
  readonly names?: Readonly<{ python?: string; node?: string; c?: string; java?: string }>
}
type ClassNames = Readonly<{ python: string; node: string; cpp: string; java: string; c: string }>
/** The core's one table of the public surface, the same in every language. */
export interface Vocabulary {
  readonly version: string
  readonly base_error: ClassNames
  readonly errors: ReadonlyArray<{ readonly code: string; readonly status?: number | null; readonly retriable: boolean; readonly classes: ClassNames; readonly doc?: string }>
  /** Every error's attributes (Node: the properties of RemoteRenderingError), named by the rule unless `names.node` says otherwise. */
  readonly error_fields: ReadonlyArray<{ readonly name: string; readonly names?: VocabularyParam['names']; readonly doc?: string }>
  /** The objects of the surface (`client`, `storage_account`, `blob_container`) and their classes. */
  readonly objects: ReadonlyArray<{ readonly name: string; readonly classes: ClassNames }>
  /** `of`: the object whose method it is, or `''` for the constructor of the object `name`. */
  readonly operations: ReadonlyArray<{ readonly name: string; readonly of: string; readonly params: ReadonlyArray<VocabularyParam>; readonly doc?: string }>
  readonly models: ReadonlyArray<{ readonly name: string; readonly fields: ReadonlyArray<string> }>
  readonly enums: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<string>; readonly terminal: ReadonlyArray<string> }>
  readonly defaults: ReadonlyArray<{ readonly name: string; readonly value: unknown; readonly doc?: string }>
  /** How every language's InternalError message for a caught panic begins. */
  readonly panic_message_prefix: string
}
/** The core's table (parsed once, frozen): error codes and class names, operations and their parameters, models' fields, defaults. */
export declare function vocabulary(): Vocabulary
/**
 * The defaults of every operation from the table, by method and option (durations in ms):
 * `defaults.startSession.leaseMinutes === 30`, `defaults.waitForSession.timeout === 1800000`,
 * `defaults.upload.concurrency === 4` (the storage objects' methods too: their names are unique);
 * `defaults.constants` has the table's named constants (`maxLeaseMinutes`, …).
 */
export declare const defaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> & { readonly constants: Readonly<Record<string, unknown>> }
/** A record of the core's log. Secrets (keys, tokens, SAS strings) are never in it. */
export interface LogRecord {
  readonly level: 'error' | 'warn' | 'info' | 'debug' | 'trace'
  /** Where it comes from: every retry is a `warn` from `remote_rendering::retry`. */
  readonly target: string
  readonly message: string
}
/**
 * Sends the core's log records to `logger`, up to `level` (default `info`); `setLogger(null)`
 * stops them, and none arrives after it returns. Records never wait for the JS thread (a busy
 * one drops them) and the logger never keeps the process alive. `REMOTE_RENDERING_LOG=warn` in
 * the environment prints them to stderr instead, for quick debugging.
 */
export declare function setLogger(logger: ((record: LogRecord) => void) | null, options?: { level?: LogRecord['level'] }): void
/** The package's version (the same in every language of this project). */
export declare const version: string

/** An error as the service reports it. */
export interface ErrorDetails {
  readonly code: string
  readonly message: string
  readonly details?: readonly ErrorDetails[]
  readonly target?: string
}

/** A rendering session. `leaseMinutes` is the service's `maxLeaseTimeMinutes`. */
export interface Session {
  readonly id: string
  readonly status: SessionStatus
  readonly size: SessionSize
  readonly leaseMinutes?: number
  readonly elapsedMinutes?: number
  readonly hostname?: string
  readonly handshakePort?: number
  readonly arrInspectorPort?: number
  readonly teraflops?: number
  readonly createdOn?: Date
  readonly error?: ErrorDetails
}

/** Where a conversion reads its model: a container and the path of the input inside it. */
export interface ConversionInputSettings {
  storageContainerUri: string
  relativeInputAssetPath: string
  blobPrefix?: string
  /** Sent to the service, never echoed back. */
  storageContainerReadListSas?: string
}

/** Where a conversion writes the converted `.arrAsset`. */
export interface ConversionOutputSettings {
  storageContainerUri: string
  blobPrefix?: string
  /** Must end in `.arrAsset`; defaults to the input's name. */
  outputAssetFilename?: string
  /** Sent to the service, never echoed back. */
  storageContainerWriteSas?: string
}

/** The settings of a conversion: its input and its output location. */
export interface ConversionSettings {
  inputLocation: ConversionInputSettings
  outputLocation: ConversionOutputSettings
}

/** An asset conversion. SAS strings are never echoed back in `settings`. */
export interface Conversion {
  readonly id: string
  readonly status: ConversionStatus
  readonly settings: {
    readonly inputLocation: Readonly<Omit<ConversionInputSettings, 'storageContainerReadListSas'>>
    readonly outputLocation: Readonly<Omit<ConversionOutputSettings, 'storageContainerWriteSas'>>
  }
  readonly outputAssetUri?: string
  readonly error?: ErrorDetails
  readonly createdOn?: Date
}

/** `{ accountKey }`, `{ accessToken }`, or an async function returning a Microsoft Entra token. */
export type Credential =
  | { accountKey: string }
  | { accessToken: string }
  | (() => Promise<string | { token: string }> | string | { token: string })

/** The options of `new RemoteRenderingClient(...)`: the account, its credential and where the service is. Every value is checked when the client is made, and a bad one throws an `InvalidInputError` naming the field. */
export interface ClientOptions {
  accountId: string
  /** The account key: the same as `credential: { accountKey }`. */
  accountKey?: string
  /** E.g. `eastus.mixedreality.azure.com`; the STS is `https://sts.{accountDomain}`. */
  accountDomain?: string
  /** `{ accountKey }`, `{ accessToken }` or a token function (or give `accountKey`). */
  credential?: Credential
  /** The service endpoint, or give `region`. */
  endpoint?: string
  region?: string
  stsEndpoint?: string
  /** Default poll interval of waits, ms (default 5000). */
  pollInterval?: number
  /** Time limit of one HTTP request, ms (default 30000). */
  requestTimeout?: number
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number
  /** Requests on the wire at once, 1 to 4096 (default 64); more wait for their turn. */
  maxConcurrentRequests?: number
  /** A PEM certificate (or a path to one) to trust, e.g. the emulator's `caCert`. */
  caCert?: string
}

/** The options every call takes. */
export interface CallOptions {
  /** Aborting it cancels the request (in Rust too) and rejects the call with an `AbortError`. */
  signal?: AbortSignal
}

/** The options of a wait: how often to poll, the deadline, cancellation and progress. */
export interface WaitOptions<T> extends CallOptions {
  /** ms (default: the client's, 5000). */
  pollInterval?: number
  /** ms (default 30 minutes for sessions, 24 hours for conversions). */
  timeout?: number
  /** Called with the resource each time it is polled. */
  onProgress?: (resource: T) => void
}

/** The options of a lease keeper (`keepAlive`): it extends the lease in fixed steps from the server's `elapsedMinutes`, up to a cap. */
export interface LeaseOptions {
  /** Minutes added per extension (default 10). */
  stepMinutes?: number
  /** Extend when fewer than this many minutes are left (default 5). */
  marginMinutes?: number
  /** The lease is never extended past this many minutes in total (default 240). */
  maxTotalMinutes?: number
  /** ms (default 60000). */
  checkInterval?: number
  /** Stop the session when the keeper is closed or disposed (default true). */
  stopOnClose?: boolean
  /** The former name of `stopOnClose` (the same option). */
  stopOnDispose?: boolean
  /**
   * The most the session may cost, in the currency of `costRates` (default: none). The lease is
   * never extended past it: the session is stopped when the next step would pass it.
   */
  budget?: number
  /** What an hour of a session costs per size; needed with a budget (no rate is assumed). */
  costRates?: CostRates
}

export interface CostRates {
  standardPerHour?: number
  premiumPerHour?: number
}

/** The options of `client.openSession(...)`: start a session, wait until Ready and keep its lease alive. */
export interface SessionOptions extends WaitOptions<Session>, Omit<LeaseOptions, 'stopOnClose' | 'stopOnDispose'> {
  /** Default: a new random id. */
  sessionId?: string
  /** Default `Standard`. */
  size?: SessionSize
  /** Default 30. */
  leaseMinutes?: number
  /** Keep the lease renewed (default true); an object of the keeper's options is still accepted. */
  keepAlive?: boolean | Omit<LeaseOptions, 'stopOnClose' | 'stopOnDispose'>
}

/** The base class of every error the package throws; `code` is the core's stable code string, the same in every language. */
export declare class RemoteRenderingError extends Error {
  /** The core's stable code string: `NOT_FOUND`, `THROTTLED`, … */
  readonly code: string
  readonly status?: number
  readonly msCv?: string
  /** ms */
  readonly retryAfter?: number
  readonly details?: ErrorDetails
  /** For input refused before sending: the field at fault. */
  readonly field?: string
  readonly retriable: boolean
  readonly session?: Session
  readonly conversion?: Conversion
  /** For a failed (or aborted, or timed out) upload: what was and was not uploaded. */
  readonly uploadReport?: UploadReport
  /** For a failed conversion waited on with `waitForConversionWithReport`: its result file and log (SAS tokens redacted). */
  readonly conversionReport?: string
}
/** `INVALID_INPUT`: a value refused before sending (`field` names it), or the service's 400. */
export declare class InvalidInputError extends RemoteRenderingError {}
/** `UNAUTHORIZED`: 401, or the STS refused the credential. */
export declare class AuthenticationError extends RemoteRenderingError {}
/** `FORBIDDEN`: 403, e.g. another account's token or storage that is not linked. */
export declare class ForbiddenError extends RemoteRenderingError {}
/** `NOT_FOUND`: 404, no such session or conversion. */
export declare class NotFoundError extends RemoteRenderingError {}
/** `CONFLICT`: 409, the id exists with other settings. */
export declare class ConflictError extends RemoteRenderingError {}
/** `UNPROCESSABLE`: 422, e.g. a lease that does not grow or an ended session. */
export declare class UnprocessableError extends RemoteRenderingError {}
/** `THROTTLED`: 429 after the retries; `retryAfter` says when to come back. */
export declare class ThrottledError extends RemoteRenderingError {}
/** `SERVICE_ERROR`: a 5xx answer after the retries. */
export declare class ServiceError extends RemoteRenderingError {}
/** `TRANSPORT_ERROR`: no connection, a reset, a TLS failure or a request timeout, after the retries. */
export declare class TransportError extends RemoteRenderingError {}
/** `TIMEOUT`: a wait passed its deadline; `session` or `conversion` is the last state seen. */
export declare class WaitTimeoutError extends RemoteRenderingError {}
/** The former name of `WaitTimeoutError`: the same class. */
export declare const TimeoutError: typeof WaitTimeoutError
/** The former name of `WaitTimeoutError`: the same class. */
export type TimeoutError = WaitTimeoutError
/** `CANCELLED`: the caller's `AbortSignal` aborted the call. */
export declare class AbortError extends RemoteRenderingError {}
/** `SESSION_FAILED`: a waited-on session reached `Error`, `Expired` or `Stopped` (`session` is it). */
export declare class SessionFailedError extends RemoteRenderingError {}
/** `CONVERSION_FAILED`: a waited-on conversion reached `Failed` or `Cancelled` (`conversion` is it). */
export declare class ConversionFailedError extends RemoteRenderingError {}
/** `PROTOCOL_ERROR`: an answer that cannot be read, an unexpected status, or a `@nextLink` to another host. */
export declare class ProtocolError extends RemoteRenderingError {}
/** `INTERNAL_ERROR`: a bug in this library (e.g. a panic caught at the boundary); please report it. */
export declare class InternalError extends RemoteRenderingError {}

/** A Ready session; `await using` (or `close()`) stops it. */
export declare class ManagedSession implements AsyncDisposable {
  readonly id: string
  /** The session as it was when it became Ready. */
  readonly session: Session
  readonly extensions: number
  /** Gets the session's current state from the service. */
  refresh(options?: CallOptions): Promise<Session>
  /** Stops the session (and its lease keeper); the same as disposing it. */
  close(): Promise<void>
  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>
}

/** Keeps a session's lease extended in the background (from `client.keepAlive`); disposing it stops the session unless `stopOnClose` is false. */
export declare class LeaseKeeper implements AsyncDisposable {
  readonly sessionId: string
  readonly extensions: number
  readonly isFinished: boolean
  /** Whether the keeper stopped the session because the next extension would pass the budget. */
  readonly stoppedByBudget: boolean
  readonly latest: Session | undefined
  /** Stops extending the lease, and stops the session unless `stopOnClose` is false. */
  close(): Promise<void>
  /** Stops extending the lease and leaves the session running. */
  detach(): Promise<void>
  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>
}

/** A client of one Azure Remote Rendering account. Cheap to share: one connection pool and one token cache. Every method takes `{ signal }` and rejects with a typed `RemoteRenderingError`. */
export declare class RemoteRenderingClient implements AsyncDisposable {
  constructor(options: ClientOptions)
  readonly endpoint: string
  readonly accountId: string
  /** Starts a session (201), or returns it when it exists with the same settings (200); other settings are a `ConflictError`. */
  startSession(sessionId: string, size?: SessionSize, leaseMinutes?: number, options?: CallOptions): Promise<Session>
  /** Gets a session's current state. */
  getSession(sessionId: string, options?: CallOptions): Promise<Session>
  /** Extends a session's lease; the lease must grow (the lease it has already succeeds). */
  updateSession(sessionId: string, leaseMinutes: number, options?: CallOptions): Promise<Session>
  /** Stops a session. */
  stopSession(sessionId: string, options?: CallOptions): Promise<void>
  /** The account's Starting and Ready sessions, fetched page by page as you iterate. */
  listSessions(options?: CallOptions): AsyncIterableIterator<Session>
  /** Polls a session until Ready; rejects with `SessionFailedError` when it ends instead, `WaitTimeoutError` at the deadline. */
  waitForSession(sessionId: string, options?: WaitOptions<Session>): Promise<Session>
  /** Waits for many sessions with one list request per interval; each entry is the Ready session or its error. */
  waitForSessions(sessionIds: string[], options?: WaitOptions<Session>): Promise<Array<Session | RemoteRenderingError>>
  /** Starts a session, waits until Ready and keeps its lease alive; the session is stopped when the result is disposed, and also when the wait fails. */
  openSession(options?: SessionOptions): Promise<ManagedSession>
  /** The same function as `openSession` (its former name). */
  session(options?: SessionOptions): Promise<ManagedSession>
  /** Starts a lease keeper for a session. */
  keepAlive(sessionId: string, options?: LeaseOptions): LeaseKeeper
  /** Starts an asset conversion. */
  startConversion(conversionId: string, settings: ConversionSettings, options?: CallOptions): Promise<Conversion>
  /** Gets a conversion's current state. */
  getConversion(conversionId: string, options?: CallOptions): Promise<Conversion>
  /** The account's conversions, fetched page by page as you iterate. */
  listConversions(options?: CallOptions): AsyncIterableIterator<Conversion>
  /** Polls a conversion until Succeeded; rejects with `ConversionFailedError` when it fails, `WaitTimeoutError` at the deadline. */
  waitForConversion(conversionId: string, options?: WaitOptions<Conversion>): Promise<Conversion>
  /** `waitForConversion`, and when the conversion failed, its result file and log read back from `output` (the output container, with read access) into the error's `conversionReport`. */
  waitForConversionWithReport(conversionId: string, output: BlobContainer, options?: WaitOptions<Conversion>): Promise<Conversion>
  /** A conversion id made from the hash of a local input (file or folder) and the settings (SAS left out), so that an identical input is not converted twice. Nothing is sent. */
  contentConversionId(path: string, settings: ConversionSettings, options?: CallOptions): Promise<string>
  /** Releases the client's connections; calls after it fail. */
  close(): Promise<void>
  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>
}

/** Where an upload stands: after a file started, after each part, and when a file is done. */
export interface UploadProgress {
  /** The blob being written (the prefix included). */
  readonly blob: string
  readonly fileBytesDone: number
  readonly fileBytesTotal: number
  /** Bytes of every file uploaded so far. */
  readonly bytesDone: number
  /** The size of every file together. */
  readonly bytesTotal: number
  /** True in the last event of this file (it is uploaded). */
  readonly fileDone: boolean
}

/** What an upload did: the blobs written whole, and those not written, in name order. */
export interface UploadReport {
  readonly uploaded: readonly string[]
  readonly notUploaded: readonly string[]
  /** Bytes of the uploaded blobs. */
  readonly bytes: number
}

/** What a preflight checked: the input blob, its size, and the blobs a glTF input references (each found). */
export interface Preflight {
  readonly inputBlob: string
  readonly inputBytes: number
  readonly referenced: readonly string[]
}

/** The options of `new StorageAccount(...)`. */
export interface StorageAccountOptions {
  /** Default `https://{accountName}.blob.core.windows.net`; a path-style endpoint such as Azurite's `http://127.0.0.1:10000/devstoreaccount1`. Plain http only to loopback addresses. */
  blobEndpoint?: string
}

/** The options of a SAS or read URL. */
export interface SasOptions {
  /** How long it is valid, ms (default 2 hours, at most 7 days). */
  expiry?: number
}

/** The options of `container.upload(...)`. */
export interface UploadOptions extends CallOptions {
  /** Where under the container the files go (default `''`); a folder's files keep their relative paths. */
  prefix?: string
  /** Files uploaded at once, 1 to 64 (default 4). */
  concurrency?: number
  /** ms the whole upload may take (default 1 hour); then a `WaitTimeoutError` with its `uploadReport`. */
  timeout?: number
  /** Called after a file started, after each part and when a file is done. */
  onProgress?: (progress: UploadProgress) => void
}

/** The options of `container.list(...)`. */
export interface ListOptions extends CallOptions {
  /** Only the blobs under it (default `''`: every blob). */
  prefix?: string
}

/** The options of `container.read(...)`. */
export interface ReadOptions extends CallOptions {
  /** The most bytes read (default 64 MiB); a larger blob is an `InvalidInputError` naming `maxBytes`, never cut. */
  maxBytes?: number
}

/**
 * A storage account and its key (a secret). `util.inspect`, `JSON.stringify` and `toString`
 * show its name and endpoint, never the key. Every SAS and read URL is a secret: put it into
 * conversion settings, never into a log.
 */
export declare class StorageAccount {
  constructor(accountName: string, accountKey: string, options?: StorageAccountOptions)
  readonly name: string
  readonly blobEndpoint: string
  /** `{blobEndpoint}/{container}`: a conversion's `storageContainerUri`. */
  containerUri(container: string): string
  /** Creates a private container when it does not exist: true when it was created, false when it was there. */
  createContainer(container: string, options?: CallOptions): Promise<boolean>
  /** A container of this account, authorised by its key. */
  container(container: string): BlobContainer
  /** A service SAS (a secret) for a container; `permissions` are some of the letters r, c, w, d, l. */
  containerSas(container: string, permissions: string, options?: SasOptions): string
  /** A read and list SAS (a secret): what a conversion needs of its input container, and no more. */
  inputSas(container: string, options?: SasOptions): string
  /** A write and create SAS (a secret): what a conversion needs of its output container, and no more. */
  outputSas(container: string, options?: SasOptions): string
  /** A URL (a secret: it carries a read SAS) that reads one blob. */
  blobReadUrl(container: string, blob: string, options?: SasOptions): string
  /** A read URL (a secret) for a succeeded conversion's `outputAssetUri`, in this account. */
  assetReadUrl(outputAssetUri: string, options?: SasOptions): string
  toJSON(): { name: string; blobEndpoint: string }
  toString(): string
}

/** A client of one blob container, authorised by a SAS (a secret, with or without its leading `?`) or, from `account.container()`, by the account's key. */
export declare class BlobContainer {
  constructor(containerUri: string, sas: string)
  /** The container's URI (no SAS). */
  readonly uri: string
  /** Uploads a local file or folder; a failure (also an abort or the timeout) carries an `uploadReport`. A `path` that is neither file nor folder is an `InvalidInputError` naming `path`, before anything is sent. */
  upload(path: string, options?: UploadOptions): Promise<UploadReport>
  /** Checks a conversion's input before it is started (this is its input container): the input blob, and every file a `.gltf` references; an `InvalidInputError` names what is missing. */
  preflight(settings: ConversionSettings, options?: CallOptions): Promise<Preflight>
  /** A conversion's result file and log in this (output) container, each cut at 64 KiB and redacted of SAS tokens; null when neither exists. */
  readConversionReport(conversion: Conversion, options?: CallOptions): Promise<string | null>
  /** Whether a blob exists. */
  exists(blob: string, options?: CallOptions): Promise<boolean>
  /** The names of the blobs under `prefix` (needs list permission). */
  list(options?: ListOptions): Promise<string[]>
  /** A blob's bytes, null when it does not exist. */
  read(blob: string, options?: ReadOptions): Promise<Buffer | null>
  toJSON(): { uri: string }
  toString(): string
}

/** The options of `Emulator.start(...)`; every time is in emulated milliseconds unless said otherwise. */
export interface EmulatorOptions {
  /** Emulated ms from Starting to Ready (default 5000). */
  startupDelay?: number
  /** Emulated ms a conversion runs (default 10000). */
  conversionDuration?: number
  /** How many times faster than real time emulated time runs. */
  timeScale?: number
  pageSize?: number
  /** The emulator's fault syntax, e.g. `'429:1=0.1,503=0.05@get_session'`. */
  faults?: string
  seed?: number
  tls?: boolean
  certOut?: string
  stateFile?: string
  storageRoot?: string
  linkedStorage?: string[]
  region?: string
  /** Real ms an STS token lives. */
  tokenLifetime?: number
  /** `[id, key]` pairs; default the well-known development account. */
  accounts?: Array<[string, string]>
  /** Conversions read their input from and write their output to real blob storage (e.g. Azurite), through their SAS or a key of `storageAccountKeys`. Excludes `storageRoot`. */
  blobStorage?: boolean
  /** Keys of storage accounts linked to the account, by account name (secrets): with `blobStorage`, a conversion without a SAS reaches them with the key. */
  storageAccountKeys?: Record<string, string>
}

/** The embedded emulator of the service, for tests: no network, no account. */
export declare class Emulator implements AsyncDisposable {
  /** Starts an emulator on 127.0.0.1 on a free port. */
  static start(options?: EmulatorOptions): Promise<Emulator>
  readonly endpoint: string
  readonly stsEndpoint: string
  readonly accountId: string
  readonly accountKey: string
  readonly accountDomain: string
  readonly caCert: string | undefined
  readonly running: boolean
  /** The options of a client of this emulator's account, with `overrides` applied. */
  clientOptions(overrides?: Partial<ClientOptions>): ClientOptions
  /** A client of this emulator's account. */
  client(overrides?: Partial<ClientOptions>): RemoteRenderingClient
  /** Moves emulated time forward (ms). */
  advanceClock(milliseconds: number): void
  /** Injects faults from now on (the emulator's `--faults` syntax); `seed` makes the sequence repeatable. */
  setFaults(spec: string, seed?: number): void
  /** Stops injecting faults. */
  clearFaults(): void
  /** Counts of the requests served, by route and status, and of the faults injected. */
  stats(): { requests: number; byRoute: Record<string, { requests: number; statuses: Record<string, number> }>; faults: Record<string, number> }
  /** How many requests a route has served, e.g. `requests('get_session')`. */
  requests(route: string): number
  /** Puts a session into the `Error` state, with the given service error. */
  failSession(sessionId: string, code?: string, message?: string): void
  /** Makes a running conversion fail, with the given service error. */
  failConversion(conversionId: string, code?: string, message?: string): void
  /** Cancels a running conversion. */
  cancelConversion(conversionId: string): void
  /** Makes every STS token issued so far invalid, so clients must fetch new ones. */
  revokeTokens(): void
  /** Stops the emulator and releases its port. */
  stop(): Promise<void>
  /** `await using`: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>
}
