#!/usr/bin/env python3
"""The validation evidence bundle that `make test` leaves under var/evidence/.

    backend/.venv/bin/python scripts/evidence_bundle.py --services     # PostgreSQL, Redis up
    backend/.venv/bin/python scripts/evidence_bundle.py --exit-code N  # at the end, always

scripts/test.sh writes into var/evidence/ (git-ignored, emptied at the start of each run): the
JUnit XML of each suite that ran (junit-sqlite.xml and junit-postgresql.xml for the two backend
passes, junit-vitest.xml and junit-e2e.xml for the frontend), steps.tsv (each step's outcome and
duration) and, from ``compliance_matrix.py --check``, the run's compliance matrix with its pass
counts (compliance-matrix.md and .json). ``--services`` records the PostgreSQL and Redis server
versions (services.json) from DATABASE_URL and REDIS_URL. ``--exit-code`` completes the bundle,
also when a step failed (test.sh calls it from its exit trap, so the bundle covers the steps that
ran): the matrix from whichever backend JUnit files exist if the check did not write it,
manifest.json (result, failed step, steps, git commit and dirty flag, UTC date, host, versions of
Python, Django, DRF, every directly required backend and frontend package as locked, Node,
PostgreSQL, Redis, and each JUnit file's totals), SUMMARY.md (the same for a reader) and
SHA256SUMS over every file of the bundle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVIDENCE = REPO / "var" / "evidence"
JUNIT_FILES = {
    "sqlite": "junit-sqlite.xml",
    "postgresql": "junit-postgresql.xml",
    "vitest": "junit-vitest.xml",
    "e2e": "junit-e2e.xml",
}
SUITE_LABELS = {
    "sqlite": "backend on SQLite",
    "postgresql": "backend on PostgreSQL 15 + Redis",
    "vitest": "frontend unit (Vitest)",
    "e2e": "frontend end-to-end (Vitest + chromium)",
}


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(*command: str, cwd: Path = REPO, strip: bool = True) -> str | None:
    """A command's output (stripped), or None when it is missing or fails."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument lists
            command, cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() if strip else result.stdout


# --- services ------------------------------------------------------------------------------------


def services_versions() -> dict[str, Any]:
    """The PostgreSQL and Redis server versions the PostgreSQL pass runs against."""
    found: dict[str, Any] = {"recorded_at": _utc_now()}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(database_url, connect_timeout=10) as connection:
            row = connection.execute(
                "SELECT current_setting('server_version'), version()"
            ).fetchone()
        if row is not None:
            found["postgresql"] = {"server_version": row[0], "version": row[1]}
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        import redis

        info: Any = redis.Redis.from_url(redis_url, socket_timeout=10).info("server")
        found["redis"] = {"redis_version": info.get("redis_version"), "os": info.get("os")}
    return found


# --- versions ------------------------------------------------------------------------------------


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    return _normalise(match.group(0)) if match else requirement


def backend_packages() -> dict[str, str]:
    """Every package the backend requires directly (runtime and dev), at its locked version."""
    project = tomllib.loads((REPO / "backend" / "pyproject.toml").read_text(encoding="utf-8"))
    lock = tomllib.loads((REPO / "backend" / "uv.lock").read_text(encoding="utf-8"))
    locked = {_normalise(p["name"]): str(p.get("version", "")) for p in lock.get("package", [])}
    requirements = list(project.get("project", {}).get("dependencies", []))
    for group in project.get("dependency-groups", {}).values():
        requirements += [r for r in group if isinstance(r, str)]
    names = sorted({_requirement_name(r) for r in requirements})
    return {name: locked.get(name, "not locked") for name in names}


def frontend_packages() -> dict[str, str]:
    """Every package the frontend requires directly, at its version in package-lock.json."""
    frontend = REPO / "frontend"
    try:
        package = json.loads((frontend / "package.json").read_text(encoding="utf-8"))
        lock = json.loads((frontend / "package-lock.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = sorted({*package.get("dependencies", {}), *package.get("devDependencies", {})})
    packages = lock.get("packages", {})
    return {
        n: str(packages.get(f"node_modules/{n}", {}).get("version", "not locked")) for n in names
    }


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions(services: dict[str, Any]) -> dict[str, Any]:
    node = _run("node", "--version")
    return {
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "django": _installed("django"),
        "djangorestframework": _installed("djangorestframework"),
        "postgresql_server": services.get("postgresql", {}).get("server_version"),
        "redis_server": services.get("redis", {}).get("redis_version"),
        "node": node.removeprefix("v") if node else None,
        "npm": _run("npm", "--version"),
        "chromium": _run("/usr/bin/chromium", "--version"),
        "backend_locked": backend_packages(),
        "frontend_locked": frontend_packages(),
    }


# --- git, host, steps, JUnit ---------------------------------------------------------------------


def git_state() -> dict[str, Any]:
    status = _run("git", "status", "--porcelain", "--untracked-files=normal", strip=False)
    changed = [line[3:] for line in status.splitlines()] if status else []
    return {
        "commit": _run("git", "rev-parse", "HEAD"),
        "branch": _run("git", "rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(changed) if status is not None else None,
        "changed_files": changed[:200],
    }


def host() -> dict[str, Any]:
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def read_steps(path: Path) -> list[dict[str, Any]]:
    """steps.tsv: one ``status<TAB>seconds<TAB>name`` line per finished step."""
    steps = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            status, seconds, name = [*line.split("\t", 2), "", ""][:3]
            steps.append({"step": name, "status": status, "seconds": int(seconds or 0)})
    return steps


def junit_totals(path: Path) -> dict[str, Any]:
    """Totals of one JUnit file: test cases passed, failed (failure or error) and skipped."""
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - this run's own output
    except (OSError, ET.ParseError) as error:
        return {"error": str(error)}
    totals = {"tests": 0, "passed": 0, "failed": 0, "skipped": 0}
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        totals["tests"] += 1
        if tags & {"failure", "error"}:
            totals["failed"] += 1
        elif "skipped" in tags:
            totals["skipped"] += 1
        else:
            totals["passed"] += 1
    seconds = sum(float(suite.get("time", 0) or 0) for suite in root.iter("testsuite"))
    return {**totals, "seconds": round(seconds, 1)}


def compliance_matrix(evidence: Path) -> dict[str, Any] | None:
    """The run's matrix: as ``compliance_matrix.py --check`` wrote it, or else (the run stopped
    before that step) from whichever backend JUnit files exist."""
    matrix_json = evidence / "compliance-matrix.json"
    runs_present = [p for p in ("sqlite", "postgresql") if (evidence / JUNIT_FILES[p]).exists()]
    if not matrix_json.exists() and runs_present:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import compliance_matrix as cm
        import compliance_runs

        tests, problems = cm.collect()
        runs = {p: compliance_runs.read_junit(evidence / JUNIT_FILES[p]) for p in runs_present}
        compliance_runs.apply_run(tests, runs)
        problems += compliance_runs.run_problems(tests, runs)
        if compliance_runs.DECISIVE_RUN not in runs:
            problems.append("the PostgreSQL pass did not run: no clause is proven by this run")
        (evidence / "compliance-matrix.md").write_text(cm.render(tests), encoding="utf-8")
        data = cm.as_json(tests, problems)
        matrix_json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if not matrix_json.exists():
        return None
    loaded: dict[str, Any] = json.loads(matrix_json.read_text(encoding="utf-8"))
    return loaded


# --- the bundle ----------------------------------------------------------------------------------


def _summary(manifest: dict[str, Any], matrix: dict[str, Any] | None) -> str:
    git = manifest["git"]
    v = manifest["versions"]
    lines = [
        "# Strongroom — validation evidence of one `make test` run",
        "",
        f"- Result: **{manifest['result']}**"
        + (f" (failed at: {manifest['failed_step']})" if manifest["failed_step"] else ""),
        f"- Finished: {manifest['finished_at']} (UTC)",
        f"- Commit: `{git['commit']}` on `{git['branch']}`"
        + (" — **working tree dirty** (see manifest.json)" if git["dirty"] else " — clean"),
        f"- Host: {manifest['host']['hostname']} ({manifest['host']['platform']})",
        f"- Python {v['python']}, Django {v['django']}, DRF {v['djangorestframework']}, "
        f"PostgreSQL {v['postgresql_server'] or '—'}, Redis {v['redis_server'] or '—'}, "
        f"Node {v['node'] or '—'}",
        "",
        "## Steps",
        "",
        "| Step | Result | Seconds |",
        "|---|---|---|",
    ]
    lines += [f"| {s['step']} | {s['status']} | {s['seconds']} |" for s in manifest["steps"]]
    lines += ["", "## Test suites (JUnit XML in this folder)", ""]
    lines += ["| Suite | File | Tests | Passed | Failed | Skipped |", "|---|---|---|---|---|---|"]
    for suite, totals in manifest["junit"].items():
        lines.append(
            f"| {SUITE_LABELS[suite]} | {JUNIT_FILES[suite]} | {totals.get('tests', '—')} | "
            f"{totals.get('passed', '—')} | {totals.get('failed', '—')} | "
            f"{totals.get('skipped', '—')} |"
        )
    if matrix is not None:
        needing = [c for c in matrix["clauses"] if c["proven"] is not None]
        proven = sum(1 for c in needing if c["proven"])
        lines += [
            "",
            "## Compliance matrix (compliance-matrix.md, .json)",
            "",
            f"{proven} of {len(needing)} System or Shared clauses proven by tests that ran and "
            "passed in this run's PostgreSQL pass.",
        ]
        shown = matrix["problems"][:20]
        lines += [f"- problem: {p}" for p in shown]
        if len(matrix["problems"]) > len(shown):
            lines.append(
                f"- … {len(matrix['problems']) - len(shown)} more in compliance-matrix.json"
            )
    lines += ["", "SHA256SUMS lists every file of this bundle with its SHA-256.", ""]
    return "\n".join(lines)


def write_bundle(evidence: Path, exit_code: int) -> dict[str, Any]:
    evidence.mkdir(parents=True, exist_ok=True)
    steps = read_steps(evidence / "steps.tsv")
    failed = [s["step"] for s in steps if s["status"] != "passed"]
    services_file = evidence / "services.json"
    services = (
        json.loads(services_file.read_text(encoding="utf-8")) if services_file.exists() else {}
    )
    matrix = compliance_matrix(evidence)
    manifest: dict[str, Any] = {
        "result": "passed" if exit_code == 0 and not failed else "failed",
        "exit_code": exit_code,
        "failed_step": failed[0] if failed else None,
        "finished_at": _utc_now(),
        "git": git_state(),
        "host": host(),
        "versions": versions(services),
        "steps": steps,
        "junit": {
            suite: junit_totals(evidence / name)
            for suite, name in JUNIT_FILES.items()
            if (evidence / name).exists()
        },
        "compliance": (
            {
                "clauses_proven": sum(1 for c in matrix["clauses"] if c["proven"]),
                "clauses_needing_tests": sum(
                    1 for c in matrix["clauses"] if c["proven"] is not None
                ),
                "problems": matrix["problems"],
            }
            if matrix is not None
            else None
        ),
    }
    (evidence / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    (evidence / "SUMMARY.md").write_text(_summary(manifest, matrix), encoding="utf-8")
    sums = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(evidence.iterdir())
        if path.is_file() and path.name != "SHA256SUMS"
    ]
    (evidence / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=(__doc__ or "").split("\n\n", 1)[-1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dir", type=Path, default=EVIDENCE, help="the bundle's folder")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--services", action="store_true", help="record the server versions")
    mode.add_argument("--exit-code", type=int, metavar="N", help="complete the bundle of a run")
    args = parser.parse_args(argv)
    if args.services:
        args.dir.mkdir(parents=True, exist_ok=True)
        (args.dir / "services.json").write_text(
            json.dumps(services_versions(), indent=2) + "\n", "utf-8"
        )
        return 0
    manifest = write_bundle(args.dir, args.exit_code)
    shown = args.dir.relative_to(REPO) if args.dir.is_relative_to(REPO) else args.dir
    sys.stdout.write(f"evidence bundle ({manifest['result']}): {shown}/SUMMARY.md\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
