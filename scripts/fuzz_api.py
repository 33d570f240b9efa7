#!/usr/bin/env python3
"""The long schema-fuzzing run: backend/strongroom/core/tests/test_api_fuzz.py with many more
examples per operation, for every role or the ones named, within a time budget; prints what each
role met and exits non-zero if any answer was a 5xx or broke the schema.

    python3 scripts/fuzz_api.py                              # 6 roles, 50 examples per operation
    python3 scripts/fuzz_api.py --role "Store Head" --max-examples 200 --minutes 5
    python3 scripts/fuzz_api.py --seed 1234                  # another sequence than the default

Runs in-process (Django's WSGI handler, a throw-away test database) like the test suite: on
SQLite by default, on PostgreSQL when DATABASE_URL is set (e.g. after
``source scripts/services.sh && services_start``). ``--minutes`` is the budget per role: each
operation gets its share, so a short budget still reaches every operation with fewer examples;
the whole run is stopped hard at the sum of the budgets plus five minutes.
"""

# ruff: noqa: T201 (a command-line report)

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
TEST = "strongroom/core/tests/test_api_fuzz.py::test_the_api_answers_what_its_schema_says"
ROLES = (
    "System Administrator",
    "Unit Admin",
    "Document Manager",
    "Approver",
    "Store Head",
    "Viewer",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        help="fuzz as this role (repeat for several; default: all six)",
    )
    parser.add_argument(
        "--max-examples", type=int, default=50, help="examples per operation (default 50)"
    )
    parser.add_argument(
        "--minutes", type=float, default=10.0, help="time budget per role (default 10)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="a Hypothesis seed (default: derandomized)"
    )
    parser.add_argument(
        "--python", default=str(BACKEND / ".venv" / "bin" / "python"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    roles = args.role or list(ROLES)
    with tempfile.TemporaryDirectory(prefix="strongroom-fuzz-") as tmp:
        report = Path(tmp) / "report.jsonl"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "STRONGROOM_FUZZ_ROLES": ",".join(roles),
            "STRONGROOM_FUZZ_MAX_EXAMPLES": str(args.max_examples),
            "STRONGROOM_FUZZ_SECONDS": str(args.minutes * 60),
            "STRONGROOM_FUZZ_REPORT": str(report),
            "STRONGROOM_FUZZ_SEED": str(args.seed),
        }
        command = [args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST]
        command += ["--show-capture=no", "--tb=line"]
        limit = len(roles) * args.minutes * 60 + 300
        database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(
            f"Fuzzing {len(roles)} role(s) on {database}: {args.max_examples} examples per "
            f"operation, {args.minutes:g} min per role (stopped at {limit / 60:.0f} min)",
            flush=True,
        )
        started = time.monotonic()
        try:
            result = subprocess.run(  # noqa: S603 (our own interpreter and test)
                command, cwd=BACKEND, env=env, timeout=limit, capture_output=True, text=True
            )
        except subprocess.TimeoutExpired:
            print(f"Stopped after {limit / 60:.0f} minutes: the run took too long.")
            return 2
        elapsed = time.monotonic() - started
        outcomes = (
            [json.loads(line) for line in report.read_text().splitlines()]
            if report.exists()
            else []
        )
    return summarise(outcomes, roles, result.returncode, result.stdout, elapsed)


def summarise(
    outcomes: list[dict], roles: list[str], returncode: int, output: str, elapsed: float
) -> int:
    failed = False
    print(f"\n{'role':<22}{'operations':>11}{'calls':>8}{'seconds':>9}  statuses")
    for outcome in outcomes:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(outcome["statuses"].items()))
        print(
            f"{outcome['role']:<22}{outcome['operations']:>11}{outcome['calls']:>8}"
            f"{outcome['seconds']:>9.0f}  {statuses}"
        )
    for outcome in outcomes:
        if outcome["cut_short"]:
            print(
                f"\n{outcome['role']}: the time budget cut {len(outcome['cut_short'])} "
                "operation(s) short of --max-examples"
            )
        for skipped in outcome["skipped"]:
            print(f"{outcome['role']}: not fuzzed: {skipped}")
        for label, messages in outcome["failures"].items():
            failed = True
            print(f"\nFAILED {outcome['role']}: {label}")
            for message in messages:
                print("  " + message.replace("\n", "\n  "))
    missing = set(roles) - {o["role"] for o in outcomes}
    if missing or (returncode != 0 and not failed):
        failed = True
        print(f"\nThe run did not finish for: {', '.join(sorted(missing)) or 'some role'}")
        print(output[-5000:])
    total = sum(o["calls"] for o in outcomes)
    verdict = "FAILED" if failed else "passed"
    print(f"\n{total} calls in {elapsed:.0f} s: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(parse_args()))
