"""The reports of scripts/bench_api.py: a run that stopped early still writes its report."""

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
    bench_api = script_module("bench_api")
    text = bench_api.markdown(
        {"machine": MACHINE, "started_at": "2026-11-23T09:00:00", "error": "COPY cancelled"}
    )
    assert "**Data:** ? documents, ? crates, ? requests, ? locations" in text
    assert "**The run stopped with an error:** COPY cancelled" in text


def test_a_complete_volume_is_written_with_separators() -> None:
    bench_api = script_module("bench_api")
    text = bench_api.markdown(
        {
            "machine": MACHINE,
            "started_at": "2026-11-23T09:00:00",
            "volume": {"documents": 1_000_000, "crates": 200_000, "requests": 200_000},
        }
    )
    assert "**Data:** 1,000,000 documents, 200,000 crates, 200,000 requests" in text
