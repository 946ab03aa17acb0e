package com.remoterendering;

import java.util.List;
import java.util.Map;

/**
 * What {@link BlobContainer#preflight} checked of a conversion's input before it was started.
 *
 * @param inputBlob the input blob (its prefix included)
 * @param inputBytes its size in bytes
 * @param referenced the blobs a glTF input references, each found
 */
public record Preflight(String inputBlob, long inputBytes, List<String> referenced) {
    /** A preflight; {@code referenced} copied, {@code null} read as none. */
    public Preflight {
        referenced = referenced == null ? List.of() : List.copyOf(referenced);
    }

    static Preflight fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        return new Preflight(Json.str(m, "inputBlob"), UploadProgress.longOr0(m, "inputBytes"),
                UploadReport.strings(m.get("referenced")));
    }
}
