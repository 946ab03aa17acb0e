// ESM entry: the same objects as the CommonJS entry.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const rr = require('./index.js')

export const {
  RemoteRenderingClient,
  ManagedSession,
  LeaseKeeper,
  StorageAccount,
  BlobContainer,
  Emulator,
  RemoteRenderingError,
  InvalidInputError,
  AuthenticationError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  UnprocessableError,
  ThrottledError,
  ServiceError,
  TransportError,
  WaitTimeoutError,
  TimeoutError,
  AbortError,
  SessionFailedError,
  ConversionFailedError,
  ProtocolError,
  InternalError,
  SessionStatus,
  SessionSize,
  ConversionStatus,
  setLogger,
  vocabulary,
  defaults,
  version,
} = rr
export default rr
