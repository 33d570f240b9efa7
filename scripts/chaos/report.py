"""The report of a chaos run: the text printed after each run, PRODUCT.md §7's targets."""

from __future__ import annotations

from collections import Counter
from typing import Any

from chaos.common import TARGETS
from chaos.run import ChaosRun


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def run_text(r: dict[str, Any]) -> str:
    lines = [
        f"Run {r['run']} (seed {r['seed']}): {'PASS' if r.get('passed') else 'FAIL'} "
        f"in {r.get('wall_s')} s" + (f" — {r['error']}" if r.get("error") else ""),
    ]
    topo = r.get("topology")
    if topo:
        lines.append(
            f"  topology: {topo['http']} → Daphne {topo['daphne_ports']}, Celery worker + Beat; "
            f"PostgreSQL {topo['postgres']}; Redis {topo['redis']}"
        )
    w = r.get("workload")
    if w and r.get("workload_s") is not None:
        lines.append(
            f"  workload: {w['clients']} clients for {r.get('workload_s')} s — "
            f"{w['acknowledged']} acknowledged changes ({w['by_action']}), retried errors "
            f"{w['errors'] or 'none'}, refusals {w['refusals'] or 'none'}; "
            f"{w['subscribers']} sockets; setup {r.get('setup_s')} s, drain worker "
            f"{r.get('drain_worker_s')} s + sockets {r.get('drain_sockets_s')} s"
        )
    faults = r.get("faults") or []
    if faults:
        lines.append(
            "  recovery, seconds from the fault | down | back | first API answer (failed calls) "
            "| sockets re-subscribed (dropped) | every event held | worker processing"
        )
        for f in faults:
            lines.append(
                f"    {f['fault']:<9} {f['target']:<40} | {_f(f['down_s'])} | {_f(f['back_s'])} "
                f"| {_f(f['api_s'])} ({f['api_failures']}) | {_f(f['sockets_s'])} "
                f"({f['sockets_dropped']}) | {_f(f['events_s'])} | {_f(f['worker_s'])}"
                + (f"  {'; '.join(f['notes'][:3])}" if f["notes"] else "")
            )
        lines.append(
            f"  PRODUCT.md §7 targets: Redis restart, every event held within "
            f"{TARGETS['redis_events_s']:g} s: {r.get('targets', {}).get('redis_events')}; "
            f"PostgreSQL restart, API within {TARGETS['postgres_api_s']:g} s: "
            f"{r.get('targets', {}).get('postgres_api')}"
        )
    for c in r.get("checks", []):
        lines.append(f"  {'PASS' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}")
        for problem in c["problems"][:8]:
            lines.append(f"       - {problem}")
    return "\n".join(lines)


def targets_met(faults: list[dict[str, Any]]) -> dict[str, str]:
    out = {}
    for key, fault, figure in (
        ("redis_events", "redis", "events_s"),
        ("postgres_api", "postgres", "api_s"),
    ):
        found = next((f for f in faults if f["fault"] == fault), None)
        limit = TARGETS[f"{fault}_{figure.removesuffix('_s')}_s"]
        if found is None or found[figure] is None:
            out[key] = "not measured"
        else:
            value = found[figure]
            # From the fault, and from the service being back (the restart's own duration is
            # not the application's).
            back = found["back_s"] or 0.0
            out[key] = (
                f"{value:.2f} s from the fault, {max(0.0, value - back):.2f} s after the "
                f"service was back: {'met' if value - back <= limit else 'NOT met'}"
            )
    return out


def collect(run: ChaosRun) -> None:
    errors: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    for c in run.clients:
        errors.update(c.http.errors)
        refusals.update(c.conflicts)
    by_action = Counter(a.action for a in run.acks)
    run.results["workload"] = {
        "clients": len(run.clients),
        "subscribers": len(run.subscribers),
        "acknowledged": len(run.acks),
        "by_action": ", ".join(f"{k} {v}" for k, v in sorted(by_action.items())),
        "errors": dict(errors),
        "refusals": dict(refusals),
        "abandoned": sum(c.abandoned for c in run.clients),
        "logins": run.sessions.logins,
        "refreshes": run.sessions.refreshes,
        "api_calls": len(run.timeline.calls),
    }
    run.results["faults"] = [f.summary() for f in run.faults]
    began = run.faults[0].t0 if run.faults else 0.0
    run.results["acks"] = [
        f"+{a.at - began:.2f} {a.client} #{a.request_id} {a.action} -> {a.status} v{a.version}"
        for a in run.acks
    ]
    run.results["targets"] = targets_met(run.results["faults"])
    run.results["commands"] = run.topology.commands
    for name in ("daphne-1", "daphne-2", "worker", "beat"):
        text = run.topology.logfile(name)
        if text:
            run.results.setdefault("log_errors", {})[name] = text.count("Traceback")
