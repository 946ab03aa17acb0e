package com.remoterendering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an upload did: the blobs written whole, and those not written, in name order. A failed
 * upload's exception carries one ({@link RemoteRenderingException#uploadReport()}).
 *
 * @param uploaded the blobs uploaded completely
 * @param notUploaded the blobs not uploaded (failed, or not started when the upload stopped)
 * @param bytes bytes of the uploaded blobs
 */
public record UploadReport(List<String> uploaded, List<String> notUploaded, long bytes) {
    /** A report; the lists copied, {@code null} read as none. */
    public UploadReport {
        uploaded = uploaded == null ? List.of() : List.copyOf(uploaded);
        notUploaded = notUploaded == null ? List.of() : List.copyOf(notUploaded);
    }

    static UploadReport fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        return new UploadReport(strings(m.get("uploaded")), strings(m.get("notUploaded")),
                UploadProgress.longOr0(m, "bytes"));
    }

    static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?>) {
            for (Object o : (List<?>) v) {
                out.add((String) o);
            }
        }
        return out;
    }
}
