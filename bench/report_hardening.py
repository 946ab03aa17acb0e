"""Section 7 of BENCHMARKS.md: the emulator's store and connection limits (rr-bench-hardening).

Called by report.py with its helpers, so that the section's text lives beside its figures.
"""


def section(stat, cell, rcell, w, targets):
    w("## 7. Emulator store and connection limits")
    w("")
    w("`rr-bench-hardening` (`bench/src/bin/hardening.rs`): emulators it starts on 127.0.0.1, 16 keep-alive")
    w("connections creating sessions; figures are medians of the rounds, with min–max.")
    w("")
    stored = stat("hardening/creates", "stored")
    n = f"{int(stored[0]):,}" if stored else "100,000"
    w("| figure | value |")
    w("| --- | --- |")
    w(f"| creates/s in memory, {n} stored | {cell(stat('hardening/creates', 'memory_per_s'))} |")
    w(f"| creates/s with `--state` (SQLite), {n} stored | {cell(stat('hardening/creates', 'state_per_s'))} |")
    ratio = stat("hardening/creates", "state_to_memory")
    w(f"| `--state` ÷ in memory | {rcell(ratio)} |")
    w(f"| list page (100 items), median at 1,000 sessions | {cell(stat('hardening/list-page', 'page_us_median_at_1k'), ' µs')} |")
    w(f"| list page (100 items), median at {n} sessions | {cell(stat('hardening/list-page', 'page_us_median_at_full'), ' µs')} |")
    page = stat("hardening/list-page", "ratio_full_to_1k")
    w(f"| page cost at {n} ÷ at 1,000 | {rcell(page)} |")
    idle = stat("hardening/get-p99", "p99_us_idle")
    busy = stat("hardening/get-p99", "p99_us_two_full_listings")
    w(f"| GET p99 idle | {cell(idle, ' µs')} |")
    w(f"| GET p99 during two full listings | {cell(busy, ' µs')} |")
    per = stat("hardening/rss", "bytes_per_session")
    w(f"| emulator RSS per stored session (in memory) | {cell(per, ' B')} |")
    h_idle = stat("hardening/half-sent", "median_us_idle")
    h_busy = stat("hardening/half-sent", "median_us_half_sent")
    h_ratio = stat("hardening/half-sent", "ratio")
    w(f"| normal client median (new connection per GET), idle | {cell(h_idle, ' µs')} |")
    w(f"| the same with 1,100 half-sent connections, emulator at 1,024 descriptors | {cell(h_busy, ' µs')} |")
    w("")
    w("With `--retention 0`, sessions created and stopped in four quarters leave the RSS (KiB) after each")
    w("quarter in `target/bench/results.jsonl` (`hardening/rss-retention`).")
    w("")
    m = lambda s: None if s is None else s[0]
    g = None if idle is None or busy is None else m(busy) / m(idle)
    targets.extend(
        [
            ("creates/s with `--state` at 100k stored ≥ 25% of in memory",
             "not measured" if ratio is None else f"{ratio[0] * 100:.0f}%", None if ratio is None else ratio[0] >= 0.25),
            ("list page at 100k within ±50% of at 1k",
             "not measured" if page is None else f"{page[0]:.2f}×", None if page is None else 0.5 <= page[0] <= 1.5),
            ("GET p99 during two full listings ≤ 2× idle",
             "not measured" if g is None else f"{g:.2f}×", None if g is None else g <= 2.0),
            ("emulator RSS per stored session ≤ 600 B",
             "not measured" if per is None else f"{per[0]:.0f} B", None if per is None else per[0] <= 600),
            ("normal client median with 1,100 half-sent connections ≤ 2× idle",
             "not measured" if h_ratio is None else f"{h_ratio[0]:.2f}×", None if h_ratio is None else h_ratio[0] <= 2.0),
        ]
    )
