"""The reports of scripts/bench_api.py (scripts/lib/bench_api_report.py): a run that stopped
early still writes its report; scripts/bench_report.py judges faults per run and signed actions
without the figures of a client-bound phase."""

import json
from pathlib import Path
from typing import Any

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


def test_signed_actions_are_judged_and_a_client_bound_phase_is_not(tmp_path: Path) -> None:
    bench_report = script_module("bench_report")
    common = {"errors": 0, "machine_cpu_busy": 0.9, "load_average_before": [1.5, 1.0, 0.5],
              "server_cpu_ms_per_signature": 61.0}  # fmt: skip
    sign = {
        "settings": {"users": 8, "rate": 20.0},
        "phases": {
            "open": {**common, "signatures": 600, "withheld": None,
                     "latency_ms": {"p50": 48.0, "p95": 121.5}, "client_cpu_share_of_a_core": 0.1},
            "closed": {**common, "signatures": 900, "signatures_per_second": None,
                       "latency_ms": None, "client_cpu_share_of_a_core": 0.7,
                       "withheld": "client-bound: the load generator used 70% of a core"},
        },
    }  # fmt: skip
    (tmp_path / "sign").mkdir()
    (tmp_path / "sign" / "bench_sign.json").write_text(json.dumps(sign))
    (tmp_path / "summary.json").write_text(json.dumps({"machine": MACHINE, "commands": {}}))
    rows = {
        line.split(" | ")[0]: line
        for line in bench_report.document(tmp_path).splitlines()
        if line.startswith("| sig")
    }
    opened = rows["| signed action p50 / p95 at 20/s open loop (8 users)"]
    assert "48.0 / 121.5 ms (0 errors of 600; client 0.10 of a core, Daphne 61.0 ms" in opened
    assert "load average 1.5" in opened
    assert opened.endswith("| met |")
    closed = rows["| signatures per second, 8 users in a closed loop"]
    assert "withheld: client-bound" in closed
    assert closed.endswith("| not measured |")


def test_a_wrk_closed_loop_shows_both_sides_cpu_next_to_its_ratio() -> None:
    bench_report = script_module("bench_report")
    wrk = {"throughput_rps": 200.0, "client_cpu_cores": 0.017, "server_cpu_ms_per_request": 9.22}
    healthz = {"throughput_rps": 2000.0, "client_cpu_cores": 0.072,
               "server_cpu_ms_per_request": 0.83}  # fmt: skip
    fig = {"closed": wrk, "healthz": healthz}
    assert bench_report.closed_detail(fig) == (
        "; wrk 0.02 and 0.07 of a core; Daphne 9.22 vs 0.83 ms CPU per request"
    )
    assert bench_report.used_wrk({"figures": {"/api/v1/crates/": fig}})
    (row,) = bench_report.cpu_row("/api/v1/crates/", fig, {"daphne_cpu_ms_per_request_max": 7.5})
    assert row[1:] == ("≤ 7.5 ms", "9.22 ms (/healthz 0.83)", "**not met**")
    wrk["server_cpu_ms_per_request"] = 6.1
    assert bench_report.cpu_row("/api/v1/crates/", fig, {})[0][3] == "met"
    python = {"closed": {"throughput_rps": 90.0}, "healthz": {"throughput_rps": 150.0}}
    assert bench_report.closed_detail(python) == ""
    assert bench_report.cpu_row("/api/v1/crates/", python, {}) == []
    assert not bench_report.used_wrk({"figures": {"/api/v1/crates/": python}})


def _volume(
    documents: int, p95: float, rate: float, growth: float, seconds: float
) -> dict[str, Any]:
    return {
        "sizes": {
            "documents": documents,
            "crates": documents // 5,
            "requests": documents // 5,
            "events": documents // 10,
        },
        "figures": {
            "crates page 1": {"p50": p95 / 2, "p95": p95, "max": p95, "samples": 200},
            "reports/dashboard": {"p50": 10.0, "p95": 12.0, "max": 13.0, "samples": 200},
            "CSV /api/v1/reports/inventory/": {
                "rows": documents // 10,
                "rows_per_second": rate,
                "rss_growth_mib": growth,
                "first_byte_ms": seconds / 10,
            },
        },
        "database": {"bytes": documents * 800, "tables": {}},
        "seed": {"seconds_wall": seconds},
    }


def test_the_volume_table_judges_each_figure_against_one_point_three_times() -> None:
    report = script_module("bench_report")
    lines = report.volume_section(
        _volume(1_000_000, 10.0, 20_000.0, 4.0, 300.0),
        _volume(10_000_000, 14.0, 19_000.0, 60.0, 3000.0),
    )
    text = "\n".join(lines)
    assert "## Ten times the data (1M and 10M documents)" in text
    row = next(line for line in lines if line.startswith("| crates page 1 |"))
    assert "| 1.40 | ≤ 1.3 times | **not met** |" in row  # 14 ms against 10 ms
    dashboard = next(line for line in lines if line.startswith("| reports/dashboard |"))
    assert "| 1.00 |" in dashboard
    assert dashboard.endswith("| met |")
    rate = next(line for line in lines if "rows per second" in line)
    assert "1.05 slower" in rate
    assert rate.endswith("| met |")
    memory = next(line for line in lines if "memory growth" in line)
    assert "+4.0 MiB | +60.0 MiB | 15.00" in memory  # memory followed the rows: not constant
    assert memory.endswith("| **not met** |")
    assert "| seeding time (`seed_volume --vacuum`) | 300 s | 3,000 s | 10.00 |" in text
    first = next(line for line in lines if "first byte" in line)
    assert "| 30.0 ms | 300.0 ms | 10.00 |" in first  # the whole export sorted before a row
    assert first.endswith("| **not met** |")
    # What would change beyond one machine, in the larger run's numbers.
    assert "0.75 GiB of database per million documents" in text  # 8e9 B for 10M
    assert "about 75 GiB" in text
    assert "seeding ran at 3,333 documents/s" in text


def test_a_volume_run_that_stopped_says_so() -> None:
    report = script_module("bench_report")
    large = _volume(10_000_000, 14.0, 19_000.0, 4.0, 3000.0)
    large["error"] = "BenchError: reports/dashboard answered 504"
    text = "\n".join(report.volume_section(_volume(1_000_000, 10.0, 20_000.0, 4.0, 300.0), large))
    assert "**The 10M run stopped:** BenchError: reports/dashboard answered 504" in text


def test_a_reused_database_is_said_to_be_one() -> None:
    report = script_module("bench_report")
    large = _volume(10_000_000, 14.0, 19_000.0, 4.0, 3000.0)
    large["seed"].update(
        reused_from="var/bench/a/volume.json",
        reused_from_started_at="2026-12-07T06:15:40",
        migrate_seconds=61.5,
    )
    text = "\n".join(report.volume_section(_volume(1_000_000, 10.0, 20_000.0, 4.0, 300.0), large))
    assert "The 10M database was seeded by an earlier run (started 2026-12-07T06:15 UTC)" in text
    assert "migrated to this code in 61.5 s" in text


def test_an_alternating_run_says_so() -> None:
    report = script_module("bench_report")
    small, large = (
        _volume(1_000_000, 10.0, 20_000.0, 4.0, 300.0),
        _volume(10_000_000, 11.0, 19_000.0, 4.0, 3000.0),
    )
    plain = "\n".join(report.volume_section(small, large))
    assert "Measured alternately" not in plain
    small["interleaved_with"], large["interleaved_with"] = "var/b/volume-10m", "var/b/volume-1m"
    large["figures"]["crates page 1"]["rounds"] = 10
    text = "\n".join(report.volume_section(small, large))
    assert "went to 1M and 10M in turn, 10 rounds" in text


def test_the_paired_database_is_read_as_a_shell_would() -> None:
    volume = script_module("bench_volume")
    text = (
        "# the 10M copy\n"
        "export DATABASE_URL='postgres://a:b@127.0.0.1:5/s' DATABASE_OWNER_URL='postgres://o@h/s'\n"
        "export STRONGROOM_DB_APP_ROLE=strongroom_app\n"
        "export REDIS_URL='redis://:p w@127.0.0.1:6/0'\n"
    )
    assert volume.assignments(text) == {
        "DATABASE_URL": "postgres://a:b@127.0.0.1:5/s",
        "DATABASE_OWNER_URL": "postgres://o@h/s",
        "STRONGROOM_DB_APP_ROLE": "strongroom_app",
        "REDIS_URL": "redis://:p w@127.0.0.1:6/0",
    }
