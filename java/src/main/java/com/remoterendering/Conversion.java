package com.remoterendering;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An asset conversion, under the names every language shares.
 *
 * @param id the conversion id
 * @param status the status ({@link ConversionStatus}: NotStarted, Running, Succeeded, Failed or Cancelled)
 * @param settings where it reads and writes (SAS tokens are never echoed back)
 * @param outputAssetUri the converted {@code .arrAsset}, once Succeeded
 * @param error why the conversion failed, when Failed
 * @param createdOn when the conversion was created
 */
public record Conversion(String id, ConversionStatus status, ConversionSettings settings, String outputAssetUri,
        ErrorDetails error, OffsetDateTime createdOn) {

    static Conversion fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        String created = Json.str(m, "createdOn");
        Object error = m.get("error");
        Object settings = m.get("settings");
        String status = Json.str(m, "status");
        return new Conversion(Json.str(m, "id"), status == null ? null : ConversionStatus.fromString(status),
                settings == null ? null : ConversionSettings.fromJson(settings), Json.str(m, "outputAssetUri"),
                error == null ? null : ErrorDetails.fromJson(error),
                created == null ? null : OffsetDateTime.parse(created));
    }

    /** What the native library needs of a conversion to find its report: its id, status and settings. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", status);
        m.put("settings", settings == null ? null : settings.toJson());
        return m;
    }
}
