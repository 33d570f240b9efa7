#!/usr/bin/env python3
"""What the request list's page would cost with other query shapes — evidence for the
recommendations of scripts/bench_api.py's profile, measured without changing the application.

    DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_DEBUG=0 DATABASE_URL=... \\
        backend/.venv/bin/python scripts/bench_variants.py [--rounds 200]

In-process, against a database seeded by ``manage.py seed_volume``, for the first page (50 rows)
of GET /api/v1/requests/ as goa1-approver; each variant builds the same JSON body:

  current      selectors.request_list_for_user + RequestListSerializer (what the view does)
  only         the same, with .only() on the joined models (no password hashes, no unused
               timestamps)
  annotate     no select_related: F() annotations for the four names/codes, one model per row,
               RequestListSerializer reading the annotations
  values       .values() of the same columns into dicts (a floor: no model instances, no DRF)
  auth         the per-request authorisation reads: role permissions and unit ids of a fresh
               user object (what each request pays before its list query)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--username", default="goa1-approver")
    args = p.parse_args(argv)
    if not 1 <= args.rounds <= 5000:
        p.error("--rounds 1..5000")
    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    from strongroom.accounts.models import User
    from strongroom.accounts.scope import user_unit_ids
    from strongroom.requests.models import Request
    from strongroom.requests.selectors import request_list_for_user
    from strongroom.requests.serializers import RequestListSerializer

    user = User.objects.select_related("role").get(username=args.username)
    render = JSONRenderer().render
    fields = RequestListSerializer.Meta.fields

    class AnnotatedSerializer(RequestListSerializer):
        unit_code = serializers.CharField()
        crate_code = serializers.CharField()
        requester_name = serializers.CharField()
        target_location_code = serializers.CharField(allow_null=True)

    def current() -> bytes:
        page = list(request_list_for_user(user=user)[:51])
        return render(RequestListSerializer(page[:50], many=True).data)

    def only() -> bytes:
        qs = request_list_for_user(user=user).only(
            *[f.name for f in Request._meta.concrete_fields],
            "unit__code",
            "crate__code",
            "requester__full_name",
            "target_location__full_code",
        )
        page = list(qs[:51])
        return render(RequestListSerializer(page[:50], many=True).data)

    def annotate() -> bytes:
        unit_ids = user_unit_ids(user)
        qs = Request.objects.order_by("-id").annotate(
            unit_code=F("unit__code"),
            crate_code=F("crate__code"),
            requester_name=F("requester__full_name"),
            target_location_code=F("target_location__full_code"),
        )
        if unit_ids is not None:
            qs = qs.filter(unit__in=unit_ids)
        page = list(qs[:51])
        return render(AnnotatedSerializer(page[:50], many=True).data)

    def values() -> bytes:
        unit_ids = user_unit_ids(user)
        qs = Request.objects.order_by("-id")
        if unit_ids is not None:
            qs = qs.filter(unit__in=unit_ids)
        derived = {"unit_code", "crate_code", "requester_name", "target_location_code", "overdue",
                   "unit", "crate", "requester", "target_location"}  # fmt: skip
        names = [f for f in fields if f not in derived]
        rows = list(
            qs.values(
                *names,
                "unit_id", "crate_id", "requester_id", "target_location_id",
                unit_code=F("unit__code"), crate_code=F("crate__code"),
                requester_name=F("requester__full_name"),
                target_location_code=F("target_location__full_code"),
            )[:51]
        )  # fmt: skip
        return render(rows[:50])

    def auth() -> bytes:
        fresh = User.objects.select_related("role").get(pk=user.pk)
        fresh.has_perm("workflow.view_request")
        user_unit_ids(fresh)
        return b""

    variants: dict[str, Callable[[], bytes]] = {
        "current": current,
        "only": only,
        "annotate": annotate,
        "values": values,
        "auth": auth,
    }
    report: dict[str, Any] = {}
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for name, fn in variants.items():
        with CaptureQueriesContext(connection) as queries:
            body = fn()
        report[name] = {"queries": len(queries.captured_queries), "bytes": len(body)}
        for _ in range(10):
            fn()
    # Round-robin, so that load from elsewhere on the machine hits every variant alike; the
    # thread's CPU time is the Python cost (the database's own time is not in it).
    for _ in range(args.rounds):
        for name, fn in variants.items():
            wall, cpu = time.perf_counter(), time.thread_time()
            fn()
            cpus[name].append(time.thread_time() - cpu)
            walls[name].append(time.perf_counter() - wall)
    for name in variants:
        report[name]["median_wall_ms"] = round(statistics.median(walls[name]) * 1000, 2)
        report[name]["median_cpu_ms"] = round(statistics.median(cpus[name]) * 1000, 2)
        sys.stdout.write(f"{name:<10} {json.dumps(report[name])}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
