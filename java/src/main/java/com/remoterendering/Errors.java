package com.remoterendering;

import java.time.Duration;
import java.util.Map;

/** Envelopes of native calls: the value, or the exception class named by the error's code. */
final class Errors {
    private Errors() {
    }

    /** The {@code ok} value of an envelope, or throws its error. */
    static Object unwrap(String envelope) {
        Map<String, Object> m = Json.map(Json.parse(envelope));
        Object error = m.get("error");
        if (error != null) {
            throw fromJson(Json.map(error));
        }
        return m.get("ok");
    }

    static RemoteRenderingException internal(String message) {
        return create(new RemoteRenderingException.Data("INTERNAL_ERROR", message, null, null, null, null, false,
                null, null, null, null, null));
    }

    static RemoteRenderingException invalid(String field, String rule) {
        return create(new RemoteRenderingException.Data("INVALID_INPUT", field + ": " + rule, null, null, null,
                field, false, null, null, null, null, null));
    }

    static RemoteRenderingException fromJson(Map<String, Object> e) {
        Long retry = Json.lng(e, "retryAfterMs");
        Object details = e.get("details");
        Object session = e.get("session");
        Object conversion = e.get("conversion");
        Object uploadReport = e.get("uploadReport");
        return create(new RemoteRenderingException.Data(
                Json.str(e, "code"),
                Json.str(e, "message"),
                Json.integer(e, "status"),
                Json.str(e, "msCv"),
                retry == null ? null : Duration.ofMillis(retry),
                Json.str(e, "field"),
                Json.bool(e, "retriable"),
                details == null ? null : ErrorDetails.fromJson(details),
                session == null ? null : Session.fromJson(session),
                conversion == null ? null : Conversion.fromJson(conversion),
                uploadReport == null ? null : UploadReport.fromJson(uploadReport),
                Json.str(e, "conversionReport")));
    }

    /** One class per code, as the vocabulary table's {@code java} column names them. */
    static RemoteRenderingException create(RemoteRenderingException.Data d) {
        switch (d.code() == null ? "" : d.code()) {
            case "INVALID_INPUT": return new InvalidInputException(d);
            case "UNAUTHORIZED": return new AuthenticationException(d);
            case "FORBIDDEN": return new ForbiddenException(d);
            case "NOT_FOUND": return new NotFoundException(d);
            case "CONFLICT": return new ConflictException(d);
            case "UNPROCESSABLE": return new UnprocessableException(d);
            case "THROTTLED": return new ThrottledException(d);
            case "SERVICE_ERROR": return new ServiceException(d);
            case "TRANSPORT_ERROR": return new TransportException(d);
            case "TIMEOUT": return new WaitTimeoutException(d);
            case "CANCELLED": return new CancelledException(d);
            case "SESSION_FAILED": return new SessionFailedException(d);
            case "CONVERSION_FAILED": return new ConversionFailedException(d);
            case "PROTOCOL_ERROR": return new ProtocolException(d);
            case "INTERNAL_ERROR": return new InternalException(d);
            default: return new RemoteRenderingException(d);
        }
    }
}
