package com.remoterendering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an hour of a session costs per size, for a lease keeper's budget (no rate is assumed).
 *
 * @param standardPerHour the rate of a Standard session, or {@code null}
 * @param premiumPerHour the rate of a Premium session, or {@code null}
 */
public record CostRates(Double standardPerHour, Double premiumPerHour) {
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("standardPerHour", standardPerHour);
        m.put("premiumPerHour", premiumPerHour);
        return m;
    }
}
