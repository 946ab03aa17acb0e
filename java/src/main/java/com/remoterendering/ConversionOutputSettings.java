package com.remoterendering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a conversion writes its output.
 *
 * @param storageContainerUri the blob container the output goes to
 * @param blobPrefix a prefix for the output blobs, or {@code null}
 * @param outputAssetFilename the name of the {@code .arrAsset}, or {@code null} for the input's name
 * @param storageContainerWriteSas a SAS granting write, when the account has no linked storage (a
 *     secret: never in {@link #toString()})
 */
public record ConversionOutputSettings(String storageContainerUri, String blobPrefix, String outputAssetFilename,
        String storageContainerWriteSas) {

    /** Settings without a SAS (the account's linked storage is used). */
    public ConversionOutputSettings(String storageContainerUri) {
        this(storageContainerUri, null, null, null);
    }

    static ConversionOutputSettings fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        return new ConversionOutputSettings(Json.str(m, "storageContainerUri"), Json.str(m, "blobPrefix"),
                Json.str(m, "outputAssetFilename"), Json.str(m, "storageContainerWriteSas"));
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storageContainerUri", storageContainerUri);
        m.put("blobPrefix", blobPrefix);
        m.put("outputAssetFilename", outputAssetFilename);
        m.put("storageContainerWriteSas", storageContainerWriteSas);
        return m;
    }

    @Override
    public String toString() {
        return "ConversionOutputSettings[storageContainerUri=" + storageContainerUri + ", blobPrefix=" + blobPrefix
                + ", outputAssetFilename=" + outputAssetFilename + ", storageContainerWriteSas="
                + (storageContainerWriteSas == null ? "null" : "***") + "]";
    }
}
