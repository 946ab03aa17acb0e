//! The public surface of every language, written once: the error codes and the class each
//! language names for them, the operations with their parameters and defaults, the models'
//! fields, and the shared defaults.
//!
//! Each binding exposes [`json()`] (Python `remote_rendering.VOCABULARY`, Node `vocabulary()`, C
//! `rr_vocabulary_json()`, Java `Vocabulary.json()`), and each binding's suite walks its own
//! public surface against it: a code, operation, parameter, field or default that a binding
//! lacks or names differently fails that binding's tests.
//!
//! Names are snake_case. Python, Rust, C (functions with the `rr_` prefix) and C++ keep them;
//! Node and Java use [`camel_case`]. A parameter's [`LangNames`] overrides the rule for one
//! language (Node's `signal` for `cancel`). Durations are milliseconds (`{"ms": N}` in the
//! JSON): Python takes seconds, Node and C milliseconds, C++ `std::chrono`, Java `Duration`.

use crate::error::{Error, ErrorKind, Result};
use crate::model::SessionSize;
use serde_json::{json, Map, Value as Json};
use std::sync::OnceLock;
use std::time::Duration;

/// The size a session gets when none is given.
pub const DEFAULT_SESSION_SIZE: SessionSize = SessionSize::Standard;
/// The lease a session gets when none is given, in minutes.
pub const DEFAULT_LEASE_MINUTES: u32 = 30;
/// The largest lease the service accepts, in minutes (24 hours).
pub const MAX_LEASE_MINUTES: u32 = 1440;
/// The one poll interval every language uses unless told otherwise. The service documents
/// that it throttles callers that poll more often than every few seconds.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How long a session wait waits by default.
pub const DEFAULT_SESSION_WAIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long a conversion wait waits by default.
pub const DEFAULT_CONVERSION_WAIT_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Time limit of one HTTP request (connect, send, answer).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts per request, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Requests of one client on the wire at once; more wait for their turn.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: u32 = 64;
/// The most `max_concurrent_requests` may be (the emulator's own connection limit).
pub const MAX_CONCURRENT_REQUESTS: u32 = 4096;
/// An access token is refreshed when less than this is left of its life.
pub const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Minutes the lease keeper adds each time (fixed steps, never doubling).
pub const DEFAULT_LEASE_STEP_MINUTES: u32 = 10;
/// The keeper extends when fewer than this many minutes of the lease are left.
pub const DEFAULT_LEASE_MARGIN_MINUTES: u32 = 5;
/// The keeper never extends the lease past this many minutes.
pub const DEFAULT_LEASE_MAX_TOTAL_MINUTES: u32 = 240;
/// How often the keeper reads the session.
pub const DEFAULT_LEASE_CHECK_INTERVAL: Duration = Duration::from_secs(60);
/// How long a SAS made from a storage account key is valid by default: long enough for an
/// upload and a conversion, far shorter than the 24 hours `Conversion.ps1` gave its `rwdl`
/// tokens.
pub const DEFAULT_SAS_EXPIRY: Duration = Duration::from_secs(2 * 3600);
/// Files an upload sends at once by default.
pub const DEFAULT_UPLOAD_CONCURRENCY: usize = 4;
/// How long an upload may take by default before it ends with `TIMEOUT` (and its report).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(3600);
/// At most this much of a failed conversion's result file and of its log is read back into
/// its error (64 KiB each).
pub const MAX_REPORT_BYTES: u64 = 64 * 1024;
/// The most files an upload may send at once.
pub const MAX_UPLOAD_CONCURRENCY: usize = 64;
/// The most of a blob a `read` returns by default (64 MiB); a larger blob is refused, not cut.
pub const DEFAULT_READ_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The class (or status) name each language uses for one error code, or for the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassNames {
    /// Python exception class.
    pub python: &'static str,
    /// JavaScript error class.
    pub node: &'static str,
    /// C++ exception class (in namespace `remote_rendering`).
    pub cpp: &'static str,
    /// Java exception class.
    pub java: &'static str,
    /// C status enumerator (`rr_status` for the base).
    pub c: &'static str,
}

/// One error code of the shared table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorEntry {
    /// The kind in Rust.
    pub kind: ErrorKind,
    /// The stable code string, equal to [`ErrorKind::code`].
    pub code: &'static str,
    /// The HTTP status the service answers with for it, when there is one.
    pub status: Option<u16>,
    /// Whether an error of this code may succeed when tried again later (as a rule: a
    /// `SERVICE_ERROR` is retriable for 500, 502, 503 and 504 only).
    pub retriable: bool,
    /// The class each language raises.
    pub classes: ClassNames,
    /// What it means.
    pub doc: &'static str,
}

/// Per-language names of a parameter where the case rule does not give them ("" = the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LangNames {
    /// Python.
    pub python: &'static str,
    /// Node.js.
    pub node: &'static str,
    /// C and C++.
    pub c: &'static str,
    /// Java.
    pub java: &'static str,
}

const RULE: LangNames = LangNames {
    python: "",
    node: "",
    c: "",
    java: "",
};

/// A value of a default in the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// A string (an enum value such as `Standard`).
    Str(&'static str),
    /// A flag.
    Bool(bool),
    /// A duration, in milliseconds.
    Millis(u64),
    /// Optional, with no value unless given.
    Null,
}

/// A parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// The snake_case name.
    pub name: &'static str,
    /// Whether a caller must give it.
    pub required: bool,
    /// Its default, for an optional parameter.
    pub default: Value,
    /// Overrides of the case rule.
    pub names: LangNames,
}

/// An operation of the client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Operation {
    /// The snake_case name (`open_session`); for a constructor, the object's name (`client`).
    pub name: &'static str,
    /// The object ([`OBJECTS`]) whose method it is, or `""` for the constructor of the object
    /// named `name`.
    pub of: &'static str,
    /// Its parameters, in order.
    pub params: &'static [Param],
    /// What it does.
    pub doc: &'static str,
}

/// A public model and its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// The class name.
    pub name: &'static str,
    /// The snake_case field names, in order.
    pub fields: &'static [&'static str],
}

/// One of the service's string enums: its values (in the spec's order) and those that end a
/// wait. Python and Java name the members in CONSTANT_CASE ([`constant_case`]), Node and C++ by
/// the value itself; every language keeps a value it does not know instead of failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enum {
    /// The type name.
    pub name: &'static str,
    /// The wire values this version knows.
    pub values: &'static [&'static str],
    /// The values after which the resource never changes again.
    pub terminal: &'static [&'static str],
}

/// An object of the surface: the client, and the storage objects. Its constructor is the
/// operation of its name (with `of: ""`), its methods the operations `of` it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object {
    /// The snake_case name (`storage_account`).
    pub name: &'static str,
    /// The class (C: the opaque type) each language names it; `c` also prefixes its functions
    /// (`rr_storage_account_` + the operation's name).
    pub classes: ClassNames,
}

/// An attribute of every error (Python's attribute, Node's property, Java's method, C's
/// `rr_error_` function), named by the case rule unless [`LangNames`] says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorField {
    /// The snake_case name.
    pub name: &'static str,
    /// Overrides of the case rule.
    pub names: LangNames,
    /// What it holds.
    pub doc: &'static str,
}

/// A shared default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant {
    /// The snake_case name (C: `RR_DEFAULT_` + upper case, except `max_lease_minutes`).
    pub name: &'static str,
    /// Its value.
    pub value: Value,
    /// What it is.
    pub doc: &'static str,
}

const fn classes(
    python: &'static str,
    node: &'static str,
    cpp: &'static str,
    java: &'static str,
    c: &'static str,
) -> ClassNames {
    ClassNames {
        python,
        node,
        cpp,
        java,
        c,
    }
}

/// The base class of every error, per language.
pub static BASE_ERROR: ClassNames = classes(
    "RemoteRenderingError",
    "RemoteRenderingError",
    "Error",
    "RemoteRenderingException",
    "rr_status",
);

macro_rules! entry {
    ($kind:ident, $status:expr, $retriable:expr, $py:literal, $node:literal, $cpp:literal, $java:literal, $c:literal, $doc:literal) => {
        ErrorEntry {
            kind: ErrorKind::$kind,
            code: ErrorKind::$kind.code(),
            status: $status,
            retriable: $retriable,
            classes: classes($py, $node, $cpp, $java, $c),
            doc: $doc,
        }
    };
}

/// Every error code, one per [`ErrorKind`], in declaration order.
pub static ERRORS: &[ErrorEntry] = &[
    entry!(InvalidInput, Some(400), false, "InvalidInputError", "InvalidInputError", "InvalidInputError", "InvalidInputException", "RR_STATUS_INVALID_INPUT",
        "A value was refused before anything was sent (the field is named), or the service answered 400."),
    entry!(Unauthorized, Some(401), false, "AuthenticationError", "AuthenticationError", "AuthenticationError", "AuthenticationException", "RR_STATUS_UNAUTHORIZED",
        "The credential or access token was refused (401)."),
    entry!(Forbidden, Some(403), false, "ForbiddenError", "ForbiddenError", "ForbiddenError", "ForbiddenException", "RR_STATUS_FORBIDDEN",
        "Not allowed: another account's resource, or storage that is not linked (403)."),
    entry!(NotFound, Some(404), false, "NotFoundError", "NotFoundError", "NotFoundError", "NotFoundException", "RR_STATUS_NOT_FOUND",
        "No such session or conversion (404)."),
    entry!(Conflict, Some(409), false, "ConflictError", "ConflictError", "ConflictError", "ConflictException", "RR_STATUS_CONFLICT",
        "The id exists with other settings (409)."),
    entry!(Unprocessable, Some(422), false, "UnprocessableError", "UnprocessableError", "UnprocessableError", "UnprocessableException", "RR_STATUS_UNPROCESSABLE",
        "The service refused the value, e.g. a lease that does not grow (422)."),
    entry!(Throttled, Some(429), true, "ThrottledError", "ThrottledError", "ThrottledError", "ThrottledException", "RR_STATUS_THROTTLED",
        "Throttled (429), after the retries allowed; retry_after says how long to wait."),
    entry!(Service, Some(500), true, "ServiceError", "ServiceError", "ServiceError", "ServiceException", "RR_STATUS_SERVICE_ERROR",
        "The service failed (5xx), after the retries allowed."),
    entry!(Transport, None, true, "TransportError", "TransportError", "TransportError", "TransportException", "RR_STATUS_TRANSPORT_ERROR",
        "The connection failed or broke, after the retries allowed."),
    entry!(Timeout, None, false, "WaitTimeoutError", "WaitTimeoutError", "WaitTimeoutError", "WaitTimeoutException", "RR_STATUS_TIMEOUT",
        "A wait or the retries ran out of time; the resource as last seen is attached."),
    entry!(Cancelled, None, false, "OperationCancelledError", "AbortError", "CancelledError", "CancelledException", "RR_STATUS_CANCELLED",
        "The caller cancelled (a token, an AbortSignal, Ctrl-C, a cancelled future)."),
    entry!(SessionFailed, None, false, "SessionFailedError", "SessionFailedError", "SessionFailedError", "SessionFailedException", "RR_STATUS_SESSION_FAILED",
        "A session reached Error, Expired or Stopped while waited on; the session is attached."),
    entry!(ConversionFailed, None, false, "ConversionFailedError", "ConversionFailedError", "ConversionFailedError", "ConversionFailedException", "RR_STATUS_CONVERSION_FAILED",
        "A conversion reached Failed or Cancelled while waited on; the conversion is attached."),
    entry!(Protocol, None, false, "ProtocolError", "ProtocolError", "ProtocolError", "ProtocolException", "RR_STATUS_PROTOCOL_ERROR",
        "The service answered something this client cannot read."),
    entry!(Internal, None, false, "InternalError", "InternalError", "InternalError", "InternalException", "RR_STATUS_PANIC",
        "A bug in this library, e.g. a panic caught at the language boundary (never an abort)."),
];

/// The entry of one kind.
pub fn error_entry(kind: ErrorKind) -> &'static ErrorEntry {
    ERRORS
        .iter()
        .find(|e| e.kind == kind)
        .expect("every kind is in the table")
}

const fn req(name: &'static str) -> Param {
    Param {
        name,
        required: true,
        default: Value::Null,
        names: RULE,
    }
}

const fn opt(name: &'static str, default: Value) -> Param {
    Param {
        name,
        required: false,
        default,
        names: RULE,
    }
}

const fn ms(d: Duration) -> Value {
    Value::Millis(d.as_millis() as u64)
}

const CANCEL: Param = Param {
    name: "cancel",
    required: false,
    default: Value::Null,
    names: LangNames {
        node: "signal",
        ..RULE
    },
};
const ON_PROGRESS: Param = opt("on_progress", Value::Null);
const POLL_INTERVAL: Param = opt("poll_interval", ms(DEFAULT_POLL_INTERVAL));
const SESSION_TIMEOUT: Param = opt("timeout", ms(DEFAULT_SESSION_WAIT_TIMEOUT));
const SIZE: Param = opt("size", Value::Str("Standard"));
const LEASE: Param = opt("lease_minutes", Value::Int(DEFAULT_LEASE_MINUTES as i64));
const STEP: Param = opt(
    "step_minutes",
    Value::Int(DEFAULT_LEASE_STEP_MINUTES as i64),
);
const MARGIN: Param = opt(
    "margin_minutes",
    Value::Int(DEFAULT_LEASE_MARGIN_MINUTES as i64),
);
const MAX_TOTAL: Param = opt(
    "max_total_minutes",
    Value::Int(DEFAULT_LEASE_MAX_TOTAL_MINUTES as i64),
);
const CHECK: Param = opt("check_interval", ms(DEFAULT_LEASE_CHECK_INTERVAL));
const SAS_EXPIRY: Param = opt("expiry", ms(DEFAULT_SAS_EXPIRY));
const BUDGET: Param = opt("budget", Value::Null);
const RATES: Param = opt("cost_rates", Value::Null);

/// The client's construction options (the operation `client`) and every operation.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        name: "client",
        of: "",
        params: &[
            opt("endpoint", Value::Null),
            opt("region", Value::Null),
            req("account_id"),
            opt("account_domain", Value::Null),
            opt("account_key", Value::Null),
            opt("credential", Value::Null),
            opt("sts_endpoint", Value::Null),
            POLL_INTERVAL,
            opt("request_timeout", ms(DEFAULT_REQUEST_TIMEOUT)),
            opt("max_attempts", Value::Int(DEFAULT_MAX_ATTEMPTS as i64)),
            opt(
                "max_concurrent_requests",
                Value::Int(DEFAULT_MAX_CONCURRENT_REQUESTS as i64),
            ),
            opt("ca_cert", Value::Null),
        ],
        doc: "Builds a client: endpoint or region, account, one credential, options.",
    },
    Operation {
        name: "start_session",
        of: "client",
        params: &[req("session_id"), SIZE, LEASE],
        doc: "Starts a session (201), or returns it when it exists with the same settings (200).",
    },
    Operation {
        name: "get_session",
        of: "client",
        params: &[req("session_id")],
        doc: "Gets a session's current state.",
    },
    Operation {
        name: "update_session",
        of: "client",
        params: &[req("session_id"), req("lease_minutes")],
        doc: "Extends a session's lease; the lease must grow.",
    },
    Operation {
        name: "stop_session",
        of: "client",
        params: &[req("session_id")],
        doc: "Stops a session; stopping one that already ended succeeds.",
    },
    Operation {
        name: "list_sessions",
        of: "client",
        params: &[],
        doc: "The account's Starting and Ready sessions, page by page.",
    },
    Operation {
        name: "wait_for_session",
        of: "client",
        params: &[
            req("session_id"),
            POLL_INTERVAL,
            SESSION_TIMEOUT,
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "Polls a session until Ready; SESSION_FAILED when it ends instead, TIMEOUT at the deadline.",
    },
    Operation {
        name: "wait_for_sessions",
        of: "client",
        params: &[
            req("session_ids"),
            POLL_INTERVAL,
            SESSION_TIMEOUT,
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "Waits for many sessions with one list request per interval.",
    },
    Operation {
        name: "open_session",
        of: "client",
        params: &[
            opt("session_id", Value::Null),
            SIZE,
            LEASE,
            opt("keep_alive", Value::Bool(true)),
            STEP,
            MARGIN,
            MAX_TOTAL,
            CHECK,
            BUDGET,
            RATES,
            POLL_INTERVAL,
            SESSION_TIMEOUT,
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "Starts a session, waits until Ready and keeps its lease alive; the session is stopped when closed, and when the wait fails.",
    },
    Operation {
        name: "keep_alive",
        of: "client",
        params: &[
            req("session_id"),
            STEP,
            MARGIN,
            MAX_TOTAL,
            CHECK,
            opt("stop_on_close", Value::Bool(true)),
            BUDGET,
            RATES,
        ],
        doc: "Starts a lease keeper: extends the lease in fixed steps up to a cap (and a budget).",
    },
    Operation {
        name: "start_conversion",
        of: "client",
        params: &[req("conversion_id"), req("settings")],
        doc: "Starts an asset conversion.",
    },
    Operation {
        name: "get_conversion",
        of: "client",
        params: &[req("conversion_id")],
        doc: "Gets a conversion's current state.",
    },
    Operation {
        name: "list_conversions",
        of: "client",
        params: &[],
        doc: "The account's conversions, page by page.",
    },
    Operation {
        name: "wait_for_conversion",
        of: "client",
        params: &[
            req("conversion_id"),
            POLL_INTERVAL,
            opt("timeout", ms(DEFAULT_CONVERSION_WAIT_TIMEOUT)),
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "Polls a conversion until Succeeded; CONVERSION_FAILED when it fails, TIMEOUT at the deadline.",
    },
    Operation {
        name: "wait_for_conversion_with_report",
        of: "client",
        params: &[
            req("conversion_id"),
            req("output"),
            POLL_INTERVAL,
            opt("timeout", ms(DEFAULT_CONVERSION_WAIT_TIMEOUT)),
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "wait_for_conversion, and when the conversion failed, its result file and log read back from the output container (a blob_container with read access) into the error's conversion_report.",
    },
    Operation {
        name: "content_conversion_id",
        of: "client",
        params: &[req("path"), req("settings")],
        doc: "A conversion id made from the hash of a local input (file or folder) and the settings, so that an identical input is not converted twice. Nothing is sent.",
    },
    Operation {
        name: "storage_account",
        of: "",
        params: &[
            req("account_name"),
            req("account_key"),
            opt("blob_endpoint", Value::Null),
        ],
        doc: "A storage account and its key (a secret); blob_endpoint none: https://{account_name}.blob.core.windows.net, or a path-style endpoint such as Azurite's http://127.0.0.1:10000/devstoreaccount1.",
    },
    Operation {
        name: "container_uri",
        of: "storage_account",
        params: &[req("container")],
        doc: "{blob_endpoint}/{container}: a conversion's storage_container_uri.",
    },
    Operation {
        name: "create_container",
        of: "storage_account",
        params: &[req("container")],
        doc: "Creates a private container when it does not exist; true when it was created, false when it was there.",
    },
    Operation {
        name: "container",
        of: "storage_account",
        params: &[req("container")],
        doc: "A blob_container of this account, authorised by its key.",
    },
    Operation {
        name: "container_sas",
        of: "storage_account",
        params: &[req("container"), req("permissions"), SAS_EXPIRY],
        doc: "A service SAS (a secret) for a container; permissions are the service's letters, some of r, c, w, d, l; expiry at most 7 days.",
    },
    Operation {
        name: "input_sas",
        of: "storage_account",
        params: &[req("container"), SAS_EXPIRY],
        doc: "A read and list SAS (a secret): what a conversion needs of its input container, and no more.",
    },
    Operation {
        name: "output_sas",
        of: "storage_account",
        params: &[req("container"), SAS_EXPIRY],
        doc: "A write and create SAS (a secret): what a conversion needs of its output container, and no more.",
    },
    Operation {
        name: "blob_read_url",
        of: "storage_account",
        params: &[req("container"), req("blob"), SAS_EXPIRY],
        doc: "A URL (a secret: it carries a read SAS) that reads one blob.",
    },
    Operation {
        name: "asset_read_url",
        of: "storage_account",
        params: &[req("output_asset_uri"), SAS_EXPIRY],
        doc: "A read URL (a secret) for a converted asset: a succeeded conversion's output_asset_uri, in this account.",
    },
    Operation {
        name: "blob_container",
        of: "",
        params: &[req("container_uri"), req("sas")],
        doc: "A client of one container, authorised by a SAS (a secret; with or without its leading ?).",
    },
    Operation {
        name: "upload",
        of: "blob_container",
        params: &[
            req("path"),
            opt("prefix", Value::Str("")),
            opt("concurrency", Value::Int(DEFAULT_UPLOAD_CONCURRENCY as i64)),
            opt("timeout", ms(DEFAULT_UPLOAD_TIMEOUT)),
            ON_PROGRESS,
            CANCEL,
        ],
        doc: "Uploads a local file or folder under prefix, concurrency files at once, with progress in bytes; returns an UploadReport, and a failure carries one (upload_report) naming what was and was not uploaded.",
    },
    Operation {
        name: "preflight",
        of: "blob_container",
        params: &[req("settings")],
        doc: "Checks a conversion's input before it is started (this is its input container): the input blob exists with a name the service accepts, and so does every file a .gltf references; INVALID_INPUT names what is missing.",
    },
    Operation {
        name: "read_conversion_report",
        of: "blob_container",
        params: &[req("conversion")],
        doc: "A conversion's result file and log in this (output) container, each cut at max_report_bytes and redacted of SAS tokens; none when neither exists.",
    },
    Operation {
        name: "exists",
        of: "blob_container",
        params: &[req("blob")],
        doc: "Whether a blob exists.",
    },
    Operation {
        name: "list",
        of: "blob_container",
        params: &[opt("prefix", Value::Str(""))],
        doc: "The names of the blobs under prefix (needs list permission).",
    },
    Operation {
        name: "read",
        of: "blob_container",
        params: &[req("blob"), opt("max_bytes", Value::Int(DEFAULT_READ_MAX_BYTES as i64))],
        doc: "A blob's bytes, none when it does not exist; INVALID_INPUT naming max_bytes when it is larger.",
    },
];

/// The objects whose constructors and methods [`OPERATIONS`] lists.
pub static OBJECTS: &[Object] = &[
    Object {
        name: "client",
        classes: classes(
            "RemoteRenderingClient",
            "RemoteRenderingClient",
            "Client",
            "RemoteRenderingClient",
            "rr_client",
        ),
    },
    Object {
        name: "storage_account",
        classes: classes(
            "StorageAccount",
            "StorageAccount",
            "StorageAccount",
            "StorageAccount",
            "rr_storage_account",
        ),
    },
    Object {
        name: "blob_container",
        classes: classes(
            "BlobContainer",
            "BlobContainer",
            "BlobContainer",
            "BlobContainer",
            "rr_blob_container",
        ),
    },
];

const fn error_field(name: &'static str, names: LangNames, doc: &'static str) -> ErrorField {
    ErrorField { name, names, doc }
}

/// The attributes of every error, in every language.
pub static ERROR_FIELDS: &[ErrorField] = &[
    error_field("code", RULE, "The stable code string (ERRORS)."),
    error_field(
        "message",
        LangNames {
            java: "getMessage",
            ..RULE
        },
        "What went wrong, with no secret in it.",
    ),
    error_field(
        "status",
        LangNames {
            c: "http_status",
            ..RULE
        },
        "The HTTP status of the answer, when there was one.",
    ),
    error_field("ms_cv", RULE, "The service's correlation vector, for a support request."),
    error_field(
        "retry_after",
        LangNames {
            c: "retry_after_ms",
            ..RULE
        },
        "How long the service asked to wait (THROTTLED).",
    ),
    error_field(
        "details",
        LangNames {
            c: "service_error",
            ..RULE
        },
        "The service's error object (ErrorDetails).",
    ),
    error_field("field", RULE, "For input refused before sending: the field at fault."),
    error_field(
        "retriable",
        LangNames {
            java: "isRetriable",
            c: "is_retriable",
            ..RULE
        },
        "Whether trying again later may succeed.",
    ),
    error_field("session", RULE, "The session as last seen (SESSION_FAILED, a session wait's TIMEOUT)."),
    error_field(
        "conversion",
        RULE,
        "The conversion as last seen (CONVERSION_FAILED, a conversion wait's TIMEOUT).",
    ),
    error_field(
        "upload_report",
        RULE,
        "For a failed upload: the UploadReport of what was and was not uploaded.",
    ),
    error_field(
        "conversion_report",
        RULE,
        "For a failed conversion waited on with wait_for_conversion_with_report: its result file and log.",
    ),
];

/// The service's string enums (the wire types' own lists of known values).
pub static ENUMS: &[Enum] = &[
    Enum {
        name: "SessionSize",
        values: SessionSize::KNOWN,
        terminal: &[],
    },
    Enum {
        name: "SessionStatus",
        values: crate::SessionStatus::KNOWN,
        terminal: &["Error", "Expired", "Stopped"],
    },
    Enum {
        name: "ConversionStatus",
        values: crate::ConversionStatus::KNOWN,
        terminal: &["Cancelled", "Failed", "Succeeded"],
    },
];

/// The public models and their fields ([`Session`](crate::Session),
/// [`Conversion`](crate::Conversion) and the others the core returns).
pub static MODELS: &[Model] = &[
    Model {
        name: "Session",
        fields: &[
            "id",
            "status",
            "size",
            "lease_minutes",
            "elapsed_minutes",
            "hostname",
            "handshake_port",
            "arr_inspector_port",
            "teraflops",
            "created_on",
            "error",
        ],
    },
    Model {
        name: "Conversion",
        fields: &[
            "id",
            "status",
            "settings",
            "output_asset_uri",
            "error",
            "created_on",
        ],
    },
    Model {
        name: "ConversionSettings",
        fields: &["input_location", "output_location"],
    },
    Model {
        name: "ConversionInputSettings",
        fields: &[
            "storage_container_uri",
            "relative_input_asset_path",
            "blob_prefix",
            "storage_container_read_list_sas",
        ],
    },
    Model {
        name: "ConversionOutputSettings",
        fields: &[
            "storage_container_uri",
            "blob_prefix",
            "output_asset_filename",
            "storage_container_write_sas",
        ],
    },
    Model {
        name: "ErrorDetails",
        fields: &["code", "message", "details", "target"],
    },
    Model {
        name: "CostRates",
        fields: &["standard_per_hour", "premium_per_hour"],
    },
    Model {
        name: "UploadProgress",
        fields: &[
            "blob",
            "file_bytes_done",
            "file_bytes_total",
            "bytes_done",
            "bytes_total",
            "file_done",
        ],
    },
    Model {
        name: "UploadReport",
        fields: &["uploaded", "not_uploaded", "bytes"],
    },
    Model {
        name: "Preflight",
        fields: &["input_blob", "input_bytes", "referenced"],
    },
];

/// The shared defaults (the same constants the core uses).
pub static DEFAULTS: &[Constant] = &[
    Constant {
        name: "session_size",
        value: Value::Str("Standard"),
        doc: "The size a session gets when none is given.",
    },
    Constant {
        name: "lease_minutes",
        value: Value::Int(DEFAULT_LEASE_MINUTES as i64),
        doc: "The lease a session gets when none is given.",
    },
    Constant {
        name: "max_lease_minutes",
        value: Value::Int(MAX_LEASE_MINUTES as i64),
        doc: "The largest lease the service accepts.",
    },
    Constant {
        name: "poll_interval",
        value: ms(DEFAULT_POLL_INTERVAL),
        doc: "How often waits poll.",
    },
    Constant {
        name: "session_wait_timeout",
        value: ms(DEFAULT_SESSION_WAIT_TIMEOUT),
        doc: "How long a session wait waits.",
    },
    Constant {
        name: "conversion_wait_timeout",
        value: ms(DEFAULT_CONVERSION_WAIT_TIMEOUT),
        doc: "How long a conversion wait waits.",
    },
    Constant {
        name: "request_timeout",
        value: ms(DEFAULT_REQUEST_TIMEOUT),
        doc: "Time limit of one HTTP request.",
    },
    Constant {
        name: "max_attempts",
        value: Value::Int(DEFAULT_MAX_ATTEMPTS as i64),
        doc: "Attempts per request, the first included.",
    },
    Constant {
        name: "max_concurrent_requests",
        value: Value::Int(DEFAULT_MAX_CONCURRENT_REQUESTS as i64),
        doc: "Requests of one client on the wire at once; more wait for their turn.",
    },
    Constant {
        name: "token_refresh_margin",
        value: ms(TOKEN_REFRESH_MARGIN),
        doc: "An access token is refreshed when less than this is left.",
    },
    Constant {
        name: "lease_step_minutes",
        value: Value::Int(DEFAULT_LEASE_STEP_MINUTES as i64),
        doc: "Minutes the lease keeper adds each time.",
    },
    Constant {
        name: "lease_margin_minutes",
        value: Value::Int(DEFAULT_LEASE_MARGIN_MINUTES as i64),
        doc: "The keeper extends when fewer minutes than this are left.",
    },
    Constant {
        name: "lease_max_total_minutes",
        value: Value::Int(DEFAULT_LEASE_MAX_TOTAL_MINUTES as i64),
        doc: "The keeper never extends the lease past this.",
    },
    Constant {
        name: "lease_check_interval",
        value: ms(DEFAULT_LEASE_CHECK_INTERVAL),
        doc: "How often the keeper reads the session.",
    },
    Constant {
        name: "sas_expiry",
        value: ms(DEFAULT_SAS_EXPIRY),
        doc: "How long a SAS made from a storage account key is valid.",
    },
    Constant {
        name: "upload_concurrency",
        value: Value::Int(DEFAULT_UPLOAD_CONCURRENCY as i64),
        doc: "Files an upload sends at once.",
    },
    Constant {
        name: "max_upload_concurrency",
        value: Value::Int(MAX_UPLOAD_CONCURRENCY as i64),
        doc: "The most files an upload may send at once.",
    },
    Constant {
        name: "upload_timeout",
        value: ms(DEFAULT_UPLOAD_TIMEOUT),
        doc: "How long an upload may take before it ends with TIMEOUT (and its report).",
    },
    Constant {
        name: "read_max_bytes",
        value: Value::Int(DEFAULT_READ_MAX_BYTES as i64),
        doc: "The most of a blob a read returns; a larger blob is refused, not cut.",
    },
    Constant {
        name: "max_report_bytes",
        value: Value::Int(MAX_REPORT_BYTES as i64),
        doc: "At most this much of a failed conversion's result file and of its log is read back.",
    },
];

/// `NotStarted` → `NOT_STARTED`: an enum value as the member name Python and Java give it.
pub fn constant_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    for (i, c) in value.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `lease_minutes` → `leaseMinutes` (the Node and Java spelling).
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A lease in minutes as a language hands it over (any integer), checked by the one rule:
/// from 0 to [`MAX_LEASE_MINUTES`]. `field` names the parameter in the error.
pub fn check_lease_minutes(field: &'static str, minutes: i64) -> Result<u32> {
    if (0..=MAX_LEASE_MINUTES as i64).contains(&minutes) {
        Ok(minutes as u32)
    } else {
        Err(Error::invalid_input(
            field,
            format!("must be from 0 to {MAX_LEASE_MINUTES} minutes (24 hours), got {minutes}"),
        ))
    }
}

/// `max_concurrent_requests`, checked the same way in every language.
pub fn check_max_concurrent_requests(field: &'static str, n: i64) -> Result<usize> {
    if (1..=MAX_CONCURRENT_REQUESTS as i64).contains(&n) {
        Ok(n as usize)
    } else {
        Err(Error::invalid_input(
            field,
            format!("must be from 1 to {MAX_CONCURRENT_REQUESTS}, got {n}"),
        ))
    }
}

/// An upload's `concurrency`, checked the same way in every language.
pub fn check_upload_concurrency(field: &'static str, n: i64) -> Result<usize> {
    if (1..=MAX_UPLOAD_CONCURRENCY as i64).contains(&n) {
        Ok(n as usize)
    } else {
        Err(Error::invalid_input(
            field,
            format!("must be from 1 to {MAX_UPLOAD_CONCURRENCY}, got {n}"),
        ))
    }
}

fn names_json(names: &LangNames) -> Option<Json> {
    let mut m = Map::new();
    for (lang, n) in [
        ("python", names.python),
        ("node", names.node),
        ("c", names.c),
        ("java", names.java),
    ] {
        if !n.is_empty() {
            m.insert(lang.into(), json!(n));
        }
    }
    (!m.is_empty()).then_some(Json::Object(m))
}

fn value_json(v: &Value) -> Json {
    match *v {
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Str(s) => json!(s),
        Value::Bool(b) => json!(b),
        Value::Millis(ms) => json!({ "ms": ms }),
        Value::Null => Json::Null,
    }
}

fn classes_json(c: &ClassNames) -> Json {
    json!({ "python": c.python, "node": c.node, "cpp": c.cpp, "java": c.java, "c": c.c })
}

fn build_json() -> String {
    let errors: Vec<Json> = ERRORS
        .iter()
        .map(|e| {
            json!({
                "code": e.code,
                "status": e.status,
                "retriable": e.retriable,
                "classes": classes_json(&e.classes),
                "doc": e.doc,
            })
        })
        .collect();
    let operations: Vec<Json> = OPERATIONS
        .iter()
        .map(|o| {
            let params: Vec<Json> = o
                .params
                .iter()
                .map(|p| {
                    let mut m = Map::new();
                    m.insert("name".into(), json!(p.name));
                    m.insert("required".into(), json!(p.required));
                    if !p.required {
                        m.insert("default".into(), value_json(&p.default));
                    }
                    if let Some(names) = names_json(&p.names) {
                        m.insert("names".into(), names);
                    }
                    Json::Object(m)
                })
                .collect();
            json!({ "name": o.name, "of": o.of, "params": params, "doc": o.doc })
        })
        .collect();
    let objects: Vec<Json> = OBJECTS
        .iter()
        .map(|o| json!({ "name": o.name, "classes": classes_json(&o.classes) }))
        .collect();
    let error_fields: Vec<Json> = ERROR_FIELDS
        .iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("name".into(), json!(f.name));
            if let Some(names) = names_json(&f.names) {
                m.insert("names".into(), names);
            }
            m.insert("doc".into(), json!(f.doc));
            Json::Object(m)
        })
        .collect();
    let models: Vec<Json> = MODELS
        .iter()
        .map(|m| json!({ "name": m.name, "fields": m.fields }))
        .collect();
    let enums: Vec<Json> = ENUMS
        .iter()
        .map(|e| json!({ "name": e.name, "values": e.values, "terminal": e.terminal }))
        .collect();
    let defaults: Vec<Json> = DEFAULTS
        .iter()
        .map(|c| json!({ "name": c.name, "value": value_json(&c.value), "doc": c.doc }))
        .collect();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "base_error": classes_json(&BASE_ERROR),
        "errors": errors,
        "error_fields": error_fields,
        "objects": objects,
        "operations": operations,
        "models": models,
        "enums": enums,
        "defaults": defaults,
        "panic_message_prefix": crate::error::PANIC_MESSAGE_PREFIX,
    })
    .to_string()
}

/// The whole table as JSON (see the module documentation), built once.
pub fn json() -> &'static str {
    static J: OnceLock<String> = OnceLock::new();
    J.get_or_init(build_json)
}

/// A model as the JSON object Node and Java hand their users, field for field: each key is the
/// core's field name under the table's rule for those languages ([`camel_case`]), and a field
/// without a value is left out. Both bindings cross models this way, so neither renames by hand.
pub trait CamelView {
    /// `{ camelCase(field): value }` of the model.
    fn camel_view(&self) -> Json;
}

/// `{ camelCase(field): value }` for each field given; a field without a value is left out.
macro_rules! fields {
    ($src:expr; $($field:ident $(=> $conv:expr)?),* $(,)?) => {{
        let mut out = serde_json::Map::new();
        $(
            let v: serde_json::Value = fields!(@value $src.$field $(, $conv)?);
            if !v.is_null() {
                out.insert($crate::vocabulary::camel_case(stringify!($field)), v);
            }
        )*
        serde_json::Value::Object(out)
    }};
    (@value $v:expr) => { serde_json::to_value(&$v).unwrap_or(serde_json::Value::Null) };
    (@value $v:expr, $conv:expr) => { $conv(&$v) };
}
pub(crate) use fields;

fn error_view(d: &Option<crate::ErrorDetails>) -> Json {
    d.as_ref().map(CamelView::camel_view).unwrap_or(Json::Null)
}

impl CamelView for crate::ErrorDetails {
    fn camel_view(&self) -> Json {
        fields!(self; code, message, details => |d: &Vec<crate::ErrorDetails>| {
            if d.is_empty() { Json::Null } else { Json::Array(d.iter().map(CamelView::camel_view).collect()) }
        }, target)
    }
}

impl CamelView for crate::Session {
    fn camel_view(&self) -> Json {
        fields!(self; id, status, size, lease_minutes, elapsed_minutes, hostname, handshake_port,
            arr_inspector_port, teraflops, created_on, error => error_view)
    }
}

impl CamelView for crate::Conversion {
    fn camel_view(&self) -> Json {
        fields!(self; id, status, settings, output_asset_uri, error => error_view, created_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_belongs_to_an_object_with_one_constructor() {
        for o in OBJECTS {
            let ctors: Vec<_> = OPERATIONS
                .iter()
                .filter(|op| op.of.is_empty() && op.name == o.name)
                .collect();
            assert_eq!(ctors.len(), 1, "{}", o.name);
        }
        for op in OPERATIONS {
            let owner = if op.of.is_empty() { op.name } else { op.of };
            assert!(OBJECTS.iter().any(|o| o.name == owner), "{}", op.name);
            let same = OPERATIONS
                .iter()
                .filter(|x| x.of == op.of && x.name == op.name)
                .count();
            assert_eq!(same, 1, "{} of {}", op.name, op.of);
        }
    }

    #[test]
    fn upload_concurrency_is_checked_by_one_rule() {
        assert_eq!(check_upload_concurrency("concurrency", 4).unwrap(), 4);
        for bad in [0, 65, -1] {
            let e = check_upload_concurrency("concurrency", bad).unwrap_err();
            assert_eq!(e.field(), Some("concurrency"));
            assert!(e.message().contains("from 1 to 64"), "{}", e.message());
        }
    }

    #[test]
    fn every_kind_has_one_entry_with_its_code() {
        assert_eq!(ERRORS.len(), ErrorKind::ALL.len());
        for (e, k) in ERRORS.iter().zip(ErrorKind::ALL) {
            assert_eq!(e.kind, *k);
            assert_eq!(e.code, k.code());
        }
        let mut codes: Vec<_> = ERRORS.iter().map(|e| e.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ERRORS.len());
    }

    #[test]
    fn the_table_states_the_statuses_the_core_maps() {
        for e in ERRORS {
            if let Some(status) = e.status {
                assert_eq!(ErrorKind::from_status(status), e.kind, "{}", e.code);
            }
        }
    }

    #[test]
    fn the_json_is_the_table() {
        let v: Json = serde_json::from_str(json()).unwrap();
        assert_eq!(v["errors"].as_array().unwrap().len(), ErrorKind::ALL.len());
        assert_eq!(v["errors"][10]["classes"]["node"], "AbortError");
        let wait = v["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "wait_for_session")
            .unwrap();
        assert_eq!(wait["params"][1]["default"]["ms"], 5000);
        assert_eq!(wait["params"][4]["names"]["node"], "signal");
        assert!(wait["params"][0].get("default").is_none());
        assert_eq!(v["defaults"][1]["value"], 30);
    }

    #[test]
    fn the_enums_are_the_wire_types_and_their_terminal_values() {
        for v in crate::SessionStatus::KNOWN {
            let terminal = ENUMS[1].terminal.contains(v);
            assert_eq!(
                crate::SessionStatus::parse(v).is_terminal(),
                terminal,
                "{v}"
            );
        }
        for v in crate::ConversionStatus::KNOWN {
            let terminal = ENUMS[2].terminal.contains(v);
            assert_eq!(
                crate::ConversionStatus::parse(v).is_terminal(),
                terminal,
                "{v}"
            );
        }
        let v: Json = serde_json::from_str(json()).unwrap();
        assert_eq!(v["enums"][2]["values"][0], "NotStarted");
        assert_eq!(constant_case("NotStarted"), "NOT_STARTED");
        assert_eq!(constant_case("Ready"), "READY");
    }

    #[test]
    fn names_follow_the_case_rule() {
        assert_eq!(camel_case("lease_minutes"), "leaseMinutes");
        assert_eq!(camel_case("arr_inspector_port"), "arrInspectorPort");
        assert_eq!(camel_case("id"), "id");
    }

    #[test]
    fn leases_are_checked_by_one_rule() {
        assert_eq!(check_lease_minutes("lease_minutes", 30).unwrap(), 30);
        let e = check_lease_minutes("lease_minutes", 1441).unwrap_err();
        assert_eq!(e.field(), Some("lease_minutes"));
        assert!(e.message().contains("from 0 to 1440"), "{}", e.message());
        assert!(check_lease_minutes("lease_minutes", -1).is_err());
    }
}
