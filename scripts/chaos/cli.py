"""The command line of the chaos run (``python scripts/chaos --help``)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from lib.topology import machine

import chaos
from chaos.checks import run_checks
from chaos.common import FAULTS, Stop, log
from chaos.report import collect, run_text
from chaos.run import ChaosRun


def one_run(args: argparse.Namespace, index: int) -> dict[str, Any]:
    run = ChaosRun(args, index)
    log(f"run {index + 1}/{args.runs}, seed {run.seed}")
    began = time.monotonic()
    try:
        run.setup()
        try:
            asyncio.run(run.scenario())
        except asyncio.CancelledError:
            if run.interrupted is None:
                raise
        finally:  # the event loop took the signals over, and gave them back to the default
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
        if run.interrupted is not None:
            raise Stop(run.interrupted)
        run.results["checks"] = run_checks(run)
        run.results["passed"] = all(c["ok"] for c in run.results["checks"])
    except Stop as exc:
        run.results["error"] = f"interrupted by {exc}"
        run.results["interrupted"] = True
        run.results["passed"] = False
    except Exception as exc:  # ChaosError, TopologyError, OSError, or a bug: report, clean up
        log(f"run {index + 1} stopped: {type(exc).__name__}: {exc}")
        run.results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        run.results["passed"] = False
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            collect(run)
            if args.logs and not run.results.get("passed"):
                target = Path(args.logs) / f"run-{index + 1}"
                run.topology.keep_logs(target)
                run.results["logs"] = str(target)
        finally:
            run.topology.cleanup()
            run.results["wall_s"] = round(time.monotonic() - began, 1)
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
    return run.results


def _stop(signum: int, _frame: Any) -> None:
    raise Stop(signal.Signals(signum).name)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=chaos.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--duration", type=float, default=100.0,
                   help="seconds of workload, faults included (default 100)")  # fmt: skip
    p.add_argument("--clients", type=int, default=4, help="HTTP clients (default 4)")
    p.add_argument("--subscribers", type=int, default=6, help="WebSockets (default 6)")
    p.add_argument("--seed", type=int, default=1, help="run i uses seed + i (default 1)")
    p.add_argument("--runs", type=int, default=1, help="whole scenarios, each on a fresh topology")
    p.add_argument("--faults", default=",".join(FAULTS),
                   help=f"comma-separated, in order (default {','.join(FAULTS)})")  # fmt: skip
    p.add_argument("--outage", type=float, default=1.0,
                   help="seconds a stopped service or killed process stays down")  # fmt: skip
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds between one fault's recovery and the next fault")  # fmt: skip
    p.add_argument("--recovery-timeout", type=float, default=60.0,
                   help="a fault not recovered within this many seconds fails the run")  # fmt: skip
    p.add_argument("--visibility", type=int, default=20,
                   help="Celery visibility timeout for the run, seconds (default 20)")  # fmt: skip
    p.add_argument("--resend", type=int, default=30,
                   help="STRONGROOM_TASK_RESEND_SECONDS for the run (default 30)")  # fmt: skip
    p.add_argument("--email-delay", type=float, default=10.0,
                   help="STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS for the run (default 10; "
                   "below --visibility)")  # fmt: skip
    p.add_argument("--no-nginx", action="store_true", help="HTTP straight to the Daphnes")
    p.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    p.add_argument("--logs", metavar="DIR", help="keep the process logs of failed runs here")
    args = p.parse_args(argv)
    args.faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        p.error(f"unknown fault(s): {', '.join(sorted(unknown))}")
    if not (1 <= args.clients <= 32 and 1 <= args.subscribers <= 64 and 1 <= args.runs <= 20):
        p.error("--clients 1..32, --subscribers 1..64, --runs 1..20")
    if not 0 < args.email_delay < args.visibility:
        p.error("--email-delay must be above 0 and below --visibility")
    if not 20 <= args.duration <= 1800:
        p.error("--duration 20..1800 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    report: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("json", "logs")},
        "fresh_topology_per_run": True,
        "runs": [],
    }
    code = 0
    try:
        for index in range(args.runs):
            results = one_run(args, index)
            report["runs"].append(results)
            sys.stdout.write(run_text(results) + "\n\n")
            sys.stdout.flush()
            if results.get("interrupted"):
                code = 2
                break
            if results.get("error"):
                code = max(code, 2)
            elif not results.get("passed"):
                code = max(code, 1)
    except Stop as exc:
        log(f"stopped by {exc}")
        code = 2
    report["finished_at"] = dt.datetime.now(dt.UTC).isoformat()
    passed = sum(1 for r in report["runs"] if r.get("passed"))
    report["passed"] = code == 0 and passed == args.runs
    sys.stdout.write(
        f"{passed} of {args.runs} run(s) passed{'' if report['passed'] else ' — FAILED'}\n"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    return code
