package com.remoterendering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a conversion's input model is read from.
 *
 * @param storageContainerUri the blob container that holds the input model
 * @param relativeInputAssetPath the model's path in the container, e.g. {@code models/box.fbx}
 * @param blobPrefix only blobs under this prefix are read, or {@code null}
 * @param storageContainerReadListSas a SAS granting read and list, when the account has no linked
 *     storage (a secret: never in {@link #toString()})
 */
public record ConversionInputSettings(String storageContainerUri, String relativeInputAssetPath, String blobPrefix,
        String storageContainerReadListSas) {

    /** Settings without a SAS (the account's linked storage is used). */
    public ConversionInputSettings(String storageContainerUri, String relativeInputAssetPath) {
        this(storageContainerUri, relativeInputAssetPath, null, null);
    }

    static ConversionInputSettings fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        return new ConversionInputSettings(Json.str(m, "storageContainerUri"), Json.str(m, "relativeInputAssetPath"),
                Json.str(m, "blobPrefix"), Json.str(m, "storageContainerReadListSas"));
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storageContainerUri", storageContainerUri);
        m.put("relativeInputAssetPath", relativeInputAssetPath);
        m.put("blobPrefix", blobPrefix);
        m.put("storageContainerReadListSas", storageContainerReadListSas);
        return m;
    }

    @Override
    public String toString() {
        return "ConversionInputSettings[storageContainerUri=" + storageContainerUri + ", relativeInputAssetPath="
                + relativeInputAssetPath + ", blobPrefix=" + blobPrefix + ", storageContainerReadListSas="
                + (storageContainerReadListSas == null ? "null" : "***") + "]";
    }
}
