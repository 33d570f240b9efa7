"""Closed-loop load with wrk (Debian's, written in C), and what it cost on both sides.

The Python load generator (scripts/load_test.py) saturates a core of its own long before
nginx → Daphne does: a ratio to /healthz measured with it compares the client with itself.
wrk drives the same loop for a fraction of the CPU; this module runs it, reads its report, and
records the CPU it used (its own rusage) and the CPU the server processes used over the same
seconds (``/proc/<pid>/stat``), so every figure says whether the client was the limit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# A client thread this busy or busier was the bottleneck, not the server.
CLIENT_BOUND_CORES_PER_THREAD = 0.85
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

_LUA = """
wrk.headers["Authorization"] = os.getenv("WRK_AUTHORIZATION")
"""


class WrkError(Exception):
    pass


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is missing: apt-get install -y wrk")
    return path


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@dataclass(frozen=True)
class WrkRun:
    url: str
    threads: int
    connections: int
    duration_s: float
    requests: int
    throughput_rps: float
    non_2xx: int
    socket_errors: int
    latency_ms: dict[str, float]
    client_cpu_cores: float
    client_cpu_cores_per_thread: float
    client_bound: bool
    server_cpu_cores: float | None
    server_cpu_ms_per_request: float | None
    command: str

    def summary(self) -> dict[str, Any]:
        return asdict(self)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise WrkError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_report(text: str) -> dict[str, Any]:
    """wrk's text report (with --latency): requests, duration, throughput, errors, latency
    percentiles in milliseconds."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if done is None or rps is None:
        raise WrkError(f"wrk printed no result:\n{text[-1500:]}")
    latency = {
        f"p{p}": _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, flags=re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "requests": int(done[1]),
        "duration_s": _ms(f"{done[2]}{done[3]}") / 1000.0,
        "throughput_rps": float(rps[1]),
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0,
        "latency_ms": latency,
    }


def wrk_run(
    url: str,
    *,
    threads: int = 2,
    connections: int = 32,
    duration: int = 20,
    authorization: str = "",
    server_pids: list[int] | None = None,
) -> WrkRun:
    """One closed loop of ``connections`` for ``duration`` seconds: wrk's figures, its CPU, and
    the CPU of ``server_pids`` over the same time."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA)
    cmd = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "-s", script.name, url]  # fmt: skip
    env = {**os.environ, "WRK_AUTHORIZATION": authorization}
    try:
        before = {pid: process_cpu_seconds(pid) for pid in server_pids or []}
        proc = subprocess.Popen(  # noqa: S603 (Debian's wrk, fixed arguments)
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        assert proc.stdout is not None
        output = proc.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        after = {pid: process_cpu_seconds(pid) for pid in server_pids or []}
    finally:
        Path(script.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise WrkError(f"wrk failed ({proc.returncode}):\n{output[-1500:]}")
    report = parse_report(output)
    seconds = report["duration_s"] or float(duration)
    client = (usage.ru_utime + usage.ru_stime) / seconds
    server = sum(after[p] - before[p] for p in before) if before else None
    shown = " ".join([*cmd[:-3], url])
    return WrkRun(
        url=url,
        threads=threads,
        connections=connections,
        duration_s=round(seconds, 2),
        requests=report["requests"],
        throughput_rps=round(report["throughput_rps"], 1),
        non_2xx=report["non_2xx"],
        socket_errors=report["socket_errors"],
        latency_ms=report["latency_ms"],
        client_cpu_cores=round(client, 3),
        client_cpu_cores_per_thread=round(client / threads, 3),
        client_bound=client / threads >= CLIENT_BOUND_CORES_PER_THREAD,
        server_cpu_cores=None if server is None else round(server / seconds, 3),
        server_cpu_ms_per_request=(
            None
            if server is None or not report["requests"]
            else round(server * 1000.0 / report["requests"], 2)
        ),
        command=f"WRK_AUTHORIZATION='Bearer …' {shown}" if authorization else shown,
    )


def ratio(endpoint: WrkRun, reference: WrkRun) -> float | None:
    """The endpoint's throughput over the reference's, or None when the reference run was
    limited by the client (the ratio would measure wrk, not the server)."""
    if reference.client_bound or not reference.throughput_rps:
        return None
    return round(endpoint.throughput_rps / reference.throughput_rps, 3)
