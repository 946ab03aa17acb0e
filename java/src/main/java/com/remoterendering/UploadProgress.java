package com.remoterendering;

import java.util.Map;

/**
 * Where an upload stands: after a file started, after each of its parts, and when it is done.
 *
 * @param blob the blob being written (the prefix included)
 * @param fileBytesDone bytes of this file uploaded so far
 * @param fileBytesTotal the size of this file
 * @param bytesDone bytes of every file uploaded so far
 * @param bytesTotal the size of every file together
 * @param fileDone true in the last update of this file (it is uploaded)
 */
public record UploadProgress(String blob, long fileBytesDone, long fileBytesTotal, long bytesDone, long bytesTotal,
        boolean fileDone) {

    static UploadProgress fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        return new UploadProgress(Json.str(m, "blob"), longOr0(m, "fileBytesDone"), longOr0(m, "fileBytesTotal"),
                longOr0(m, "bytesDone"), longOr0(m, "bytesTotal"), Json.bool(m, "fileDone"));
    }

    static long longOr0(Map<String, Object> m, String k) {
        Long v = Json.lng(m, k);
        return v == null ? 0 : v;
    }
}
