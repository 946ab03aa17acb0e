package com.remoterendering;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A rendering session, under the names every language shares.
 *
 * @param id the session id
 * @param status the status ({@link SessionStatus}: Starting, Ready, Stopped, Expired or Error)
 * @param size the size ({@link SessionSize}: Standard or Premium)
 * @param leaseMinutes the lease in minutes, or {@code null}
 * @param elapsedMinutes minutes the session has run, or {@code null}
 * @param hostname the host to connect a renderer to, once Ready
 * @param handshakePort the handshake port, once Ready
 * @param arrInspectorPort the ArrInspector port, once Ready
 * @param teraflops the VM's compute, once Ready
 * @param createdOn when the session was created
 * @param error why the session failed, when its status is Error
 */
public record Session(String id, SessionStatus status, SessionSize size, Integer leaseMinutes, Integer elapsedMinutes,
        String hostname, Integer handshakePort, Integer arrInspectorPort, Double teraflops, OffsetDateTime createdOn,
        ErrorDetails error) {

    /** Whether the session is Ready (a renderer can connect). */
    public boolean isReady() {
        return SessionStatus.READY.equals(status);
    }

    static Session fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        String created = Json.str(m, "createdOn");
        Object error = m.get("error");
        String status = Json.str(m, "status");
        String size = Json.str(m, "size");
        return new Session(Json.str(m, "id"), status == null ? null : SessionStatus.fromString(status),
                size == null ? null : SessionSize.fromString(size),
                Json.integer(m, "leaseMinutes"), Json.integer(m, "elapsedMinutes"), Json.str(m, "hostname"),
                Json.integer(m, "handshakePort"), Json.integer(m, "arrInspectorPort"), Json.dbl(m, "teraflops"),
                created == null ? null : OffsetDateTime.parse(created),
                error == null ? null : ErrorDetails.fromJson(error));
    }
}
