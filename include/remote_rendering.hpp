// remote_rendering.hpp: a header-only C++17 wrapper over remote_rendering.h.
//
// RAII handles, exceptions carrying the error data (one class per status, all deriving from
// remote_rendering::Error), std::string / std::optional / std::chrono at the surface. The same
// vocabulary as the C API and every other language: start_session, get_session,
// update_session, stop_session, list_sessions, start_conversion, get_conversion,
// list_conversions, wait_for_session, wait_for_conversion, wait_for_sessions, keep_alive,
// open_session, and an _async form of each operation returning an Operation<T> to poll from a
// frame loop.
//
// Threads: a Client may be shared by any number of threads (its methods are const). Every
// other object is safe to use from one thread at a time; Operation, LeaseKeeper,
// ManagedSession and Emulator may be used from several. Objects made from a Client keep what
// they need of it alive, so they may outlive the Client object.
//
// The first Client or Emulator made checks that the library has the version this header was
// written for (RR_VERSION_MAJOR.RR_VERSION_MINOR), and throws VersionMismatch if not.

#ifndef REMOTE_RENDERING_HPP
#define REMOTE_RENDERING_HPP

#include "remote_rendering.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace remote_rendering {

using std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// Values

/// The status of a call (the C API's rr_status).
enum class Status : std::uint32_t {
    Ok = RR_STATUS_OK,
    InvalidInput = RR_STATUS_INVALID_INPUT,
    Unauthorized = RR_STATUS_UNAUTHORIZED,
    Forbidden = RR_STATUS_FORBIDDEN,
    NotFound = RR_STATUS_NOT_FOUND,
    Conflict = RR_STATUS_CONFLICT,
    Unprocessable = RR_STATUS_UNPROCESSABLE,
    Throttled = RR_STATUS_THROTTLED,
    ServiceError = RR_STATUS_SERVICE_ERROR,
    TransportError = RR_STATUS_TRANSPORT_ERROR,
    Timeout = RR_STATUS_TIMEOUT,
    Cancelled = RR_STATUS_CANCELLED,
    SessionFailed = RR_STATUS_SESSION_FAILED,
    ConversionFailed = RR_STATUS_CONVERSION_FAILED,
    ProtocolError = RR_STATUS_PROTOCOL_ERROR,
    Pending = RR_STATUS_PENDING,
    OtherError = RR_STATUS_OTHER_ERROR,
    NullArgument = RR_STATUS_NULL_ARGUMENT,
    InvalidUtf8 = RR_STATUS_INVALID_UTF8,
    Panic = RR_STATUS_PANIC,
};

/// The stable code string of a status ("NOT_FOUND", ...).
inline std::string status_code(Status s) {
    return rr_status_code(static_cast<std::uint32_t>(s));
}

enum class SessionStatus : std::uint32_t {
    Unknown = RR_SESSION_STATUS_UNKNOWN,
    Starting = RR_SESSION_STATUS_STARTING,
    Ready = RR_SESSION_STATUS_READY,
    Stopped = RR_SESSION_STATUS_STOPPED,
    Expired = RR_SESSION_STATUS_EXPIRED,
    Error = RR_SESSION_STATUS_ERROR,
};

enum class ConversionStatus : std::uint32_t {
    Unknown = RR_CONVERSION_STATUS_UNKNOWN,
    NotStarted = RR_CONVERSION_STATUS_NOT_STARTED,
    Running = RR_CONVERSION_STATUS_RUNNING,
    Succeeded = RR_CONVERSION_STATUS_SUCCEEDED,
    Failed = RR_CONVERSION_STATUS_FAILED,
    Cancelled = RR_CONVERSION_STATUS_CANCELLED,
};

/// An error as the service reports it (of a failed session or conversion, or an answer).
struct ErrorDetails {
    std::string code;
    std::string message;
    std::vector<ErrorDetails> details;  ///< the errors this one is made of (often none)
    std::optional<std::string> target;  ///< the part of the request at fault, if the service said
};

/// A rendering session as the service last described it.
struct Session {
    std::string id;
    SessionStatus status = SessionStatus::Unknown;
    std::string status_text;  ///< as the service wrote it (also for Unknown)
    std::string size;         ///< "Standard", "Premium", ...
    std::optional<std::string> hostname;  ///< once Ready
    std::optional<std::uint16_t> handshake_port;
    std::optional<std::uint16_t> arr_inspector_port;
    std::optional<std::int64_t> lease_minutes;    ///< the service's maxLeaseTimeMinutes
    std::optional<std::int64_t> elapsed_minutes;  ///< whole minutes spent Ready
    std::optional<double> teraflops;
    std::optional<std::string> created_on;  ///< RFC 3339, as the service wrote it
    std::optional<ErrorDetails> error;      ///< why a session is in Error

    /// Stopped, Expired and Error never change again.
    bool is_terminal() const {
        return status == SessionStatus::Stopped || status == SessionStatus::Expired ||
               status == SessionStatus::Error;
    }
};

/// Where a conversion reads its input. The SAS is sent, never read back (a conversion's
/// settings never have it).
struct ConversionInputSettings {
    std::string storage_container_uri;  ///< https://{account}.blob.core.windows.net/{container}
    std::string relative_input_asset_path;  ///< e.g. "box.fbx"
    std::optional<std::string> blob_prefix;
    std::optional<std::string> storage_container_read_list_sas;
};

/// Where a conversion writes its output. The SAS is sent, never read back.
struct ConversionOutputSettings {
    std::string storage_container_uri;
    std::optional<std::string> blob_prefix;
    std::optional<std::string> output_asset_filename;  ///< must end in .arrAsset
    std::optional<std::string> storage_container_write_sas;
};

/// Where a conversion reads its input and writes its output (nested as in every language).
struct ConversionSettings {
    ConversionInputSettings input_location;
    ConversionOutputSettings output_location;
};

/// An asset conversion as the service last described it.
struct Conversion {
    std::string id;
    ConversionStatus status = ConversionStatus::Unknown;
    std::string status_text;
    std::string created_on;
    std::optional<std::string> output_asset_uri;  ///< once Succeeded
    std::optional<ErrorDetails> error;
    ConversionSettings settings;

    bool is_terminal() const {
        return status == ConversionStatus::Succeeded || status == ConversionStatus::Failed ||
               status == ConversionStatus::Cancelled;
    }
};

/// Where an upload stands: after a file started, after each of its parts, and when it is done.
struct UploadProgress {
    std::string blob;  ///< the blob being written (the prefix included)
    std::uint64_t file_bytes_done = 0;
    std::uint64_t file_bytes_total = 0;
    std::uint64_t bytes_done = 0;   ///< of every file
    std::uint64_t bytes_total = 0;  ///< of every file
    bool file_done = false;         ///< the last event of this file (it is uploaded)
};

/// What an upload did: the blobs written whole, those not written (failed, or not started when
/// it stopped), and the bytes of the uploaded ones.
struct UploadReport {
    std::vector<std::string> uploaded;
    std::vector<std::string> not_uploaded;
    std::uint64_t bytes = 0;
};

/// What the preflight of a conversion checked.
struct Preflight {
    std::string input_blob;  ///< the prefix included
    std::uint64_t input_bytes = 0;
    std::vector<std::string> referenced;  ///< the blobs a glTF input references, each found
};

// ---------------------------------------------------------------------------------------------
// Errors

/// The library is not the version this header was written for.
class VersionMismatch : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace detail {
ErrorDetails to_error_details(const rr_error_details* d);
Session to_session(const rr_session* s);
Conversion to_conversion(const rr_conversion* c);
UploadReport to_upload_report(const rr_upload_report* r);
}  // namespace detail

/// Every failure of this library: what() is the message; the rest is the error's data.
class Error : public std::runtime_error {
  public:
    /// Copies everything out of `e` (which stays owned by the caller). A NULL `e` makes an
    /// error of `status` alone.
    Error(Status status, const rr_error* e)
        : std::runtime_error(e ? rr_error_message(e) : status_code(status)),
          data_(std::make_shared<Data>()) {
        Data& d = *data_;
        d.status = status;
        d.code = e ? rr_error_code(e) : status_code(status);
        if (!e) return;
        if (std::uint16_t h = rr_error_http_status(e)) d.http_status = h;
        if (const char* cv = rr_error_ms_cv(e)) d.ms_cv = cv;
        std::int64_t ra = rr_error_retry_after_ms(e);
        if (ra >= 0) d.retry_after = milliseconds(ra);
        if (const char* f = rr_error_field(e)) d.field = f;
        d.retriable = rr_error_is_retriable(e);
        if (const rr_error_details* sd = rr_error_service_error(e)) d.service_error = detail::to_error_details(sd);
        if (const rr_session* s = rr_error_session(e)) d.session = detail::to_session(s);
        if (const rr_conversion* c = rr_error_conversion(e)) d.conversion = detail::to_conversion(c);
        if (const rr_upload_report* r = rr_error_upload_report(e)) d.upload_report = detail::to_upload_report(r);
        if (const char* r = rr_error_conversion_report(e)) d.conversion_report = r;
    }

    Status status() const noexcept { return data_->status; }
    /// The stable code string: "NOT_FOUND", "THROTTLED", "NULL_ARGUMENT", ...
    const std::string& code() const noexcept { return data_->code; }
    /// The HTTP status of the service's answer, if there was one.
    std::optional<std::uint16_t> http_status() const { return data_->http_status; }
    /// The service's MS-CV correlation vector (quote it to support).
    const std::optional<std::string>& ms_cv() const noexcept { return data_->ms_cv; }
    /// How long the service asked to wait (Retry-After).
    std::optional<milliseconds> retry_after() const { return data_->retry_after; }
    /// The argument or setting at fault, for input refused before sending.
    const std::optional<std::string>& field() const noexcept { return data_->field; }
    /// Whether the same call may succeed later (throttling, 5xx, broken connections).
    bool retriable() const noexcept { return data_->retriable; }
    /// The service's own error: code, message, target and nested details.
    const std::optional<ErrorDetails>& service_error() const noexcept { return data_->service_error; }
    /// The session as last seen (a failed session, a session wait that timed out).
    const std::optional<Session>& session() const noexcept { return data_->session; }
    /// The conversion as last seen.
    const std::optional<Conversion>& conversion() const noexcept { return data_->conversion; }
    /// For a failed upload (whatever the class): what was and was not uploaded.
    const std::optional<UploadReport>& upload_report() const noexcept { return data_->upload_report; }
    /// For a conversion that failed in wait_for_conversion_with_report: its result file and log.
    const std::optional<std::string>& conversion_report() const noexcept { return data_->conversion_report; }

  private:
    struct Data {
        Status status = Status::OtherError;
        std::string code;
        std::optional<std::uint16_t> http_status;
        std::optional<std::string> ms_cv;
        std::optional<milliseconds> retry_after;
        std::optional<std::string> field;
        bool retriable = false;
        std::optional<ErrorDetails> service_error;
        std::optional<Session> session;
        std::optional<Conversion> conversion;
        std::optional<UploadReport> upload_report;
        std::optional<std::string> conversion_report;
    };
    std::shared_ptr<Data> data_;
};

/// RR_STATUS_INVALID_INPUT: a value refused before sending (field() names it), or a 400.
class InvalidInputError : public Error { public: using Error::Error; };
/// RR_STATUS_UNAUTHORIZED: the credential or token was refused.
class AuthenticationError : public Error { public: using Error::Error; };
/// RR_STATUS_FORBIDDEN.
class ForbiddenError : public Error { public: using Error::Error; };
/// RR_STATUS_NOT_FOUND.
class NotFoundError : public Error { public: using Error::Error; };
/// RR_STATUS_CONFLICT: the id exists with other settings.
class ConflictError : public Error { public: using Error::Error; };
/// RR_STATUS_UNPROCESSABLE: e.g. a lease that does not grow.
class UnprocessableError : public Error { public: using Error::Error; };
/// RR_STATUS_THROTTLED, after the retries.
class ThrottledError : public Error { public: using Error::Error; };
/// RR_STATUS_SERVICE_ERROR: 5xx, after the retries.
class ServiceError : public Error { public: using Error::Error; };
/// RR_STATUS_TRANSPORT_ERROR: no connection, reset, TLS, after the retries.
class TransportError : public Error { public: using Error::Error; };
/// RR_STATUS_TIMEOUT: a wait's deadline or a call's timeout passed.
class WaitTimeoutError : public Error { public: using Error::Error; };
/// The earlier name of WaitTimeoutError (the same class).
using TimeoutError = WaitTimeoutError;
/// RR_STATUS_CANCELLED.
class CancelledError : public Error { public: using Error::Error; };
/// RR_STATUS_SESSION_FAILED: session() is the session in Error, Expired or Stopped.
class SessionFailedError : public Error { public: using Error::Error; };
/// RR_STATUS_CONVERSION_FAILED: conversion() is the conversion that Failed or was Cancelled.
class ConversionFailedError : public Error { public: using Error::Error; };
/// RR_STATUS_PROTOCOL_ERROR: an answer this client cannot read.
class ProtocolError : public Error { public: using Error::Error; };
/// RR_STATUS_NULL_ARGUMENT (the wrapper never passes NULL; seen only through the C API).
class NullArgumentError : public Error { public: using Error::Error; };
/// RR_STATUS_INVALID_UTF8: a std::string that is not UTF-8 (field() names the argument).
class InvalidUtf8Error : public Error { public: using Error::Error; };
/// RR_STATUS_PANIC (code INTERNAL_ERROR in every language): a bug in the library, e.g. a panic
/// caught at the boundary; the process lives on.
class InternalError : public Error { public: using Error::Error; };
/// The earlier name of InternalError (the same class).
using PanicError = InternalError;

namespace detail {

/// Throws the exception of `status`, freeing `e`.
[[noreturn]] inline void throw_error(rr_status status, rr_error* e) {
    std::unique_ptr<rr_error, void (*)(rr_error*)> owned(e, rr_error_free);
    const Status s = static_cast<Status>(status);
    switch (s) {
        case Status::InvalidInput: throw InvalidInputError(s, e);
        case Status::Unauthorized: throw AuthenticationError(s, e);
        case Status::Forbidden: throw ForbiddenError(s, e);
        case Status::NotFound: throw NotFoundError(s, e);
        case Status::Conflict: throw ConflictError(s, e);
        case Status::Unprocessable: throw UnprocessableError(s, e);
        case Status::Throttled: throw ThrottledError(s, e);
        case Status::ServiceError: throw ServiceError(s, e);
        case Status::TransportError: throw TransportError(s, e);
        case Status::Timeout: throw WaitTimeoutError(s, e);
        case Status::Cancelled: throw CancelledError(s, e);
        case Status::SessionFailed: throw SessionFailedError(s, e);
        case Status::ConversionFailed: throw ConversionFailedError(s, e);
        case Status::ProtocolError: throw ProtocolError(s, e);
        case Status::NullArgument: throw NullArgumentError(s, e);
        case Status::InvalidUtf8: throw InvalidUtf8Error(s, e);
        case Status::Panic: throw InternalError(s, e);
        default: throw Error(s, e);
    }
}

/// Calls `f(&err)` and throws on failure.
template <class F>
void call(F&& f) {
    rr_error* e = nullptr;
    rr_status st = f(&e);
    if (st != RR_STATUS_OK) throw_error(st, e);
}

/// The value of a C getter `f(handle, &out, &err)`.
template <class H, class V>
V get(rr_status (*f)(const H*, V*, rr_error**), const H* h) {
    V v{};
    call([&](rr_error** e) { return f(h, &v, e); });
    return v;
}

inline std::string str(const char* s) { return s ? std::string(s) : std::string(); }

inline std::optional<std::string> opt_str(const char* s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

/// A duration as the C API's milliseconds (0 or less: 0, the default).
inline std::uint64_t ms(milliseconds d) {
    return d.count() <= 0 ? 0u : static_cast<std::uint64_t>(d.count());
}

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

inline ErrorDetails to_error_details(const rr_error_details* d) {
    ErrorDetails out;
    out.code = str(get(rr_error_details_get_code, d));
    out.message = str(get(rr_error_details_get_message, d));
    out.target = opt_str(get(rr_error_details_get_target, d));
    const std::size_t n = get(rr_error_details_get_details_count, d);
    for (std::size_t i = 0; i < n; ++i) {
        const rr_error_details* inner = nullptr;
        call([&](rr_error** e) { return rr_error_details_get_detail(d, i, &inner, e); });
        out.details.push_back(to_error_details(inner));
    }
    return out;
}

inline Session to_session(const rr_session* s) {
    Session out;
    out.id = str(get(rr_session_get_id, s));
    out.status = static_cast<SessionStatus>(get(rr_session_get_status, s));
    out.status_text = str(get(rr_session_get_status_text, s));
    out.size = str(get(rr_session_get_size, s));
    out.hostname = opt_str(get(rr_session_get_hostname, s));
    std::int32_t port = get(rr_session_get_handshake_port, s);
    if (port >= 0) out.handshake_port = static_cast<std::uint16_t>(port);
    port = get(rr_session_get_arr_inspector_port, s);
    if (port >= 0) out.arr_inspector_port = static_cast<std::uint16_t>(port);
    std::int64_t minutes = get(rr_session_get_lease_minutes, s);
    if (minutes >= 0) out.lease_minutes = minutes;
    minutes = get(rr_session_get_elapsed_minutes, s);
    if (minutes >= 0) out.elapsed_minutes = minutes;
    double tf = get(rr_session_get_teraflops, s);
    if (tf >= 0) out.teraflops = tf;
    out.created_on = opt_str(get(rr_session_get_created_on, s));
    if (const rr_error_details* d = get(rr_session_get_error, s)) out.error = to_error_details(d);
    return out;
}

inline ConversionSettings to_settings(const rr_conversion_settings* s) {
    ConversionSettings out;
    const rr_conversion_input_settings* in = get(rr_conversion_settings_get_input_location, s);
    out.input_location.storage_container_uri = str(get(rr_conversion_input_settings_get_storage_container_uri, in));
    out.input_location.relative_input_asset_path =
        str(get(rr_conversion_input_settings_get_relative_input_asset_path, in));
    out.input_location.blob_prefix = opt_str(get(rr_conversion_input_settings_get_blob_prefix, in));
    const rr_conversion_output_settings* o = get(rr_conversion_settings_get_output_location, s);
    out.output_location.storage_container_uri = str(get(rr_conversion_output_settings_get_storage_container_uri, o));
    out.output_location.blob_prefix = opt_str(get(rr_conversion_output_settings_get_blob_prefix, o));
    out.output_location.output_asset_filename =
        opt_str(get(rr_conversion_output_settings_get_output_asset_filename, o));
    return out;
}

inline Conversion to_conversion(const rr_conversion* c) {
    Conversion out;
    out.id = str(get(rr_conversion_get_id, c));
    out.status = static_cast<ConversionStatus>(get(rr_conversion_get_status, c));
    out.status_text = str(get(rr_conversion_get_status_text, c));
    out.created_on = str(get(rr_conversion_get_created_on, c));
    out.output_asset_uri = opt_str(get(rr_conversion_get_output_asset_uri, c));
    if (const rr_error_details* d = get(rr_conversion_get_error, c)) out.error = to_error_details(d);
    out.settings = to_settings(get(rr_conversion_get_settings, c));
    return out;
}

/// Takes an owned session out of the C API.
inline Session take(rr_session* s) {
    Owned<rr_session, rr_session_free> owned(s);
    return to_session(s);
}

inline Conversion take(rr_conversion* c) {
    Owned<rr_conversion, rr_conversion_free> owned(c);
    return to_conversion(c);
}

/// The strings of a C list (borrowed or owned by the caller).
inline std::vector<std::string> to_strings(const rr_string_list* l) {
    std::vector<std::string> out;
    if (!l) return out;
    const std::size_t n = get(rr_string_list_get_count, l);
    for (std::size_t i = 0; i < n; ++i) {
        const char* s = nullptr;
        call([&](rr_error** e) { return rr_string_list_get(l, i, &s, e); });
        out.push_back(str(s));
    }
    return out;
}

inline UploadReport to_upload_report(const rr_upload_report* r) {
    UploadReport out;
    out.uploaded = to_strings(get(rr_upload_report_get_uploaded, r));
    out.not_uploaded = to_strings(get(rr_upload_report_get_not_uploaded, r));
    out.bytes = get(rr_upload_report_get_bytes, r);
    return out;
}

/// Takes an owned string (a SAS, a URL, a report) out of the C API.
inline std::string take_string(char* s) {
    std::string out = str(s);
    rr_string_free(s);
    return out;
}

using SettingsHandle = Owned<rr_conversion_settings, rr_conversion_settings_free>;

/// Sets an optional string of a C settings handle when it has a value.
template <class H>
void set_opt(H* h, rr_status (*f)(H*, const char*, rr_error**), const std::optional<std::string>& v) {
    if (v) call([&](rr_error** e) { return f(h, v->c_str(), e); });
}

inline SettingsHandle make_settings(const ConversionSettings& s) {
    const ConversionInputSettings& i = s.input_location;
    rr_conversion_input_settings* in_raw = nullptr;
    call([&](rr_error** e) {
        return rr_conversion_input_settings_new(i.storage_container_uri.c_str(), i.relative_input_asset_path.c_str(),
                                                &in_raw, e);
    });
    Owned<rr_conversion_input_settings, rr_conversion_input_settings_free> in(in_raw);
    set_opt(in.get(), rr_conversion_input_settings_set_blob_prefix, i.blob_prefix);
    set_opt(in.get(), rr_conversion_input_settings_set_storage_container_read_list_sas,
            i.storage_container_read_list_sas);
    const ConversionOutputSettings& o = s.output_location;
    rr_conversion_output_settings* out_raw = nullptr;
    call([&](rr_error** e) { return rr_conversion_output_settings_new(o.storage_container_uri.c_str(), &out_raw, e); });
    Owned<rr_conversion_output_settings, rr_conversion_output_settings_free> out(out_raw);
    set_opt(out.get(), rr_conversion_output_settings_set_blob_prefix, o.blob_prefix);
    set_opt(out.get(), rr_conversion_output_settings_set_output_asset_filename, o.output_asset_filename);
    set_opt(out.get(), rr_conversion_output_settings_set_storage_container_write_sas, o.storage_container_write_sas);
    rr_conversion_settings* raw = nullptr;
    call([&](rr_error** e) { return rr_conversion_settings_new(in.get(), out.get(), &raw, e); });
    return SettingsHandle(raw);
}

/// Checks once that the library is the version of this header.
inline void check_version() {
    static const bool checked = [] {
        const std::string v = str(rr_version());
        unsigned major = 0, minor = 0;
        char dot = 0;
        std::istringstream in(v);
        in >> major >> dot >> minor;
        if (!in || dot != '.' || major != RR_VERSION_MAJOR || minor != RR_VERSION_MINOR) {
            throw VersionMismatch("remote_rendering: the library is version " + v +
                                  " but remote_rendering.hpp was written for " RR_VERSION_STRING
                                  "; use the header of the library you link");
        }
        return true;
    }();
    (void)checked;
}

}  // namespace detail

/// The version of the linked library ("0.1.0").
inline std::string library_version() { return detail::str(rr_version()); }

// ---------------------------------------------------------------------------------------------
// Log stream

/// How much a log record matters (the C API's rr_log_level).
enum class LogLevel : std::uint32_t {
    Error = RR_LOG_LEVEL_ERROR,
    Warn = RR_LOG_LEVEL_WARN,  ///< every retry of a request
    Info = RR_LOG_LEVEL_INFO,
    Debug = RR_LOG_LEVEL_DEBUG,
    Trace = RR_LOG_LEVEL_TRACE,
};

/// One record of the log stream (secrets are never in it).
struct LogRecord {
    LogLevel level = LogLevel::Info;
    std::string target;   ///< e.g. "remote_rendering::retry"
    std::string message;  ///< what happened, with its fields
};

/// Receives the log stream; runs on the thread that made the record (possibly several at
/// once). An exception it throws is dropped.
using Logger = std::function<void(const LogRecord&)>;

namespace detail {

inline void log_to(void* user_data, const rr_log_record* r) {
    try {
        LogRecord record{static_cast<LogLevel>(r->level), str(r->target), str(r->message)};
        (*static_cast<const Logger*>(user_data))(record);
    } catch (...) {
        // An exception must not unwind into the library.
    }
}

}  // namespace detail

/// Sends the records at or above `max_level` to `logger`, replacing the one set before; an
/// empty logger unsets it. When this returns, the logger set before is not running and is never
/// called again (it is destroyed here). Must not be called from inside a logger.
inline void set_logger(Logger logger, LogLevel max_level = LogLevel::Info) {
    static std::mutex m;
    static std::unique_ptr<Logger> current;
    std::lock_guard<std::mutex> lock(m);
    std::unique_ptr<Logger> next = logger ? std::make_unique<Logger>(std::move(logger)) : nullptr;
    detail::call([&](rr_error** e) {
        return rr_set_log_callback(next ? &detail::log_to : nullptr, next.get(),
                                   static_cast<rr_log_level>(max_level), e);
    });
    current = std::move(next);  // the C call waited for the old logger's calls in flight
}

/// A new session id: "session-" and a random UUID.
inline std::string new_session_id() {
    char* raw = nullptr;
    detail::call([&](rr_error** e) { return rr_new_session_id(&raw, e); });
    std::string out(raw);
    rr_string_free(raw);
    return out;
}

/// A new conversion id: "conversion-" and a random UUID.
inline std::string new_conversion_id() {
    char* raw = nullptr;
    detail::call([&](rr_error** e) { return rr_new_conversion_id(&raw, e); });
    std::string out(raw);
    rr_string_free(raw);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Options

/// Cancels waits and operations from any thread. Copies share one token.
class CancelToken {
  public:
    CancelToken() {
        rr_cancel_token* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_cancel_token_new(&raw, e); });
        token_.reset(raw, rr_cancel_token_free);
    }
    void cancel() const {
        detail::call([&](rr_error** e) { return rr_cancel_token_cancel(token_.get(), e); });
    }
    bool cancelled() const { return detail::get(rr_cancel_token_is_cancelled, token_.get()); }
    /// A token cancelled with this one (and alone when cancelled itself).
    CancelToken child() const {
        rr_cancel_token* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_cancel_token_child(token_.get(), &raw, e); });
        return CancelToken(std::shared_ptr<rr_cancel_token>(raw, rr_cancel_token_free));
    }
    const rr_cancel_token* get() const noexcept { return token_.get(); }

  private:
    explicit CancelToken(std::shared_ptr<rr_cancel_token> t) : token_(std::move(t)) {}
    std::shared_ptr<rr_cancel_token> token_;
};

/// How to wait for a session (T = Session) or a conversion (T = Conversion).
template <class T>
struct WaitOptions {
    /// Unset: the client's poll interval (default 5 s).
    std::optional<milliseconds> poll_interval;
    /// The deadline; zero: 30 minutes for sessions, 24 hours for conversions.
    milliseconds timeout{0};
    std::optional<CancelToken> cancel;
    /// Called after every poll: on the waiting thread for a blocking wait, on a runtime thread
    /// for an _async one. An exception it throws ends the wait and is rethrown by it.
    std::function<void(const T&)> on_progress;
};

/// What one hour of a session costs, per size, in your currency (no rate is assumed).
struct CostRates {
    std::optional<double> standard_per_hour;
    std::optional<double> premium_per_hour;
};

/// How a lease keeper renews (the defaults of every language).
struct LeaseOptions {
    std::uint32_t step_minutes = RR_DEFAULT_LEASE_STEP_MINUTES;
    std::uint32_t margin_minutes = RR_DEFAULT_LEASE_MARGIN_MINUTES;
    std::uint32_t max_total_minutes = RR_DEFAULT_LEASE_MAX_TOTAL_MINUTES;
    milliseconds check_interval{RR_DEFAULT_LEASE_CHECK_INTERVAL_MS};
    bool stop_on_drop = true;
    /// The most the session may cost (at cost_rates): never extended past it, stopped when the
    /// next step would pass it. Unset: no budget.
    std::optional<double> budget;
    /// Needed with a budget.
    std::optional<CostRates> cost_rates;
};

/// What open_session starts.
struct SessionOptions {
    std::optional<std::string> session_id;  ///< unset: a new id
    std::string size = "Standard";
    std::uint32_t lease_minutes = RR_DEFAULT_LEASE_MINUTES;
    std::optional<LeaseOptions> keep_alive = LeaseOptions{};  ///< unset: the lease runs out
    WaitOptions<Session> wait;
};

/// How requests are retried (the defaults of every language).
struct RetryPolicy {
    std::uint32_t max_attempts = RR_DEFAULT_RETRY_MAX_ATTEMPTS;
    milliseconds initial_backoff{RR_DEFAULT_RETRY_INITIAL_BACKOFF_MS};
    milliseconds max_backoff{RR_DEFAULT_RETRY_MAX_BACKOFF_MS};
    milliseconds max_elapsed{RR_DEFAULT_RETRY_MAX_ELAPSED_MS};
};

/// Settings of a Client; unset ones keep the defaults. Give an endpoint or a region, the
/// account id, the account domain (or the STS endpoint), and one credential.
struct ClientOptions {
    /// Start from ARR_ACCOUNT_ID, ARR_ACCOUNT_KEY, ARR_ACCOUNT_DOMAIN, ARR_STS_ENDPOINT and
    /// ARR_ENDPOINT or ARR_REGION; the fields below then override them.
    bool from_env = false;
    std::optional<std::string> endpoint;
    std::optional<std::string> region;
    std::optional<std::string> account_id;
    std::optional<std::string> account_domain;
    std::optional<std::string> sts_endpoint;
    std::optional<std::string> account_key;
    std::optional<std::string> access_token;
    /// Gives a Microsoft Entra token when the client needs one (on a runtime thread); an
    /// exception it throws fails the call that needed the token with AuthenticationError.
    std::function<std::string()> entra_token_provider;
    std::optional<milliseconds> poll_interval;
    std::optional<milliseconds> request_timeout;
    std::optional<RetryPolicy> retry;
    /// Requests on the wire at once, 1 to 4096; more wait for their turn.
    std::uint32_t max_concurrent_requests = RR_DEFAULT_MAX_CONCURRENT_REQUESTS;
    std::optional<std::string> user_agent_suffix;
    std::vector<std::string> root_certificates_pem;
    std::size_t worker_threads = 0;  ///< 0: the default, 2
};

// ---------------------------------------------------------------------------------------------
// Handles

namespace detail {

/// What every handle made from a client keeps alive: the C client and the token provider.
struct ClientCore {
    std::unique_ptr<std::function<std::string()>> provider;
    Owned<rr_client, rr_client_free> client;
};

template <class T>
struct Progress;

template <>
struct Progress<Session> {
    static rr_status set(rr_wait_options* o, void (*f)(void*, const rr_session*), void* ud, rr_error** e) {
        return rr_wait_options_set_session_progress(o, f, ud, e);
    }
    static Session convert(const rr_session* s) { return to_session(s); }
    using CType = rr_session;
};

template <>
struct Progress<Conversion> {
    static rr_status set(rr_wait_options* o, void (*f)(void*, const rr_conversion*), void* ud, rr_error** e) {
        return rr_wait_options_set_conversion_progress(o, f, ud, e);
    }
    static Conversion convert(const rr_conversion* c) { return to_conversion(c); }
    using CType = rr_conversion;
};

/// A wait's C options, and the state its progress trampoline needs (kept at a fixed address
/// for as long as the wait may call it).
template <class T>
struct WaitState {
    std::function<void(const T&)> on_progress;
    std::optional<CancelToken> stop;  ///< cancelled when on_progress throws
    std::exception_ptr thrown;
    Owned<rr_wait_options, rr_wait_options_free> options;

    static void trampoline(void* ud, const typename Progress<T>::CType* value) noexcept {
        auto* self = static_cast<WaitState*>(ud);
        if (self->thrown) return;
        try {
            self->on_progress(Progress<T>::convert(value));
        } catch (...) {
            self->thrown = std::current_exception();
            try {
                self->stop->cancel();
            } catch (...) {
            }
        }
    }

    explicit WaitState(const WaitOptions<T>& w) : on_progress(w.on_progress) {
        rr_wait_options* raw = nullptr;
        call([&](rr_error** e) { return rr_wait_options_new(&raw, e); });
        options.reset(raw);
        if (w.poll_interval)
            call([&](rr_error** e) { return rr_wait_options_set_poll_interval_ms(raw, ms(*w.poll_interval), e); });
        if (on_progress) {
            stop = w.cancel ? w.cancel->child() : CancelToken();
            call([&](rr_error** e) { return Progress<T>::set(raw, &WaitState::trampoline, this, e); });
        } else {
            stop = w.cancel;
        }
        if (stop) call([&](rr_error** e) { return rr_wait_options_set_cancel(raw, stop->get(), e); });
    }

    /// After the wait: an exception of on_progress wins over the wait's own outcome.
    void rethrow() const {
        if (thrown) std::rethrow_exception(thrown);
    }
};

}  // namespace detail

/// The outcome of one session of wait_for_sessions: the Ready session, or its error.
struct WaitResult {
    std::optional<Session> session;
    std::optional<Error> error;
    bool ok() const noexcept { return session.has_value(); }
};

namespace detail {

inline std::vector<WaitResult> take(rr_wait_results* r) {
    Owned<rr_wait_results, rr_wait_results_free> owned(r);
    std::vector<WaitResult> out;
    const std::size_t n = get(rr_wait_results_get_count, r);
    for (std::size_t i = 0; i < n; ++i) {
        const rr_session* s = nullptr;
        const rr_error* e = nullptr;
        call([&](rr_error** err) { return rr_wait_results_get(r, i, &s, &e, err); });
        WaitResult w;
        if (s) w.session = to_session(s);
        if (e) w.error = Error(static_cast<Status>(rr_error_status(e)), e);
        out.push_back(std::move(w));
    }
    return out;
}

}  // namespace detail

/// The sessions in Starting or Ready, read page by page as you iterate (an input range).
template <class T, class L, rr_status (*Next)(L*, std::uint64_t, typename detail::Progress<T>::CType**, rr_error**),
          void (*Free)(L*)>
class List {
  public:
    List(L* list, std::shared_ptr<detail::ClientCore> core) : list_(list), core_(std::move(core)) {}

    /// The next item, or nullopt at the end (reading a page may block up to `timeout`).
    std::optional<T> next(milliseconds timeout = milliseconds(0)) {
        typename detail::Progress<T>::CType* raw = nullptr;
        detail::call([&](rr_error** e) { return Next(list_.get(), detail::ms(timeout), &raw, e); });
        if (!raw) return std::nullopt;
        return detail::take(raw);
    }

    /// Everything left.
    std::vector<T> collect(milliseconds timeout_per_page = milliseconds(0)) {
        std::vector<T> out;
        while (auto item = next(timeout_per_page)) out.push_back(std::move(*item));
        return out;
    }

    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;
        iterator() = default;
        explicit iterator(List* l) : list_(l) { ++*this; }
        reference operator*() const { return *current_; }
        pointer operator->() const { return &*current_; }
        iterator& operator++() {
            current_ = list_->next();
            if (!current_) list_ = nullptr;
            return *this;
        }
        bool operator==(const iterator& o) const { return list_ == o.list_; }
        bool operator!=(const iterator& o) const { return list_ != o.list_; }

      private:
        List* list_ = nullptr;
        std::optional<T> current_;
    };
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }

  private:
    detail::Owned<L, Free> list_;
    std::shared_ptr<detail::ClientCore> core_;
};

using SessionList = List<Session, rr_session_list, rr_session_list_next, rr_session_list_free>;
using ConversionList = List<Conversion, rr_conversion_list, rr_conversion_list_next, rr_conversion_list_free>;

/// Keeps one session's lease renewed in the background; destroying it stops the session
/// (unless closed, detached, or made with stop_on_drop false).
class LeaseKeeper {
  public:
    LeaseKeeper(rr_lease_keeper* k, std::shared_ptr<detail::ClientCore> core)
        : keeper_(k), core_(std::move(core)) {}
    std::string session_id() const { return detail::str(detail::get(rr_lease_keeper_get_session_id, keeper_.get())); }
    std::uint32_t extensions() const { return detail::get(rr_lease_keeper_get_extensions, keeper_.get()); }
    bool is_finished() const { return detail::get(rr_lease_keeper_get_is_finished, keeper_.get()); }
    /// Whether the keeper stopped the session because the next extension would pass the budget.
    bool stopped_by_budget() const { return detail::get(rr_lease_keeper_get_stopped_by_budget, keeper_.get()); }
    /// The session as the keeper last read it.
    std::optional<Session> latest() const {
        rr_session* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_lease_keeper_get_latest(keeper_.get(), &raw, e); });
        if (!raw) return std::nullopt;
        return detail::take(raw);
    }
    /// Ends the renewals and stops the session (if stop_on_drop), waiting for the answer.
    void close(milliseconds timeout = milliseconds(0)) {
        detail::call([&](rr_error** e) { return rr_lease_keeper_close(keeper_.get(), detail::ms(timeout), e); });
    }
    /// Ends the renewals and leaves the session running.
    void detach(milliseconds timeout = milliseconds(0)) {
        detail::call([&](rr_error** e) { return rr_lease_keeper_detach(keeper_.get(), detail::ms(timeout), e); });
    }

  private:
    detail::Owned<rr_lease_keeper, rr_lease_keeper_free> keeper_;
    std::shared_ptr<detail::ClientCore> core_;
};

/// A session that is Ready, kept alive if asked, and stopped when closed or destroyed.
class ManagedSession {
  public:
    ManagedSession(rr_managed_session* m, std::shared_ptr<detail::ClientCore> core)
        : managed_(m), core_(std::move(core)) {
        session_ = detail::to_session(detail::get(rr_managed_session_get_session, managed_.get()));
    }
    /// The session as it was when it became Ready.
    const Session& session() const noexcept { return session_; }
    const std::string& id() const noexcept { return session_.id; }
    std::uint32_t extensions() const { return detail::get(rr_managed_session_get_extensions, managed_.get()); }
    /// Stops the session and waits for the service to acknowledge it.
    void close(milliseconds timeout = milliseconds(0)) {
        detail::call([&](rr_error** e) { return rr_managed_session_close(managed_.get(), detail::ms(timeout), e); });
    }

  private:
    detail::Owned<rr_managed_session, rr_managed_session_free> managed_;
    std::shared_ptr<detail::ClientCore> core_;
    Session session_;
};

namespace detail {

/// How an Operation<T> takes its result.
template <class T>
struct Take;

template <>
struct Take<Session> {
    static Session from(rr_operation* op, const std::shared_ptr<ClientCore>&) {
        rr_session* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_session(op, &raw, e); });
        return take(raw);
    }
};
template <>
struct Take<Conversion> {
    static Conversion from(rr_operation* op, const std::shared_ptr<ClientCore>&) {
        rr_conversion* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_conversion(op, &raw, e); });
        return take(raw);
    }
};
template <>
struct Take<void> {
    static void from(rr_operation* op, const std::shared_ptr<ClientCore>&) {
        call([&](rr_error** e) { return rr_operation_poll(op, e); });
    }
};
template <>
struct Take<std::vector<Session>> {
    static std::vector<Session> from(rr_operation* op, const std::shared_ptr<ClientCore>& core) {
        rr_session_list* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_session_list(op, &raw, e); });
        return SessionList(raw, core).collect();
    }
};
template <>
struct Take<std::vector<Conversion>> {
    static std::vector<Conversion> from(rr_operation* op, const std::shared_ptr<ClientCore>& core) {
        rr_conversion_list* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_conversion_list(op, &raw, e); });
        return ConversionList(raw, core).collect();
    }
};
template <>
struct Take<std::vector<WaitResult>> {
    static std::vector<WaitResult> from(rr_operation* op, const std::shared_ptr<ClientCore>&) {
        rr_wait_results* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_wait_results(op, &raw, e); });
        return take(raw);
    }
};
template <>
struct Take<ManagedSession> {
    static ManagedSession from(rr_operation* op, const std::shared_ptr<ClientCore>& core) {
        rr_managed_session* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_managed_session(op, &raw, e); });
        return ManagedSession(raw, core);
    }
};

/// The progress state of an async wait, kept until the operation is freed (no callback runs
/// after that).
struct AnyWaitState {
    virtual ~AnyWaitState() = default;
    virtual void rethrow() const = 0;
};
template <class T>
struct AsyncWaitState : AnyWaitState {
    explicit AsyncWaitState(const WaitOptions<T>& w) : state(w) {}
    void rethrow() const override { state.rethrow(); }
    WaitState<T> state;
};

}  // namespace detail

/// An operation running on the client's runtime, for a loop that must not block: poll
/// ready() each frame, then get() the result (which throws the operation's error). Destroying
/// it cancels it if it still runs.
template <class T>
class Operation {
  public:
    Operation(rr_operation* op, std::shared_ptr<detail::ClientCore> core,
              std::unique_ptr<detail::AnyWaitState> wait = nullptr)
        : core_(std::move(core)), wait_(std::move(wait)), op_(op) {}

    /// Never blocks: whether the operation ended (successfully or not).
    bool ready() const {
        rr_status st = rr_operation_poll(op_.get(), nullptr);
        return st != RR_STATUS_PENDING;
    }
    /// Blocks until it ends or `timeout` passes (zero: until it ends); whether it ended.
    bool wait_for(milliseconds timeout = milliseconds(0)) const {
        return rr_operation_wait(op_.get(), detail::ms(timeout), nullptr) != RR_STATUS_PENDING;
    }
    /// Asks it to end (it ends soon with CancelledError). Never blocks.
    void cancel() const {
        detail::call([&](rr_error** e) { return rr_operation_cancel(op_.get(), e); });
    }
    /// The session (or conversion) a wait saw last: its progress.
    std::optional<Session> latest_session() const {
        rr_session* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_operation_get_latest_session(op_.get(), &raw, e); });
        if (!raw) return std::nullopt;
        return detail::take(raw);
    }
    std::optional<Conversion> latest_conversion() const {
        rr_conversion* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_operation_get_latest_conversion(op_.get(), &raw, e); });
        if (!raw) return std::nullopt;
        return detail::take(raw);
    }
    /// The result: blocks until the operation ended, then returns its value or throws its
    /// error (an exception of the progress callback first). Once only.
    T get() {
        wait_for();
        if (wait_) wait_->rethrow();
        return detail::Take<T>::from(op_.get(), core_);
    }

  private:
    std::shared_ptr<detail::ClientCore> core_;
    std::unique_ptr<detail::AnyWaitState> wait_;  // outlives op_: freed after it
    detail::Owned<rr_operation, rr_operation_free> op_;
};

// ---------------------------------------------------------------------------------------------
// Blob storage

/// How to upload (the defaults of every language).
struct UploadOptions {
    std::string prefix;  ///< the folder in the container ("" : none)
    std::uint32_t concurrency = RR_DEFAULT_UPLOAD_CONCURRENCY;  ///< files at once, 1 to RR_MAX_UPLOAD_CONCURRENCY
    milliseconds timeout{RR_DEFAULT_UPLOAD_TIMEOUT_MS};         ///< the whole upload's deadline
    /// Called as bytes go out: on the uploading thread for upload(), on a runtime thread for
    /// upload_async(). An exception it throws stops the upload and is rethrown by it.
    std::function<void(const UploadProgress&)> on_progress;
    std::optional<CancelToken> cancel;
};

namespace detail {

/// An upload's progress trampoline and its state (kept at a fixed address while it may run).
struct UploadState : AnyWaitState {
    std::function<void(const UploadProgress&)> on_progress;
    CancelToken stop;  ///< the user's token's child, cancelled when on_progress throws
    std::exception_ptr thrown;

    explicit UploadState(const UploadOptions& o)
        : on_progress(o.on_progress), stop(o.cancel ? o.cancel->child() : CancelToken()) {}

    static void trampoline(void* ud, const rr_upload_progress* p) noexcept {
        auto* self = static_cast<UploadState*>(ud);
        if (self->thrown) return;
        try {
            UploadProgress v;
            v.blob = str(p->blob);
            v.file_bytes_done = p->file_bytes_done;
            v.file_bytes_total = p->file_bytes_total;
            v.bytes_done = p->bytes_done;
            v.bytes_total = p->bytes_total;
            v.file_done = p->file_done;
            self->on_progress(v);
        } catch (...) {
            self->thrown = std::current_exception();
            try {
                self->stop.cancel();
            } catch (...) {
            }
        }
    }
    rr_upload_progress_fn callback() const { return on_progress ? &UploadState::trampoline : nullptr; }
    void rethrow() const override {
        if (thrown) std::rethrow_exception(thrown);
    }
};

template <>
struct Take<UploadReport> {
    static UploadReport from(rr_operation* op, const std::shared_ptr<ClientCore>&) {
        rr_upload_report* raw = nullptr;
        call([&](rr_error** e) { return rr_operation_take_upload_report(op, &raw, e); });
        Owned<rr_upload_report, rr_upload_report_free> owned(raw);
        return to_upload_report(raw);
    }
};

}  // namespace detail

/// A client of one blob container, authorised by a storage account's key or a SAS (never
/// shown). Thread-safe; copies share one handle.
class BlobContainer {
  public:
    /// The container at `container_uri`, authorised by `sas` (with or without its leading ?).
    BlobContainer(const std::string& container_uri, const std::string& sas) {
        detail::check_version();
        rr_blob_container* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_blob_container_new(container_uri.c_str(), sas.c_str(), &raw, e); });
        c_.reset(raw, rr_blob_container_free);
    }

    /// The container's URI (no SAS).
    std::string uri() const { return detail::str(detail::get(rr_blob_container_get_uri, c_.get())); }

    /// Uploads the local file or folder at `path`; throws on any failure, with upload_report().
    UploadReport upload(const std::string& path, const UploadOptions& o = {}) const {
        detail::UploadState state(o);
        rr_upload_report* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_blob_container_upload(c_.get(), path.c_str(), o.prefix.c_str(), o.concurrency,
                                                detail::ms(o.timeout), state.callback(), &state, state.stop.get(),
                                                &raw, &err);
        if (st != RR_STATUS_OK) {
            if (state.thrown) {
                rr_error_free(err);
                state.rethrow();
            }
            detail::throw_error(st, err);
        }
        detail::Owned<rr_upload_report, rr_upload_report_free> owned(raw);
        return detail::to_upload_report(raw);
    }
    /// upload() on the container's runtime: get() gives the report or throws; cancel() stops it.
    Operation<UploadReport> upload_async(const std::string& path, const UploadOptions& o = {}) const {
        auto state = std::make_unique<detail::UploadState>(o);
        rr_operation* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_blob_container_upload_async(c_.get(), path.c_str(), o.prefix.c_str(), o.concurrency,
                                                  detail::ms(o.timeout), state->callback(), state.get(),
                                                  state->stop.get(), &raw, e);
        });
        return Operation<UploadReport>(raw, nullptr, std::move(state));
    }
    /// Checks a conversion's input (this is its input container) before it is started.
    Preflight preflight(const ConversionSettings& settings, milliseconds timeout = milliseconds(0)) const {
        auto s = detail::make_settings(settings);
        rr_preflight* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_blob_container_preflight(c_.get(), s.get(), detail::ms(timeout), &raw, e); });
        detail::Owned<rr_preflight, rr_preflight_free> owned(raw);
        Preflight out;
        out.input_blob = detail::str(detail::get(rr_preflight_get_input_blob, raw));
        out.input_bytes = detail::get(rr_preflight_get_input_bytes, raw);
        out.referenced = detail::to_strings(detail::get(rr_preflight_get_referenced, raw));
        return out;
    }
    /// A conversion's result file and log in this (output) container; none when neither exists.
    std::optional<std::string> read_conversion_report(const Conversion& conversion,
                                                      milliseconds timeout = milliseconds(0)) const {
        auto s = detail::make_settings(conversion.settings);
        char* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_blob_container_read_conversion_report_for_settings(c_.get(), s.get(), detail::ms(timeout), &raw, e);
        });
        if (!raw) return std::nullopt;
        return detail::take_string(raw);
    }
    bool exists(const std::string& blob, milliseconds timeout = milliseconds(0)) const {
        bool out = false;
        detail::call([&](rr_error** e) { return rr_blob_container_exists(c_.get(), blob.c_str(), detail::ms(timeout), &out, e); });
        return out;
    }
    /// The names of the blobs under `prefix` (needs list permission).
    std::vector<std::string> list(const std::string& prefix = "", milliseconds timeout = milliseconds(0)) const {
        rr_string_list* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_blob_container_list(c_.get(), prefix.c_str(), detail::ms(timeout), &raw, e); });
        detail::Owned<rr_string_list, rr_string_list_free> owned(raw);
        return detail::to_strings(raw);
    }
    /// A blob's bytes; none when it does not exist; InvalidInputError (max_bytes) when larger.
    std::optional<std::vector<std::uint8_t>> read(const std::string& blob,
                                                  std::uint64_t max_bytes = RR_DEFAULT_READ_MAX_BYTES,
                                                  milliseconds timeout = milliseconds(0)) const {
        rr_bytes* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_blob_container_read(c_.get(), blob.c_str(), max_bytes, detail::ms(timeout), &raw, e);
        });
        if (!raw) return std::nullopt;
        detail::Owned<rr_bytes, rr_bytes_free> owned(raw);
        const std::uint8_t* data = detail::get(rr_bytes_get_data, raw);
        const std::size_t n = detail::get(rr_bytes_get_size, raw);
        return std::vector<std::uint8_t>(data, data + n);
    }
    const rr_blob_container* handle() const noexcept { return c_.get(); }

  private:
    friend class StorageAccount;
    explicit BlobContainer(rr_blob_container* raw) : c_(raw, rr_blob_container_free) {}
    std::shared_ptr<rr_blob_container> c_;
};

/// A storage account and its key (a secret, never shown): SAS tokens and read URLs (secrets,
/// returned for conversion settings), containers. Thread-safe; copies share one handle.
class StorageAccount {
  public:
    /// `blob_endpoint` none: https://{account_name}.blob.core.windows.net.
    StorageAccount(const std::string& account_name, const std::string& account_key,
                   const std::optional<std::string>& blob_endpoint = std::nullopt) {
        detail::check_version();
        rr_storage_account* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_storage_account_new(account_name.c_str(), account_key.c_str(),
                                          blob_endpoint ? blob_endpoint->c_str() : nullptr, &raw, e);
        });
        a_.reset(raw, rr_storage_account_free);
    }

    std::string name() const { return detail::str(detail::get(rr_storage_account_get_name, a_.get())); }
    std::string blob_endpoint() const { return detail::str(detail::get(rr_storage_account_get_blob_endpoint, a_.get())); }
    /// {blob_endpoint}/{container}: a conversion's storage_container_uri.
    std::string container_uri(const std::string& container) const {
        return owned([&](char** out, rr_error** e) { return rr_storage_account_container_uri(a_.get(), container.c_str(), out, e); });
    }
    /// Creates a private container when it does not exist; true when it was created.
    bool create_container(const std::string& container, milliseconds timeout = milliseconds(0)) const {
        bool out = false;
        detail::call([&](rr_error** e) {
            return rr_storage_account_create_container(a_.get(), container.c_str(), detail::ms(timeout), &out, e);
        });
        return out;
    }
    /// A client of one of this account's containers, authorised by its key.
    BlobContainer container(const std::string& container) const {
        rr_blob_container* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_storage_account_container(a_.get(), container.c_str(), &raw, e); });
        return BlobContainer(raw);
    }
    /// A service SAS (a secret) with the service's permission letters (some of r, c, w, d, l).
    std::string container_sas(const std::string& container, const std::string& permissions,
                              milliseconds expiry = milliseconds(RR_DEFAULT_SAS_EXPIRY_MS)) const {
        return owned([&](char** out, rr_error** e) {
            return rr_storage_account_container_sas(a_.get(), container.c_str(), permissions.c_str(), detail::ms(expiry), out, e);
        });
    }
    /// Read and list: what a conversion needs of its input container.
    std::string input_sas(const std::string& container, milliseconds expiry = milliseconds(RR_DEFAULT_SAS_EXPIRY_MS)) const {
        return owned([&](char** out, rr_error** e) {
            return rr_storage_account_input_sas(a_.get(), container.c_str(), detail::ms(expiry), out, e);
        });
    }
    /// Write and create: what a conversion needs of its output container.
    std::string output_sas(const std::string& container, milliseconds expiry = milliseconds(RR_DEFAULT_SAS_EXPIRY_MS)) const {
        return owned([&](char** out, rr_error** e) {
            return rr_storage_account_output_sas(a_.get(), container.c_str(), detail::ms(expiry), out, e);
        });
    }
    /// A URL (a secret) that reads one blob.
    std::string blob_read_url(const std::string& container, const std::string& blob,
                              milliseconds expiry = milliseconds(RR_DEFAULT_SAS_EXPIRY_MS)) const {
        return owned([&](char** out, rr_error** e) {
            return rr_storage_account_blob_read_url(a_.get(), container.c_str(), blob.c_str(), detail::ms(expiry), out, e);
        });
    }
    /// A read URL (a secret) for a succeeded conversion's output_asset_uri in this account.
    std::string asset_read_url(const std::string& output_asset_uri,
                               milliseconds expiry = milliseconds(RR_DEFAULT_SAS_EXPIRY_MS)) const {
        return owned([&](char** out, rr_error** e) {
            return rr_storage_account_asset_read_url(a_.get(), output_asset_uri.c_str(), detail::ms(expiry), out, e);
        });
    }
    const rr_storage_account* handle() const noexcept { return a_.get(); }

  private:
    template <class F>
    static std::string owned(F&& f) {
        char* raw = nullptr;
        detail::call([&](rr_error** e) { return f(&raw, e); });
        return detail::take_string(raw);
    }
    std::shared_ptr<rr_storage_account> a_;
};

// ---------------------------------------------------------------------------------------------
// Client

/// A client of one account. Thread-safe: share one Client between threads. Copies share one
/// client (one runtime, one connection pool, one token cache).
class Client {
  public:
    explicit Client(const ClientOptions& o) : core_(std::make_shared<detail::ClientCore>()) {
        detail::check_version();
        using detail::call;
        rr_client_options* raw = nullptr;
        call([&](rr_error** e) { return o.from_env ? rr_client_options_from_env(&raw, e) : rr_client_options_new(&raw, e); });
        detail::Owned<rr_client_options, rr_client_options_free> opts(raw);
        auto text = [&](rr_status (*f)(rr_client_options*, const char*, rr_error**), const std::optional<std::string>& v) {
            if (v) call([&](rr_error** e) { return f(raw, v->c_str(), e); });
        };
        text(rr_client_options_set_endpoint, o.endpoint);
        text(rr_client_options_set_region, o.region);
        text(rr_client_options_set_account_id, o.account_id);
        text(rr_client_options_set_account_domain, o.account_domain);
        text(rr_client_options_set_sts_endpoint, o.sts_endpoint);
        text(rr_client_options_set_account_key, o.account_key);
        text(rr_client_options_set_access_token, o.access_token);
        text(rr_client_options_set_user_agent_suffix, o.user_agent_suffix);
        for (const auto& pem : o.root_certificates_pem)
            call([&](rr_error** e) { return rr_client_options_add_root_certificate_pem(raw, pem.c_str(), e); });
        if (o.entra_token_provider) {
            core_->provider = std::make_unique<std::function<std::string()>>(o.entra_token_provider);
            call([&](rr_error** e) {
                return rr_client_options_set_entra_token_provider(raw, &Client::provide_token, core_->provider.get(), e);
            });
        }
        if (o.poll_interval)
            call([&](rr_error** e) { return rr_client_options_set_poll_interval_ms(raw, detail::ms(*o.poll_interval), e); });
        if (o.request_timeout)
            call([&](rr_error** e) { return rr_client_options_set_request_timeout_ms(raw, detail::ms(*o.request_timeout), e); });
        if (o.retry) {
            const RetryPolicy& r = *o.retry;
            call([&](rr_error** e) {
                return rr_client_options_set_retry(raw, r.max_attempts, detail::ms(r.initial_backoff),
                                                   detail::ms(r.max_backoff), detail::ms(r.max_elapsed), e);
            });
        }
        call([&](rr_error** e) {
            return rr_client_options_set_max_concurrent_requests(raw, o.max_concurrent_requests, e);
        });
        call([&](rr_error** e) { return rr_client_options_set_worker_threads(raw, o.worker_threads, e); });
        rr_client* client = nullptr;
        call([&](rr_error** e) { return rr_client_new(raw, &client, e); });
        core_->client.reset(client);
    }

    std::string endpoint() const { return detail::str(detail::get(rr_client_get_endpoint, c())); }
    std::string sts_endpoint() const { return detail::str(detail::get(rr_client_get_sts_endpoint, c())); }
    std::string account_id() const { return detail::str(detail::get(rr_client_get_account_id, c())); }
    milliseconds poll_interval() const {
        return milliseconds(static_cast<milliseconds::rep>(detail::get(rr_client_get_poll_interval_ms, c())));
    }

    // ---- blocking operations (each returns within `timeout`; zero: the operation's limits)

    /// Starts a session (or returns it when it exists with the same settings).
    Session start_session(const std::string& session_id, const std::string& size = "Standard",
                          std::uint32_t lease_minutes = RR_DEFAULT_LEASE_MINUTES,
                          milliseconds timeout = milliseconds(0)) const {
        rr_session* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_client_start_session(c(), session_id.c_str(), size.c_str(), lease_minutes, detail::ms(timeout), &raw, e);
        });
        return detail::take(raw);
    }
    Session get_session(const std::string& session_id, milliseconds timeout = milliseconds(0)) const {
        rr_session* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_get_session(c(), session_id.c_str(), detail::ms(timeout), &raw, e); });
        return detail::take(raw);
    }
    /// Sets the lease (it must grow; the same lease succeeds).
    Session update_session(const std::string& session_id, std::uint32_t lease_minutes,
                           milliseconds timeout = milliseconds(0)) const {
        rr_session* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_client_update_session(c(), session_id.c_str(), lease_minutes, detail::ms(timeout), &raw, e);
        });
        return detail::take(raw);
    }
    /// Stops a session (a session that already ended counts as stopped).
    void stop_session(const std::string& session_id, milliseconds timeout = milliseconds(0)) const {
        detail::call([&](rr_error** e) { return rr_client_stop_session(c(), session_id.c_str(), detail::ms(timeout), e); });
    }
    /// The sessions in Starting or Ready, read as you iterate.
    SessionList list_sessions() const {
        rr_session_list* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_list_sessions(c(), &raw, e); });
        return SessionList(raw, core_);
    }
    Conversion start_conversion(const std::string& conversion_id, const ConversionSettings& settings,
                                milliseconds timeout = milliseconds(0)) const {
        auto s = detail::make_settings(settings);
        rr_conversion* raw = nullptr;
        detail::call([&](rr_error** e) {
            return rr_client_start_conversion(c(), conversion_id.c_str(), s.get(), detail::ms(timeout), &raw, e);
        });
        return detail::take(raw);
    }
    Conversion get_conversion(const std::string& conversion_id, milliseconds timeout = milliseconds(0)) const {
        rr_conversion* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_get_conversion(c(), conversion_id.c_str(), detail::ms(timeout), &raw, e); });
        return detail::take(raw);
    }
    /// Every conversion of the account, read as you iterate.
    ConversionList list_conversions() const {
        rr_conversion_list* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_list_conversions(c(), &raw, e); });
        return ConversionList(raw, core_);
    }
    /// Polls until the session is Ready; SessionFailedError, TimeoutError or CancelledError
    /// (carrying the session as last seen) otherwise.
    Session wait_for_session(const std::string& session_id, const WaitOptions<Session>& w = {}) const {
        detail::WaitState<Session> state(w);
        rr_session* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_client_wait_for_session(c(), session_id.c_str(), state.options.get(), detail::ms(w.timeout), &raw, &err);
        finish(state, st, err);
        return detail::take(raw);
    }
    /// Polls until the conversion Succeeded; ConversionFailedError, TimeoutError or
    /// CancelledError otherwise.
    Conversion wait_for_conversion(const std::string& conversion_id, const WaitOptions<Conversion>& w = {}) const {
        detail::WaitState<Conversion> state(w);
        rr_conversion* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_client_wait_for_conversion(c(), conversion_id.c_str(), state.options.get(), detail::ms(w.timeout), &raw, &err);
        finish(state, st, err);
        return detail::take(raw);
    }
    /// wait_for_conversion, and when the conversion failed, its result file and log read back
    /// from `output` (the output container, with read access) into the error's
    /// conversion_report().
    Conversion wait_for_conversion_with_report(const std::string& conversion_id, const BlobContainer& output,
                                               const WaitOptions<Conversion>& w = {}) const {
        detail::WaitState<Conversion> state(w);
        rr_conversion* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_client_wait_for_conversion_with_report(c(), conversion_id.c_str(), output.handle(),
                                                                 state.options.get(), detail::ms(w.timeout), &raw, &err);
        finish(state, st, err);
        return detail::take(raw);
    }
    /// A conversion id from the hash of the local input at `path` and the settings (nothing is
    /// sent), so that an identical input is not converted twice.
    std::string content_conversion_id(const std::string& path, const ConversionSettings& settings) const {
        auto s = detail::make_settings(settings);
        char* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_content_conversion_id(c(), path.c_str(), s.get(), &raw, e); });
        return detail::take_string(raw);
    }
    /// Waits for many sessions with one list request per interval; one result per id.
    std::vector<WaitResult> wait_for_sessions(const std::vector<std::string>& session_ids,
                                              const WaitOptions<Session>& w = {}) const {
        detail::WaitState<Session> state(w);
        std::vector<const char*> ids;
        for (const auto& id : session_ids) ids.push_back(id.c_str());
        rr_wait_results* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_client_wait_for_sessions(c(), ids.data(), ids.size(), state.options.get(), detail::ms(w.timeout), &raw, &err);
        finish(state, st, err);
        return detail::take(raw);
    }
    /// Keeps a session's lease renewed until the keeper is closed or destroyed.
    LeaseKeeper keep_alive(const std::string& session_id, const LeaseOptions& o = {}) const {
        auto lease = lease_options(o);
        rr_lease_keeper* raw = nullptr;
        detail::call([&](rr_error** e) { return rr_client_keep_alive(c(), session_id.c_str(), lease.get(), &raw, e); });
        return LeaseKeeper(raw, core_);
    }
    /// Starts a session, waits for Ready (at most o.wait.timeout), keeps it alive if asked;
    /// the session is stopped when anything fails on the way, and when the result is closed
    /// or destroyed.
    ManagedSession open_session(const SessionOptions& o = {}) const {
        detail::WaitState<Session> state(o.wait);
        auto opts = session_options(o, state);
        rr_managed_session* raw = nullptr;
        rr_error* err = nullptr;
        rr_status st = rr_client_open_session(c(), opts.get(), detail::ms(o.wait.timeout), &raw, &err);
        finish(state, st, err);
        return ManagedSession(raw, core_);
    }

    // ---- the same without blocking: poll the Operation from your loop

    Operation<Session> start_session_async(const std::string& session_id, const std::string& size = "Standard",
                                           std::uint32_t lease_minutes = RR_DEFAULT_LEASE_MINUTES,
                                           milliseconds timeout = milliseconds(0)) const {
        return start<Session>([&](rr_operation** op, rr_error** e) {
            return rr_client_start_session_async(c(), session_id.c_str(), size.c_str(), lease_minutes, detail::ms(timeout), op, e);
        });
    }
    Operation<Session> get_session_async(const std::string& session_id, milliseconds timeout = milliseconds(0)) const {
        return start<Session>([&](rr_operation** op, rr_error** e) {
            return rr_client_get_session_async(c(), session_id.c_str(), detail::ms(timeout), op, e);
        });
    }
    Operation<Session> update_session_async(const std::string& session_id, std::uint32_t lease_minutes,
                                            milliseconds timeout = milliseconds(0)) const {
        return start<Session>([&](rr_operation** op, rr_error** e) {
            return rr_client_update_session_async(c(), session_id.c_str(), lease_minutes, detail::ms(timeout), op, e);
        });
    }
    Operation<void> stop_session_async(const std::string& session_id, milliseconds timeout = milliseconds(0)) const {
        return start<void>([&](rr_operation** op, rr_error** e) {
            return rr_client_stop_session_async(c(), session_id.c_str(), detail::ms(timeout), op, e);
        });
    }
    Operation<std::vector<Session>> list_sessions_async(milliseconds timeout = milliseconds(0)) const {
        return start<std::vector<Session>>([&](rr_operation** op, rr_error** e) {
            return rr_client_list_sessions_async(c(), detail::ms(timeout), op, e);
        });
    }
    Operation<Conversion> start_conversion_async(const std::string& conversion_id, const ConversionSettings& settings,
                                                 milliseconds timeout = milliseconds(0)) const {
        auto s = detail::make_settings(settings);
        return start<Conversion>([&](rr_operation** op, rr_error** e) {
            return rr_client_start_conversion_async(c(), conversion_id.c_str(), s.get(), detail::ms(timeout), op, e);
        });
    }
    Operation<Conversion> get_conversion_async(const std::string& conversion_id, milliseconds timeout = milliseconds(0)) const {
        return start<Conversion>([&](rr_operation** op, rr_error** e) {
            return rr_client_get_conversion_async(c(), conversion_id.c_str(), detail::ms(timeout), op, e);
        });
    }
    Operation<std::vector<Conversion>> list_conversions_async(milliseconds timeout = milliseconds(0)) const {
        return start<std::vector<Conversion>>([&](rr_operation** op, rr_error** e) {
            return rr_client_list_conversions_async(c(), detail::ms(timeout), op, e);
        });
    }
    /// On_progress, if set, runs on a runtime thread; Operation::latest_session() is the
    /// frame loop's way to show progress.
    Operation<Session> wait_for_session_async(const std::string& session_id, const WaitOptions<Session>& w = {}) const {
        auto state = std::make_unique<detail::AsyncWaitState<Session>>(w);
        auto* opts = state->state.options.get();
        return start<Session>([&](rr_operation** op, rr_error** e) {
            return rr_client_wait_for_session_async(c(), session_id.c_str(), opts, detail::ms(w.timeout), op, e);
        }, std::move(state));
    }
    Operation<Conversion> wait_for_conversion_async(const std::string& conversion_id,
                                                    const WaitOptions<Conversion>& w = {}) const {
        auto state = std::make_unique<detail::AsyncWaitState<Conversion>>(w);
        auto* opts = state->state.options.get();
        return start<Conversion>([&](rr_operation** op, rr_error** e) {
            return rr_client_wait_for_conversion_async(c(), conversion_id.c_str(), opts, detail::ms(w.timeout), op, e);
        }, std::move(state));
    }
    Operation<std::vector<WaitResult>> wait_for_sessions_async(const std::vector<std::string>& session_ids,
                                                               const WaitOptions<Session>& w = {}) const {
        auto state = std::make_unique<detail::AsyncWaitState<Session>>(w);
        auto* opts = state->state.options.get();
        std::vector<const char*> ids;
        for (const auto& id : session_ids) ids.push_back(id.c_str());
        return start<std::vector<WaitResult>>([&](rr_operation** op, rr_error** e) {
            return rr_client_wait_for_sessions_async(c(), ids.data(), ids.size(), opts, detail::ms(w.timeout), op, e);
        }, std::move(state));
    }
    /// Cancelling (or destroying) the operation before it ends stops the session it started.
    Operation<ManagedSession> open_session_async(const SessionOptions& o = {}) const {
        auto state = std::make_unique<detail::AsyncWaitState<Session>>(o.wait);
        auto opts = session_options(o, state->state);
        return start<ManagedSession>([&](rr_operation** op, rr_error** e) {
            return rr_client_open_session_async(c(), opts.get(), detail::ms(o.wait.timeout), op, e);
        }, std::move(state));
    }

    /// The C client, borrowed (for calls this wrapper does not cover).
    const rr_client* handle() const noexcept { return core_->client.get(); }

  private:
    const rr_client* c() const noexcept { return core_->client.get(); }

    static void provide_token(void* ud, rr_token_sink* sink) noexcept {
        auto* f = static_cast<std::function<std::string()>*>(ud);
        try {
            const std::string token = (*f)();
            rr_token_sink_set_token(sink, token.c_str(), nullptr);
        } catch (const std::exception& ex) {
            rr_token_sink_set_error(sink, ex.what(), nullptr);
        } catch (...) {
            rr_token_sink_set_error(sink, "the token provider threw", nullptr);
        }
    }

    template <class T>
    static void finish(const detail::WaitState<T>& state, rr_status st, rr_error* err) {
        if (st == RR_STATUS_OK) return;
        if (state.thrown) {
            rr_error_free(err);
            state.rethrow();
        }
        detail::throw_error(st, err);
    }

    static detail::Owned<rr_lease_options, rr_lease_options_free> lease_options(const LeaseOptions& o) {
        using detail::call;
        rr_lease_options* raw = nullptr;
        call([&](rr_error** e) { return rr_lease_options_new(&raw, e); });
        detail::Owned<rr_lease_options, rr_lease_options_free> h(raw);
        call([&](rr_error** e) { return rr_lease_options_set_step_minutes(raw, o.step_minutes, e); });
        call([&](rr_error** e) { return rr_lease_options_set_margin_minutes(raw, o.margin_minutes, e); });
        call([&](rr_error** e) { return rr_lease_options_set_max_total_minutes(raw, o.max_total_minutes, e); });
        call([&](rr_error** e) { return rr_lease_options_set_check_interval_ms(raw, detail::ms(o.check_interval), e); });
        call([&](rr_error** e) { return rr_lease_options_set_stop_on_drop(raw, o.stop_on_drop, e); });
        if (o.budget) call([&](rr_error** e) { return rr_lease_options_set_budget(raw, *o.budget, e); });
        if (o.cost_rates) {
            const double none = std::numeric_limits<double>::quiet_NaN();
            call([&](rr_error** e) {
                return rr_lease_options_set_cost_rates(raw, o.cost_rates->standard_per_hour.value_or(none),
                                                       o.cost_rates->premium_per_hour.value_or(none), e);
            });
        }
        return h;
    }

    static detail::Owned<rr_session_options, rr_session_options_free> session_options(
        const SessionOptions& o, const detail::WaitState<Session>& wait) {
        using detail::call;
        rr_session_options* raw = nullptr;
        call([&](rr_error** e) { return rr_session_options_new(&raw, e); });
        detail::Owned<rr_session_options, rr_session_options_free> h(raw);
        if (o.session_id)
            call([&](rr_error** e) { return rr_session_options_set_session_id(raw, o.session_id->c_str(), e); });
        call([&](rr_error** e) { return rr_session_options_set_size(raw, o.size.c_str(), e); });
        call([&](rr_error** e) { return rr_session_options_set_lease_minutes(raw, o.lease_minutes, e); });
        if (o.keep_alive) {
            auto lease = lease_options(*o.keep_alive);
            call([&](rr_error** e) { return rr_session_options_set_keep_alive(raw, lease.get(), e); });
        } else {
            call([&](rr_error** e) { return rr_session_options_set_keep_alive(raw, nullptr, e); });
        }
        call([&](rr_error** e) { return rr_session_options_set_wait(raw, wait.options.get(), e); });
        return h;
    }

    template <class T, class F>
    Operation<T> start(F&& f, std::unique_ptr<detail::AnyWaitState> wait = nullptr) const {
        rr_operation* raw = nullptr;
        detail::call([&](rr_error** e) { return f(&raw, e); });
        return Operation<T>(raw, core_, std::move(wait));
    }

    std::shared_ptr<detail::ClientCore> core_;
};

// ---------------------------------------------------------------------------------------------
// Emulator

/// How to start an Emulator; unset fields keep its defaults.
struct EmulatorOptions {
    std::optional<milliseconds> startup_delay;        ///< Starting to Ready (default 5 s)
    std::optional<milliseconds> conversion_duration;  ///< NotStarted to Succeeded (default 10 s)
    std::optional<double> time_scale;                 ///< emulated time runs this much faster
    std::optional<std::size_t> page_size;             ///< items per list page (default 100)
    std::optional<std::string> faults;                ///< a fault plan, e.g. "503=0.1"
    std::uint64_t seed = 0;
    bool tls = false;
    std::optional<std::string> region;
    std::optional<milliseconds> token_lifetime;
    std::vector<std::string> linked_storage;
    std::vector<std::string> entra_tokens;
    bool blob_storage = false;  ///< conversions read and write real blob storage (Azurite)
    /// Keys (secrets) of storage accounts linked to the ARR account, by account name.
    std::vector<std::pair<std::string, std::string>> storage_account_keys;
};

/// The embedded emulator of the service, on 127.0.0.1 and a free port, with the development
/// account: for tests without a network. Stopped when destroyed.
class Emulator {
  public:
    explicit Emulator(const EmulatorOptions& o = {}) {
        detail::check_version();
        using detail::call;
        rr_emulator_options* raw = nullptr;
        call([&](rr_error** e) { return rr_emulator_options_new(&raw, e); });
        detail::Owned<rr_emulator_options, rr_emulator_options_free> opts(raw);
        if (o.startup_delay)
            call([&](rr_error** e) { return rr_emulator_options_set_startup_delay_ms(raw, detail::ms(*o.startup_delay), e); });
        if (o.conversion_duration)
            call([&](rr_error** e) { return rr_emulator_options_set_conversion_duration_ms(raw, detail::ms(*o.conversion_duration), e); });
        if (o.time_scale) call([&](rr_error** e) { return rr_emulator_options_set_time_scale(raw, *o.time_scale, e); });
        if (o.page_size) call([&](rr_error** e) { return rr_emulator_options_set_page_size(raw, *o.page_size, e); });
        if (o.faults) call([&](rr_error** e) { return rr_emulator_options_set_faults(raw, o.faults->c_str(), o.seed, e); });
        call([&](rr_error** e) { return rr_emulator_options_set_tls(raw, o.tls, e); });
        if (o.region) call([&](rr_error** e) { return rr_emulator_options_set_region(raw, o.region->c_str(), e); });
        if (o.token_lifetime)
            call([&](rr_error** e) { return rr_emulator_options_set_token_lifetime_ms(raw, detail::ms(*o.token_lifetime), e); });
        for (const auto& s : o.linked_storage)
            call([&](rr_error** e) { return rr_emulator_options_add_linked_storage(raw, s.c_str(), e); });
        for (const auto& t : o.entra_tokens)
            call([&](rr_error** e) { return rr_emulator_options_add_entra_token(raw, t.c_str(), e); });
        call([&](rr_error** e) { return rr_emulator_options_set_blob_storage(raw, o.blob_storage, e); });
        for (const auto& kv : o.storage_account_keys)
            call([&](rr_error** e) {
                return rr_emulator_options_add_storage_account_key(raw, kv.first.c_str(), kv.second.c_str(), e);
            });
        rr_emulator* emu = nullptr;
        call([&](rr_error** e) { return rr_emulator_start(raw, &emu, e); });
        emu_.reset(emu);
    }

    std::string endpoint() const { return detail::str(detail::get(rr_emulator_get_endpoint, e())); }
    std::string sts_endpoint() const { return detail::str(detail::get(rr_emulator_get_sts_endpoint, e())); }
    std::string account_id() const { return detail::str(detail::get(rr_emulator_get_account_id, e())); }
    std::string account_key() const { return detail::str(detail::get(rr_emulator_get_account_key, e())); }
    std::string account_domain() const { return detail::str(detail::get(rr_emulator_get_account_domain, e())); }
    /// The CA certificate to trust over https.
    std::optional<std::string> ca_cert_path() const { return detail::opt_str(detail::get(rr_emulator_get_ca_cert_path, e())); }

    /// Client options for this emulator (endpoints, account, key, CA); add your own settings.
    ClientOptions client_options() const {
        ClientOptions o;
        o.endpoint = endpoint();
        o.sts_endpoint = sts_endpoint();
        o.account_id = account_id();
        o.account_key = account_key();
        if (auto path = ca_cert_path()) {
            std::ifstream in(*path);
            std::stringstream pem;
            pem << in.rdbuf();
            o.root_certificates_pem.push_back(pem.str());
        }
        return o;
    }
    Client client() const { return Client(client_options()); }

    /// Moves emulated time forward: sessions reach Ready, leases run out, conversions end.
    void advance_clock(milliseconds by) const {
        detail::call([&](rr_error** err) { return rr_emulator_advance_clock_ms(e(), detail::ms(by), err); });
    }
    void set_faults(const std::string& plan, std::uint64_t seed = 0) const {
        detail::call([&](rr_error** err) { return rr_emulator_set_faults(e(), plan.c_str(), seed, err); });
    }
    void clear_faults() const {
        detail::call([&](rr_error** err) { return rr_emulator_clear_faults(e(), err); });
    }
    void fail_session(const std::string& session_id, const std::optional<std::string>& code = std::nullopt,
                      const std::optional<std::string>& message = std::nullopt) const {
        detail::call([&](rr_error** err) {
            return rr_emulator_fail_session(e(), session_id.c_str(), code ? code->c_str() : nullptr,
                                            message ? message->c_str() : nullptr, err);
        });
    }
    void fail_conversion(const std::string& conversion_id, const std::optional<std::string>& code = std::nullopt,
                         const std::optional<std::string>& message = std::nullopt) const {
        detail::call([&](rr_error** err) {
            return rr_emulator_fail_conversion(e(), conversion_id.c_str(), code ? code->c_str() : nullptr,
                                               message ? message->c_str() : nullptr, err);
        });
    }
    void cancel_conversion(const std::string& conversion_id) const {
        detail::call([&](rr_error** err) { return rr_emulator_cancel_conversion(e(), conversion_id.c_str(), err); });
    }
    void revoke_tokens() const {
        detail::call([&](rr_error** err) { return rr_emulator_revoke_tokens(e(), err); });
    }
    /// Requests answered on `route` ("get_session", "sts", ...), or on all routes.
    std::uint64_t requests(const std::optional<std::string>& route = std::nullopt) const {
        std::uint64_t n = 0;
        detail::call([&](rr_error** err) { return rr_emulator_get_requests(e(), route ? route->c_str() : nullptr, &n, err); });
        return n;
    }
    /// Request counters and injected faults, as JSON.
    std::string stats_json() const {
        char* raw = nullptr;
        detail::call([&](rr_error** err) { return rr_emulator_get_stats_json(e(), &raw, err); });
        std::string out(raw);
        rr_string_free(raw);
        return out;
    }
    void reset_stats() const {
        detail::call([&](rr_error** err) { return rr_emulator_reset_stats(e(), err); });
    }
    /// Stops the server (open connections finish). Idempotent.
    void stop() const {
        detail::call([&](rr_error** err) { return rr_emulator_stop(e(), err); });
    }
    const rr_emulator* handle() const noexcept { return emu_.get(); }

  private:
    const rr_emulator* e() const noexcept { return emu_.get(); }
    detail::Owned<rr_emulator, rr_emulator_free> emu_;
};

}  // namespace remote_rendering

#endif  // REMOTE_RENDERING_HPP
