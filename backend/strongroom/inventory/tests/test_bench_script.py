"""scripts/bench_inventory.py's own logic (issue #20's measurement): the scan plan, the figures
taken from the loop's records and the report's verdict. No network, no database."""

import base64
import json
from types import ModuleType

import pytest

from strongroom.core.testing import script_module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return script_module("bench_inventory")


SHELVES = [(1, [f"C1-{n}" for n in range(40)]), (2, [f"C2-{n}" for n in range(40)])]


def test_the_plan_scans_shelf_by_shelf_and_completes_each(bench: ModuleType) -> None:
    ops = bench.plan_scans(SHELVES, misplaced=0.1, missing=0.05, unknown=0.05, seed=3)
    dones = [n for n, op in enumerate(ops) if op.is_done]
    assert [ops[n].shelf for n in dones] == [1, 2]
    assert dones[-1] == len(ops) - 1  # the last shelf's done ends the audit
    assert all(op.shelf == 1 for op in ops[: dones[0]])
    assert all(op.shelf == 2 for op in ops[dones[0] + 1 : -1])
    scans = [op for op in ops if not op.is_done]
    codes = [op.code for op in scans]
    assert len(codes) == len(set(codes))  # a code is read once: every scan creates one
    kinds = {op.expect for op in scans}
    assert kinds == {"FOUND", "MISPLACED", "UNKNOWN"}
    for op in scans:
        if op.expect == "MISPLACED":  # read on the next shelf; only shelf 1 has one
            assert op.code.startswith("C1-")
            assert op.shelf == 2
        elif op.expect == "FOUND":
            assert op.code.startswith(f"C{op.shelf}-")
    read = {op.code for op in scans if op.expect != "UNKNOWN"}
    assert 0 < 80 - len(read) < 20  # some crates are missing (never read)


def test_the_plan_is_reproducible_from_its_seed(bench: ModuleType) -> None:
    one = bench.plan_scans(SHELVES, misplaced=0.1, missing=0.05, unknown=0.05, seed=3)
    assert one == bench.plan_scans(SHELVES, misplaced=0.1, missing=0.05, unknown=0.05, seed=3)
    assert one != bench.plan_scans(SHELVES, misplaced=0.1, missing=0.05, unknown=0.05, seed=4)


def test_a_scan_limit_keeps_the_dones_of_the_shelves_it_finishes(bench: ModuleType) -> None:
    ops = bench.plan_scans(SHELVES, misplaced=0.0, missing=0.0, unknown=0.0, seed=1)
    assert bench.limit_scans(ops, 0) == ops
    kept = bench.limit_scans(ops, 45)
    assert sum(not op.is_done for op in kept) == 45
    assert [op.shelf for op in kept if op.is_done] == [1]  # shelf 2 is not finished
    assert not kept[-1].is_done
    assert bench.limit_scans(ops, 40)[-1] == bench.Op(1)  # exactly one shelf: its done too


def test_growth_compares_the_first_and_last_fifth(bench: ModuleType) -> None:
    assert bench.growth([10.0, 20.0])["ratio"] is None  # too few to split
    flat = bench.growth([50.0] * 100)
    assert flat == {"first_p95_ms": 50.0, "last_p95_ms": 50.0, "ratio": 1.0, "grows": False}
    rising = bench.growth([float(n) for n in range(1, 101)])
    assert rising["first_p95_ms"] == 19.0  # the 19th of 1..20
    assert rising["last_p95_ms"] == 99.0  # nearest rank: the 19th of 81..100
    assert rising["grows"] is True


def test_scan_to_screen_runs_from_sending_to_the_event_of_the_answered_version(
    bench: ModuleType,
) -> None:
    op = bench.Op(1, "C1-1", "FOUND")
    records = [
        bench.Sent(op, sent=1.0, answered=1.05, version=2),
        bench.Sent(op, sent=2.0, answered=2.2, version=3),
        bench.Sent(op, sent=3.0, answered=3.1, version=4),  # its event never came
        bench.Sent(op, sent=4.0, error="HTTP 409"),
        bench.Sent(bench.Op(1), sent=5.0, answered=5.5, version=5),  # a shelf done
    ]
    arrivals = {2: 1.03, 3: 2.3, 5: 5.4}
    shown = {3: 2.5, 6: 9.0}
    summary = bench.summarise(records, arrivals, not_sent=1, shown=shown)
    assert summary["scans"] == 4
    assert summary["shelves_done"] == 1
    assert summary["scan_to_screen_ms"]["p50"] == 30.0
    assert summary["scan_to_screen_ms"]["max"] == 300.0
    assert summary["scan_post_ms"]["max"] == 200.0
    assert summary["done_post_ms"]["max"] == 500.0
    # version 2 was first shown with version 3's detail, 3 too; version 4 with version 6's
    assert summary["scan_to_refetched_ms"]["max"] == 6000.0
    assert summary["scan_to_refetched_ms"]["p50"] == 1500.0  # 1500, 500, 6000
    assert summary["errors"] == {
        "total": 3,
        "kinds": {
            "event never arrived": 1,
            "HTTP 409": 1,
            "not sent: client at its in-flight limit": 1,
        },
    }


def test_the_verdict_fails_on_a_slow_p95_on_any_error_and_on_no_figure(bench: ModuleType) -> None:
    good = {"scan_to_screen_ms": {"p95": 120.0}, "errors": {"total": 0}}
    assert bench.verdict(good, 300.0) == []
    assert bench.verdict(good, 100.0) == ["p95 scan-to-screen 120.0 ms > 100 ms"]
    assert bench.verdict({**good, "errors": {"total": 2}}, 300.0) == ["2 error(s)"]
    assert bench.verdict({"scan_to_screen_ms": {"p95": None}}, 300.0) == [
        "no scan-to-screen measured"
    ]


def test_the_report_shows_the_figures_the_target_and_the_commands(bench: ModuleType) -> None:
    results = {
        "settings": {"crates": 5000, "per_shelf": 50, "rate": 5.0, "target_ms": 300.0},
        "scan_to_screen_ms": {"p50": 40.0, "p95": 90.5, "p99": 120.0, "max": 150.0},
        "scan_post_ms": {"p50": 45.0, "p95": 95.0, "p99": 130.0, "max": 160.0},
        "errors": {"total": 0, "kinds": {}},
        "client_cpu": {"percent_of_core": 61.0, "starved": True},
        "close_ms": 240.0,
        "reconcile": {"findings": 3, "seconds": 0.4, "p50_ms": 100.0, "p95_ms": 120.0},
        "command": "python scripts/bench_inventory.py --crates 5000",
        "commands": ["manage.py migrate"],
        "verdict": [],
    }
    text = bench.markdown(results)
    assert "**40 / 90.5 / 120 / 150 ms** (target p95 <= 300.0 ms)" in text
    assert "61.0 % of one core (ABOVE 50 %" in text
    assert "| audit closed (signed) | 240.0 ms |" in text
    assert "3 in 0.4 s (p50 / p95 100.0 / 120.0 ms)" in text
    assert "python scripts/bench_inventory.py --crates 5000\nmanage.py migrate" in text
    assert "**Result: PASS**" in text
    failed = bench.markdown({**results, "verdict": ["2 error(s)"]})
    assert "**Result: FAIL: 2 error(s)**" in failed


def _jwt(claims: dict[str, int]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.signature"


def test_a_token_is_refreshed_ahead_of_its_expiry(bench: ModuleType) -> None:
    ten_minutes = _jwt({"iat": 1000, "exp": 1600, "user_id": 7})
    assert bench.token_times(ten_minutes) == (1000.0, 1600.0)
    assert bench.refresh_delay(ten_minutes, 1000.0) == 540.0  # a minute before it expires
    one_minute = _jwt({"iat": 1000, "exp": 1060})
    assert bench.refresh_delay(one_minute, 1000.0) == 45.0  # a quarter of a short lifetime
    assert bench.refresh_delay(one_minute, 2000.0) == 0.0  # overdue: at once
