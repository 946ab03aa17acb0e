// Types of the public API (hand-written; the addon's own generated types are in native.d.ts).
// Times are milliseconds.

export type SessionStatus = 'Starting' | 'Ready' | 'Stopped' | 'Expired' | 'Error' | (string & {})
export type SessionSize = 'Standard' | 'Premium' | (string & {})
export type ConversionStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | (string & {})

export declare const SessionStatus: Readonly<{ Starting: 'Starting'; Ready: 'Ready'; Stopped: 'Stopped'; Expired: 'Expired'; Error: 'Error' }>
export declare const SessionSize: Readonly<{ Standard: 'Standard'; Premium: 'Premium' }>
export declare const ConversionStatus: Readonly<{
  NotStarted: 'NotStarted'
  Running: 'Running'
  Succeeded: 'Succeeded'
  Failed: 'Failed'
  Cancelled: 'Cancelled'
}>
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

export interface ConversionInputSettings {
  storageContainerUri: string
  relativeInputAssetPath: string
  blobPrefix?: string
  /** Sent to the service, never echoed back. */
  storageContainerReadListSas?: string
}

export interface ConversionOutputSettings {
  storageContainerUri: string
  blobPrefix?: string
  /** Must end in `.arrAsset`; defaults to the input's name. */
  outputAssetFilename?: string
  /** Sent to the service, never echoed back. */
  storageContainerWriteSas?: string
}

export interface ConversionSettings {
  inputLocation: ConversionInputSettings
  outputLocation: ConversionOutputSettings
}

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

export interface ClientOptions {
  accountId: string
  /** E.g. `eastus.mixedreality.azure.com`; the STS is `https://sts.{accountDomain}`. */
  accountDomain?: string
  credential: Credential
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
  /** A PEM certificate (or a path to one) to trust, e.g. the emulator's `caCert`. */
  caCert?: string
}

export interface CallOptions {
  signal?: AbortSignal
}

export interface WaitOptions<T> extends CallOptions {
  /** ms (default: the client's, 5000). */
  pollInterval?: number
  /** ms (default 30 minutes for sessions, 24 hours for conversions). */
  timeout?: number
  onProgress?: (resource: T) => void
}

export interface LeaseOptions {
  stepMinutes?: number
  marginMinutes?: number
  maxTotalMinutes?: number
  /** ms (default 60000). */
  checkInterval?: number
  /** Stop the session when the keeper is disposed (default true). */
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

export interface SessionOptions extends WaitOptions<Session> {
  size?: SessionSize
  leaseMinutes?: number
  /** Keep the lease renewed (default true), or the keeper's options. */
  keepAlive?: boolean | Omit<LeaseOptions, 'stopOnDispose'>
  sessionId?: string
}

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
}
export declare class InvalidInputError extends RemoteRenderingError {}
export declare class AuthenticationError extends RemoteRenderingError {}
export declare class ForbiddenError extends RemoteRenderingError {}
export declare class NotFoundError extends RemoteRenderingError {}
export declare class ConflictError extends RemoteRenderingError {}
export declare class UnprocessableError extends RemoteRenderingError {}
export declare class ThrottledError extends RemoteRenderingError {}
export declare class ServiceError extends RemoteRenderingError {}
export declare class TransportError extends RemoteRenderingError {}
export declare class TimeoutError extends RemoteRenderingError {}
export declare class AbortError extends RemoteRenderingError {}
export declare class SessionFailedError extends RemoteRenderingError {}
export declare class ConversionFailedError extends RemoteRenderingError {}
export declare class ProtocolError extends RemoteRenderingError {}

/** A Ready session; `await using` (or `close()`) stops it. */
export declare class ManagedSession implements AsyncDisposable {
  readonly id: string
  /** The session as it was when it became Ready. */
  readonly session: Session
  readonly extensions: number
  refresh(options?: CallOptions): Promise<Session>
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

export declare class LeaseKeeper implements AsyncDisposable {
  readonly sessionId: string
  readonly extensions: number
  readonly isFinished: boolean
  /** Whether the keeper stopped the session because the next extension would pass the budget. */
  readonly stoppedByBudget: boolean
  readonly latest: Session | undefined
  close(): Promise<void>
  detach(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

export declare class RemoteRenderingClient implements AsyncDisposable {
  constructor(options: ClientOptions)
  readonly endpoint: string
  readonly accountId: string
  startSession(sessionId: string, size?: SessionSize, leaseMinutes?: number, options?: CallOptions): Promise<Session>
  getSession(sessionId: string, options?: CallOptions): Promise<Session>
  updateSession(sessionId: string, leaseMinutes: number, options?: CallOptions): Promise<Session>
  stopSession(sessionId: string, options?: CallOptions): Promise<void>
  listSessions(options?: CallOptions): AsyncIterableIterator<Session>
  waitForSession(sessionId: string, options?: WaitOptions<Session>): Promise<Session>
  waitForSessions(sessionIds: string[], options?: WaitOptions<Session>): Promise<Array<Session | RemoteRenderingError>>
  session(options?: SessionOptions): Promise<ManagedSession>
  keepAlive(sessionId: string, options?: LeaseOptions): LeaseKeeper
  startConversion(conversionId: string, settings: ConversionSettings, options?: CallOptions): Promise<Conversion>
  getConversion(conversionId: string, options?: CallOptions): Promise<Conversion>
  listConversions(options?: CallOptions): AsyncIterableIterator<Conversion>
  waitForConversion(conversionId: string, options?: WaitOptions<Conversion>): Promise<Conversion>
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

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
}

/** The embedded emulator of the service, for tests: no network, no account. */
export declare class Emulator implements AsyncDisposable {
  static start(options?: EmulatorOptions): Promise<Emulator>
  readonly endpoint: string
  readonly stsEndpoint: string
  readonly accountId: string
  readonly accountKey: string
  readonly accountDomain: string
  readonly caCert: string | undefined
  readonly running: boolean
  clientOptions(overrides?: Partial<ClientOptions>): ClientOptions
  client(overrides?: Partial<ClientOptions>): RemoteRenderingClient
  /** Moves emulated time forward (ms). */
  advanceClock(milliseconds: number): void
  setFaults(spec: string, seed?: number): void
  clearFaults(): void
  stats(): { requests: number; byRoute: Record<string, { requests: number; statuses: Record<string, number> }>; faults: Record<string, number> }
  requests(route: string): number
  failSession(sessionId: string, code?: string, message?: string): void
  failConversion(conversionId: string, code?: string, message?: string): void
  cancelConversion(conversionId: string): void
  revokeTokens(): void
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}
