"""scripts/lib/wrk.py, the closed-loop runner of scripts/bench_api.py: wrk's report read right,
and no ratio taken against a reference the client itself limited."""

from typing import Any

import pytest

from strongroom.core.testing import script_module

REPORT = """Running 2s test @ http://127.0.0.1:18778/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.48ms   12.02ms  73.07ms   71.23%
    Req/Sec    85.43     19.20   123.00     70.00%
  Latency Distribution
     50%   20.24ms
     75%   29.31ms
     90%   41.76ms
     99%    1.27s
  343 requests in 2.01s, 8.54MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:    170.42
Transfer/sec:      4.24MB
"""


@pytest.fixture
def wrk() -> Any:
    return script_module("lib.wrk")


def test_wrks_report_is_read_with_its_units(wrk: Any) -> None:
    report = wrk.parse_report(REPORT)

    assert report == {
        "requests": 343,
        "duration_s": 2.01,
        "throughput_rps": 170.42,
        "non_2xx": 5,
        "socket_errors": 3,
        "latency_ms": {"p50": 20.24, "p75": 29.31, "p90": 41.76, "p99": 1270.0},
    }
    with pytest.raises(wrk.WrkError):
        wrk.parse_report("unable to connect to 127.0.0.1:1 Connection refused")


def _run(wrk: Any, rps: float, client_per_thread: float) -> Any:
    return wrk.WrkRun(
        url="https://127.0.0.1/x", threads=2, connections=32, duration_s=20.0,
        requests=int(rps * 20), throughput_rps=rps, non_2xx=0, socket_errors=0,
        latency_ms={}, client_cpu_cores=2 * client_per_thread,
        client_cpu_cores_per_thread=client_per_thread,
        client_bound=client_per_thread >= wrk.CLIENT_BOUND_CORES_PER_THREAD,
        server_cpu_cores=1.0, server_cpu_ms_per_request=1000.0 / rps, command="wrk",
    )  # fmt: skip


def test_no_ratio_against_a_client_bound_reference(wrk: Any) -> None:
    endpoint = _run(wrk, 120.0, 0.2)

    assert wrk.ratio(endpoint, _run(wrk, 450.0, 0.3)) == pytest.approx(0.267, abs=0.001)
    assert wrk.ratio(endpoint, _run(wrk, 450.0, 0.9)) is None
