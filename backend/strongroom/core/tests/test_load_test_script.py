"""scripts/load_test.py against a real Daphne on a free loopback port, and its loopback guard.

Daphne runs config.settings.test on a SQLite file of this test's own (DATABASE_URL and the Redis
URLs are removed from its environment, so the PostgreSQL pass does not change what it uses)."""

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from strongroom.core.testing import script_module

REPO = Path(__file__).resolve().parents[4]
BACKEND = REPO / "backend"
PYTHON = BACKEND / ".venv" / "bin" / "python"
SCRIPT = REPO / "scripts" / "load_test.py"
APP = ["config.asgi:application"]
_SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def daphne(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Daphne for the module's tests (starting one takes a few seconds)."""
    tmp_path = tmp_path_factory.mktemp("daphne")
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "STRONGROOM_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "migrate", "--noinput"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        timeout=180,
        check=True,
    )
    port = _free_port()
    log = (tmp_path / "daphne.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(BACKEND / ".venv" / "bin" / "daphne"), "-b", "127.0.0.1", "-p", str(port), *APP],
        cwd=BACKEND,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "daphne.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/healthz", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "Daphne did not answer /healthz within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRONGROOM_LOADTEST")}
    return subprocess.run(  # noqa: S603
        [str(PYTHON), str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_load_test_against_a_real_daphne(daphne: str, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = _run(
        "--base-url",
        daphne,
        "--scenarios",
        "healthz",
        "--duration",
        "3",
        "--concurrency",
        "4",
        "--min-success",
        "0.99",
        "--json",
        str(report_file),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "result: PASS" in result.stdout
    report = json.loads(report_file.read_text())
    healthz = report["scenarios"]["GET /healthz"]
    assert healthz["ok"] > 10
    assert healthz["errors"] == 0
    assert healthz["success_rate"] == 1.0
    assert healthz["throughput_rps"] > 0
    assert 0 < healthz["latency_ms"]["p50"] <= healthz["latency_ms"]["p95"]
    assert healthz["latency_ms"]["p95"] <= healthz["latency_ms"]["p99"]
    assert report["passed"] is True
    assert 2.5 < report["elapsed_s"] < 15


def test_load_test_criteria_set_the_exit_status(daphne: str, tmp_path: Path) -> None:
    # A throughput no server reaches: the run completes, reports and fails.
    result = _run(
        "--base-url", daphne, "--scenarios", "healthz", "--max-requests", "20",
        "--min-rps", "1000000", "--json", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL  min_rps" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["overall"]["requests"] == 20
    assert report["passed"] is False


def test_authenticated_scenarios_are_skipped_without_credentials(daphne: str) -> None:
    result = _run("--base-url", daphne, "--scenarios", "api,ws", "--duration", "1")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "needs --username" in result.stderr


@pytest.mark.parametrize(
    "url", ["http://192.0.2.10:8000", "http://example.com", "https://10.1.2.3", "http://0.0.0.0:80"]
)
def test_non_loopback_targets_are_refused(url: str, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = _run("--base-url", url, "--duration", "1", "--json", str(report_file))
    assert result.returncode == 2
    assert "refused" in result.stderr
    assert "--allow-host" in result.stderr
    assert not report_file.exists()


@pytest.mark.parametrize(
    ("host", "allowed", "refused"),
    [
        ("127.0.0.1", [], False),
        ("127.8.9.10", [], False),
        ("::1", [], False),
        ("localhost", [], False),
        ("LOCALHOST.", [], False),
        ("10.0.0.1", [], True),
        ("0.0.0.0", [], True),  # noqa: S104
        ("::ffff:8.8.8.8", [], True),
        ("127.0.0.1.nip.io", [], True),
        ("dms.example.com", [], True),
        ("dms.example.com", ["dms.example.com"], False),
        ("other.example.com", ["dms.example.com"], True),
    ],
)
def test_target_refusal(host: str, allowed: list[str], refused: bool) -> None:
    module = script_module("load_test")
    assert (module.target_refusal(host, allowed) is not None) is refused
