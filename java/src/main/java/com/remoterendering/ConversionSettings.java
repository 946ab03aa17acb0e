package com.remoterendering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a conversion reads its input and writes its output.
 *
 * @param inputLocation the input container and model
 * @param outputLocation the output container
 */
public record ConversionSettings(ConversionInputSettings inputLocation, ConversionOutputSettings outputLocation) {

    static ConversionSettings fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        Object in = m.get("inputLocation");
        Object out = m.get("outputLocation");
        return new ConversionSettings(in == null ? null : ConversionInputSettings.fromJson(in),
                out == null ? null : ConversionOutputSettings.fromJson(out));
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputLocation", inputLocation == null ? null : inputLocation.toJson());
        m.put("outputLocation", outputLocation == null ? null : outputLocation.toJson());
        return m;
    }
}
