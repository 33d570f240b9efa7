#!/usr/bin/env python3
"""Where a list request spends its time: SQL queries per page and a cProfile of the Python side.

    DJANGO_SETTINGS_MODULE=config.settings.production DATABASE_URL=... (as for Daphne) \\
        backend/.venv/bin/python scripts/bench_profile.py --path /api/v1/requests/ \\
        [--path ...] [--requests 200] [--json FILE] [--text FILE]

Runs in-process (Django's test client, the full middleware and DRF stack, no network) against
the database the environment names, as the user $STRONGROOM_BENCH_USERNAME (default
goa1-approver) with a freshly issued access token. For each path: the SQL statements of one page
(django.test.utils.CaptureQueriesContext), the wall time per request over --requests requests,
and a cProfile of those requests — top functions by own time and by cumulative time, and own
time grouped by package. scripts/bench_api.py calls it after its load phases. Read-only: it
issues a token (no database write) and GETs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"


def _package(filename: str) -> str:
    """A readable bucket for a profiled function's file."""
    if filename.startswith(("~", "<")):
        return "builtins (C)"
    parts = Path(filename).parts
    for marker in ("site-packages", "strongroom", "config"):
        if marker in parts:
            i = parts.index(marker)
            rest = parts[i + 1 :] if marker == "site-packages" else parts[i:]
            if not rest:
                break
            if rest[0] in ("django", "rest_framework") and len(rest) > 2:
                return "/".join(rest[:2])
            return rest[0].removesuffix(".py")
    if "python3" in filename and "lib" in parts:
        return "stdlib:" + Path(filename).stem
    return Path(filename).stem


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--path", action="append", default=[], help="GET path (repeatable)")
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--json", help="write the figures as JSON")
    p.add_argument("--text", help="write the profiles and SQL as text")
    p.add_argument("--top", type=int, default=35)
    args = p.parse_args(argv)
    if not 1 <= args.requests <= 10_000:
        p.error("--requests 1..10000")
    paths = args.path or ["/api/v1/requests/"]

    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from strongroom.accounts.models import User
    from strongroom.accounts.tokens import session_tokens_issue

    username = os.environ.get("STRONGROOM_BENCH_USERNAME", "goa1-approver")
    user = User.objects.get(username=username)
    token = str(session_tokens_issue(user).access_token)
    host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_HOST=host,
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR="127.0.0.1",
    )
    pool = (settings.DATABASES["default"].get("OPTIONS") or {}).get("pool")
    report: dict[str, Any] = {
        "settings": settings.SETTINGS_MODULE,
        "user": username,
        "requests": args.requests,
        "database_pool": pool,
        "middleware": list(settings.MIDDLEWARE),
        "endpoints": {},
    }
    text = io.StringIO()
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            report["endpoints"][path] = {"status": response.status_code}
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        sql = [q["sql"] for q in queries.captured_queries]
        for _ in range(5):  # warm
            client.get(path)
        began = time.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        plain = (time.perf_counter() - began) / args.requests
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        profiled = (time.perf_counter() - began) / args.requests
        stats = pstats.Stats(profiler)
        by_package: dict[str, float] = defaultdict(float)
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        total = 0.0
        for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
            by_package[_package(filename)] += tottime
            total += tottime
        buckets = sorted(by_package.items(), key=lambda kv: -kv[1])[:20]
        report["endpoints"][path] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(sql),
            "sql": sql,
            "ms_per_request": round(plain * 1000, 2),
            "ms_per_request_profiled": round(profiled * 1000, 2),
            "own_time_share_by_package": {k: round(v / total, 3) for k, v in buckets},
        }
        text.write(f"\n{'=' * 100}\nGET {path}: {len(sql)} queries, {plain * 1000:.2f} ms/request "
                   f"({len(response.content)} bytes)\n")  # fmt: skip
        for i, statement in enumerate(sql, 1):
            text.write(f"  SQL {i}: {statement[:600]}\n")
        text.write("\nown time by package:\n")
        for name, seconds in buckets:
            text.write(f"  {seconds / total:6.1%}  {name}\n")
        for order in ("tottime", "cumulative"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(args.top)
            text.write(f"\n--- top {args.top} by {order}\n")
            text.write(buffer.getvalue().split("\n", 6)[-1])
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    if args.text:
        Path(args.text).write_text(text.getvalue())
    for path, figures in report["endpoints"].items():
        queries, ms = figures.get("queries"), figures.get("ms_per_request")
        sys.stdout.write(f"{path}: {queries} queries, {ms} ms/request\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
