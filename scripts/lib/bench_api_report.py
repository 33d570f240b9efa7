"""The report of scripts/bench_api.py: where a list request's time goes by the py-spy samples
of a Daphne process (:func:`py_spy_summary`), and the run's results as Markdown
(:func:`markdown`, written beside the JSON as bench_api.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# Where a list request's time goes, by the frames py-spy saw on the stack (inclusive).
PY_SPY_MARKERS = {
    "authentication (JWT, user, session check)": "authenticate (strongroom/accounts/tokens.py",
    "permission checks": "check_permissions (rest_framework/views.py",
    "throttling": "check_throttles (rest_framework/views.py",
    "filter backends (django-filter, search, ordering)": "filter_queryset (",
    "pagination + list query (SQL, model instances)": "paginate_queryset (",
    "serializer (to_representation)": "data (rest_framework/serializers.py",
    "JSON rendering": "render (rest_framework/renderers.py",
    "SQL on the wire (psycopg execute/fetch)": "execute (psycopg/cursor.py",
    "row loading (psycopg)": "_load_",
    "the DRF view (everything after the middleware)": "view (rest_framework/viewsets.py",
    "Redis (cache: throttle, revoked sessions)": "(redis/",
    "Redis connection set-up": "Connection.connect (redis/",
    "asgiref thread hop (sync_to_async)": "thread_handler (asgiref/sync.py",
}


PY_SPY_IDLE_LEAVES = (
    "Condition.wait (",
    "EpollSelector.select (",
    "_worker (concurrent/futures/thread.py",
    "Thread._wait_for_tstate_lock (",
)


def py_spy_summary(path: Path) -> dict[str, Any]:
    """Top own-time frames and the share of samples under a few known frames."""
    if not path.exists():
        return {"error": "no py-spy output"}
    own: dict[str, int] = {}
    under = dict.fromkeys(PY_SPY_MARKERS, 0)
    total = idle = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if any(frames[-1].startswith(leaf) for leaf in PY_SPY_IDLE_LEAVES):
            idle += count  # a worker thread or the event loop waiting for work
            continue
        total += count
        leaf = re.sub(r":\d+\)$", ")", frames[-1])
        leaf = re.sub(r"\(/.*?site-packages/", "(", leaf)
        own[leaf] = own.get(leaf, 0) + count
        for label, marker in PY_SPY_MARKERS.items():
            if any(marker in f for f in frames):
                under[label] += count
    top = sorted(own.items(), key=lambda kv: -kv[1])[:25]
    return {
        "samples": total,
        "idle_samples_left_out": idle,
        "share_under": {k: round(v / total, 3) for k, v in under.items()} if total else {},
        "top_own": [[frame, round(n / total, 4)] for frame, n in top] if total else [],
    }


def _f(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _n(value: Any) -> str:
    """A count with thousands separators, "?" when the run did not get that far."""
    return "?" if value is None else f"{value:,}"


def markdown(r: dict[str, Any]) -> str:
    m, vol, seed = r["machine"], r.get("volume", {}), r.get("seed", {})
    s = r.get("settings", {})
    lines = [
        "# Strongroom API benchmark (scripts/bench_api.py)",
        "",
        f"Run {r['started_at']} → {r.get('finished_at', '?')}.",
        "",
        f"**Machine:** {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM; {m['postgres']}; "
        f"{m['redis'].split(' sha=')[0]}; {m['nginx']}; Python {m['python']}. Load generator, "
        "nginx, Daphne, PostgreSQL and Redis share the same cores.",
        "",
        f"**Data:** {_n(vol.get('documents'))} documents, {_n(vol.get('crates'))} crates, "
        f"{_n(vol.get('requests'))} requests, {_n(vol.get('locations'))} locations "
        f"(database {vol.get('database_size', '?')}); seeded by `seed_volume` in "
        f"{_f(seed.get('seconds_command'))} s ({_f(seed.get('seconds_wall'))} s wall).",
        "",
        f"**Topology:** nginx (repository config, TLS, HTTP/1.1 keep-alive from the client) → "
        f"{s.get('daphnes')} Daphne processes, `config.settings.production`; user "
        f"`{s.get('username')}`; closed loop {s.get('concurrency')} clients for "
        f"{s.get('duration')} s; open loop {s.get('rate')} req/s for {s.get('duration')} s.",
        "",
    ]
    figures = r.get("figures", {})
    if figures:
        h = figures["healthz"]
        lines += [
            "| endpoint | closed-loop req/s | ratio to /healthz (target ≥ 0.50) | p50 / p95 ms at "
            f"{s.get('rate')} req/s (target p95 ≤ 100) | open-loop errors | deep page p50 / page 1 "
            "p50 (target ≤ 1.2) |",
            "|---|---|---|---|---|---|",
            f"| /healthz (best of the runs) | {_f(h['throughput_rps'])} | 1 | - | - | - |",
        ]
        for path, f in figures.items():
            if path == "healthz":
                continue
            c, o, d = f["closed"], f["open"], f["deep"]
            lines.append(
                f"| {path} | {_f(c['throughput_rps'])} | {_f(f['ratio_to_healthz'], 2)} (/healthz "
                f"{_f(f['healthz']['throughput_rps'])} just before) | "
                f"{_f(o['latency_ms']['p50'])} / {_f(o['latency_ms']['p95'])} | "
                f"{o['errors']}/{o['requests']} | "
                f"{_f(d['p50_ratio'], 2)} ({d['depth']} pages deep: "
                f"{_f(d['deep_page']['latency_ms']['p50'])} vs "
                f"{_f(d['page1']['latency_ms']['p50'])} ms) |"
            )
        cpu = [
            (path, f)
            for path, f in figures.items()
            if path != "healthz" and "client_cpu_cores" in f["closed"]
        ]
        if cpu:
            cpu_lines = [
                "",
                "Closed loops with wrk: the load generator's CPU (client-bound at ≥ 0.85 of a core "
                "per thread: no ratio is taken against such a reference) and the Daphne "
                "processes' CPU per request over the same seconds.",
                "",
                "| closed loop | req/s | wrk CPU (cores) | client-bound | Daphne CPU per request "
                "(ms) | latency p50 / p99 (ms) |",
                "|---|---|---|---|---|---|",
            ]
            for path, f in cpu:
                runs = [(f"/healthz (before {path})", f["healthz"]), (path, f["closed"])]
                for label, run in runs:
                    cpu_lines.append(
                        f"| {label} | {_f(run['throughput_rps'])} | "
                        f"{_f(run['client_cpu_cores'], 2)} | "
                        f"{'yes' if run['client_bound'] else 'no'} | "
                        f"{_f(run['server_cpu_ms_per_request'], 2)} | "
                        f"{_f(run['latency_ms'].get('p50'))} / {_f(run['latency_ms'].get('p99'))} |"
                    )
            lines += cpu_lines
        low = [
            f"{path} p50 {_f(f['open_low_rate']['latency_ms']['p50'])} / p95 "
            f"{_f(f['open_low_rate']['latency_ms']['p95'])} ms"
            for path, f in figures.items()
            if path != "healthz" and f.get("open_low_rate")
        ]
        if low:
            lines += ["", f"Open loop at {s.get('low_rate')} req/s (below saturation): "
                      + "; ".join(low) + "."]  # fmt: skip
        lines += ["", f"Reference on this machine (PRODUCT.md §7): {r['reference']}.", ""]
    prof = r.get("profile")
    if prof:
        lines += ["## SQL queries and Python time per list request (in-process, same data)", ""]
        lines += ["| endpoint | queries per page (target ≤ 4) | ms per request (in-process) |",
                  "|---|---|---|"]  # fmt: skip
        for path, p in prof.get("endpoints", {}).items():
            lines.append(f"| {path} | {p['queries']} | {_f(p['ms_per_request'])} |")
        lines += ["", "Top functions: see profile.txt beside this file.", ""]
    for path, spy in (r.get("py_spy") or {}).items():
        if not spy.get("samples"):
            continue
        lines += [f"## py-spy of Daphne 1 under a closed loop on {path} ({spy['samples']} samples)",
                  "", "| inclusive share of samples | under |", "|---|---|"]  # fmt: skip
        for label, share in spy["share_under"].items():
            lines.append(f"| {share:.1%} | {label} |")
        lines += ["", "Top own-time frames:", ""]
        lines += [f"- {share:.1%} `{frame}`" for frame, share in spy["top_own"][:12]]
        lines.append("")
    if r.get("skipped"):
        lines += [f"Skipped: {r['skipped']}", ""]
    if r.get("error"):
        lines += [f"**The run stopped with an error:** {r['error']}", ""]
    lines += ["## Commands", "", "```"]
    lines += r.get("commands", [])
    lines += ["```", ""]
    return "\n".join(lines)
