package com.remoterendering;

import java.time.Duration;
import java.util.Map;

/**
 * How a lease keeper renews: fixed steps up to a cap, and an optional budget. Unset values take
 * the shared defaults ({@link Defaults}). Immutable; each method returns a copy.
 */
public final class KeepAliveOptions {
    final Integer stepMinutes;
    final Integer marginMinutes;
    final Integer maxTotalMinutes;
    final Duration checkInterval;
    final Boolean stopOnClose;
    final Double budget;
    final CostRates costRates;

    private KeepAliveOptions(Integer stepMinutes, Integer marginMinutes, Integer maxTotalMinutes,
            Duration checkInterval, Boolean stopOnClose, Double budget, CostRates costRates) {
        this.stepMinutes = stepMinutes;
        this.marginMinutes = marginMinutes;
        this.maxTotalMinutes = maxTotalMinutes;
        this.checkInterval = checkInterval;
        this.stopOnClose = stopOnClose;
        this.budget = budget;
        this.costRates = costRates;
    }

    /** The shared defaults (see {@link Defaults}). */
    public static KeepAliveOptions defaults() {
        return new KeepAliveOptions(null, null, null, null, null, null, null);
    }

    /** Minutes added each time (fixed steps, never doubling). */
    public KeepAliveOptions stepMinutes(int v) {
        return new KeepAliveOptions(v, marginMinutes, maxTotalMinutes, checkInterval, stopOnClose, budget, costRates);
    }

    /** Extend when fewer than this many minutes of the lease are left. */
    public KeepAliveOptions marginMinutes(int v) {
        return new KeepAliveOptions(stepMinutes, v, maxTotalMinutes, checkInterval, stopOnClose, budget, costRates);
    }

    /** Never extend the lease past this many minutes. */
    public KeepAliveOptions maxTotalMinutes(int v) {
        return new KeepAliveOptions(stepMinutes, marginMinutes, v, checkInterval, stopOnClose, budget, costRates);
    }

    /** How often the session is read. */
    public KeepAliveOptions checkInterval(Duration v) {
        return new KeepAliveOptions(stepMinutes, marginMinutes, maxTotalMinutes, v, stopOnClose, budget, costRates);
    }

    /** Whether {@link LeaseKeeper#close()} stops the session (default true). */
    public KeepAliveOptions stopOnClose(boolean v) {
        return new KeepAliveOptions(stepMinutes, marginMinutes, maxTotalMinutes, checkInterval, v, budget, costRates);
    }

    /** The most the session may cost, in the currency of {@link #costRates}. */
    public KeepAliveOptions budget(double v) {
        return new KeepAliveOptions(stepMinutes, marginMinutes, maxTotalMinutes, checkInterval, stopOnClose, v,
                costRates);
    }

    /** The rates the budget is counted at (needed with a budget). */
    public KeepAliveOptions costRates(CostRates v) {
        return new KeepAliveOptions(stepMinutes, marginMinutes, maxTotalMinutes, checkInterval, stopOnClose, budget,
                v);
    }

    void into(Map<String, Object> a) {
        a.put("stepMinutes", stepMinutes);
        a.put("marginMinutes", marginMinutes);
        a.put("maxTotalMinutes", maxTotalMinutes);
        a.put("checkInterval", Args.millis("checkInterval", checkInterval));
        a.put("stopOnClose", stopOnClose);
        a.put("budget", budget);
        a.put("costRates", costRates == null ? null : costRates.toJson());
    }

    @Override
    public String toString() {
        return "KeepAliveOptions[stepMinutes=" + stepMinutes + ", marginMinutes=" + marginMinutes
                + ", maxTotalMinutes=" + maxTotalMinutes + ", checkInterval=" + checkInterval + ", stopOnClose="
                + stopOnClose + ", budget=" + budget + ", costRates=" + costRates + "]";
    }
}
