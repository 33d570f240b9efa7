"""The reports of scripts/bench_api.py (scripts/lib/bench_api_report.py): a run that stopped
early still writes its report."""

from strongroom.core.testing import script_module

MACHINE = {
    "nproc": 2,
    "cpu": "test cpu",
    "ram_gib": 24,
    "postgres": "PostgreSQL 15",
    "redis": "Redis server v=7.0 sha=0",
    "nginx": "nginx/1.22",
    "python": "3.11",
}


def test_a_run_that_stopped_while_seeding_still_reports_its_error() -> None:
    report = script_module("lib.bench_api_report")
    text = report.markdown(
        {"machine": MACHINE, "started_at": "2026-11-23T09:00:00", "error": "COPY cancelled"}
    )
    assert "**Data:** ? documents, ? crates, ? requests, ? locations" in text
    assert "**The run stopped with an error:** COPY cancelled" in text


def test_a_complete_volume_is_written_with_separators() -> None:
    report = script_module("lib.bench_api_report")
    text = report.markdown(
        {
            "machine": MACHINE,
            "started_at": "2026-11-23T09:00:00",
            "volume": {"documents": 1_000_000, "crates": 200_000, "requests": 200_000},
        }
    )
    assert "**Data:** 1,000,000 documents, 200,000 crates, 200,000 requests" in text


def _fault(name: str, back: float, api: float, events: float) -> dict:
    return {"fault": name, "back_s": back, "api_s": api, "events_s": events, "worker_s": 1.0,
            "api_failures": 0}  # fmt: skip


def test_fault_targets_are_judged_per_run() -> None:
    bench_report = script_module("bench_report")
    chaos = {
        "passed": True,
        "runs": [
            {"wall_s": 170.0, "faults": [_fault("postgres", 5.0, 5.5, 5.6),
                                         _fault("redis", 2.0, 2.2, 2.5)], "checks": []},
            {"wall_s": 171.0, "faults": [_fault("postgres", 1.0, 7.0, 7.1),
                                         _fault("redis", 2.0, 2.1, 11.0)], "checks": []},
        ],
    }  # fmt: skip
    rows = {line.split(" | ")[0]: line for line in bench_report.faults_section(chaos)}
    # PostgreSQL: judged from the moment it is back (0.5 s, then 6.0 s: over 5 s).
    assert "after PostgreSQL is back — **not met**" in rows["| postgres"]
    assert "| 5.50 / 7.00 |" in rows["| postgres"]
    # Redis: every event at clients within 10 s of the fault (11.0 s in run 2).
    assert "— **not met**" in rows["| redis"]
    chaos["runs"][1]["faults"] = [_fault("postgres", 1.0, 5.5, 5.6), _fault("redis", 2, 2, 9.9)]
    rows = {line.split(" | ")[0]: line for line in bench_report.faults_section(chaos)}
    assert "— met" in rows["| postgres"]
    assert "— met" in rows["| redis"]
