"""scripts/load_test.py against a real Daphne on a free loopback port, and its loopback guard.

Daphne runs config.settings.test on a SQLite file of its own (strongroom/core/tests/conftest.py:
DATABASE_URL and the Redis URLs are removed from its environment, so the PostgreSQL pass does
not change what it uses)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from strongroom.core.testing import script_module
from strongroom.core.tests.conftest import PYTHON, REPO, ScriptDaphne

SCRIPT = REPO / "scripts" / "load_test.py"


@pytest.fixture(scope="module")
def daphne(script_daphne: ScriptDaphne) -> str:
    """The session's Daphne (strongroom/core/tests/conftest.py)."""
    return script_daphne.base


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
