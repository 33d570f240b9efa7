"""scripts/bench_sign.py at a tiny size against a real Daphne (approvers of two units approving
SUBMITTED requests with signatures), so that the script cannot rot; and its rule that a phase
measured on a CPU-bound load generator is not reported (issue #22 item 1).

Daphne runs config.settings.test on a SQLite file (strongroom/core/tests/conftest.py), seeded
here with the suite's factories: the figures mean nothing, the run proves the signing loop, the
accounting and the report."""

import json
import os
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.core.testing import script_module
from strongroom.core.tests.conftest import BACKEND, PYTHON, REPO, ScriptDaphne

# Its own Daphne on its own SQLite file: the same run in either pass of make test.
pytestmark = pytest.mark.single_pass

SCRIPT = REPO / "scripts" / "bench_sign.py"
APPROVERS = "goa1-approver,goa1-approver2,mum1-approver"
# Two units, each with a requester and two approvers (password TEST_PASSWORD); four SUBMITTED
# requests in GOA1 and two in MUM1.
SEED = """
from strongroom.accounts import roles
from strongroom.accounts.setup import roles_sync
from strongroom.accounts.tests.factories import UnitFactory, UserFactory
from strongroom.requests.tests.factories import RequestFactory

roles_sync()
for code, count in (("GOA1", 4), ("MUM1", 2)):
    unit = UnitFactory(code=code)
    prefix = code.lower()
    manager = UserFactory(username=f"{prefix}-manager", role_name=roles.DOCUMENT_MANAGER,
                          units=[unit])
    for suffix in ("approver", "approver2"):
        UserFactory(username=f"{prefix}-{suffix}", role_name=roles.APPROVER, units=[unit])
    for _ in range(count):
        RequestFactory(crate__unit=unit, crate__created_by=manager)
"""


@pytest.fixture(scope="module")
def seeded(script_daphne: ScriptDaphne) -> ScriptDaphne:
    subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "shell", "-c", SEED],
        cwd=BACKEND,
        env=script_daphne.env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return script_daphne


def _statuses(database: Path) -> Counter[str]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT status, count(*) FROM workflow_request GROUP BY 1")
        return Counter(dict(rows.fetchall()))


def _run(*args: str, password: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRONGROOM_BENCH")}
    if password:
        env["STRONGROOM_BENCH_PASSWORD"] = password
    return subprocess.run(  # noqa: S603
        [str(PYTHON), str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_bench_sign_approves_with_signatures_and_reports(
    seeded: ScriptDaphne, tmp_path: Path
) -> None:
    before = _statuses(seeded.database)
    assert before["SUBMITTED"] == 6, before
    result = _run(
        "--base-url", seeded.base, "--approvers", APPROVERS, "--warmup", "0",
        "--rate", "3", "--duration", "1", "--out", str(tmp_path), password=TEST_PASSWORD,
    )  # fmt: skip
    assert result.returncode in (0, 3), result.stdout + result.stderr[-3000:]
    report = json.loads((tmp_path / "bench_sign.json").read_text())
    assert "error" not in report, report.get("error")
    opened, closed = report["phases"]["open"], report["phases"]["closed"]
    assert opened["signatures"] == 3  # 3/s for 1 s, one per signer
    assert opened["errors"] == closed["errors"] == 0
    signed = opened["signatures"] + closed["signatures"]
    # Every SUBMITTED request was approved, once: four in GOA1 shared by its two approvers, two
    # in MUM1 for its one.
    assert signed == report["pool"] == 6
    assert report["remaining_pool"] == 0
    after = _statuses(seeded.database)
    assert after["APPROVED"] - before["APPROVED"] == signed
    assert before["SUBMITTED"] - after["SUBMITTED"] == signed
    for phase in (opened, closed):
        assert 0 <= phase["client_cpu_share_of_a_core"] <= 1
        assert phase["server_cpu_ms_per_signature"] is None  # no Daphne process of its own
        shown = phase["latency_ms"] or phase["measured_anyway"]["latency_ms"]
        assert 0 < shown["p50"] <= shown["p95"] <= shown["p99"]
        assert (phase["withheld"] is None) == (phase["latency_ms"] is not None)
    assert result.returncode == (3 if opened["withheld"] or closed["withheld"] else 0)
    assert "signed-action benchmark" in (tmp_path / "bench_sign.md").read_text()
    assert TEST_PASSWORD not in result.stdout + result.stderr


def test_a_wrong_password_is_an_error_not_a_figure(seeded: ScriptDaphne, tmp_path: Path) -> None:
    result = _run(
        "--base-url", seeded.base, "--approvers", "goa1-approver", "--duration", "1",
        "--out", str(tmp_path), password="not-the-password",
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    report = json.loads((tmp_path / "bench_sign.json").read_text())
    assert "login as goa1-approver" in report["error"]
    assert "phases" not in report


@pytest.mark.parametrize("url", ["http://192.0.2.10:8000", "https://dms.example.com"])
def test_non_loopback_targets_are_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    bench = script_module("bench_sign")
    with pytest.raises(SystemExit) as stopped:
        bench.parse_args(["--base-url", url, "--approvers", "a"])
    assert stopped.value.code == 2
    assert "refused" in capsys.readouterr().err


def _phase(bench: Any, *, client: float, wall: float, ok: int) -> dict[str, Any]:
    window = bench.CpuWindow(server_pids=[], wall=wall, client=client)
    phase = bench.Phase("closed loop", latencies=[0.05] * ok)
    return dict(bench.phase_summary(phase, window, client_cpu_max=0.5, load_before=(1.0,)))


def test_figures_of_a_client_bound_phase_are_withheld() -> None:
    bench = script_module("bench_sign")
    reported = _phase(bench, client=4.0, wall=10.0, ok=200)  # 40 % of a core
    assert reported["withheld"] is None
    assert reported["signatures_per_second"] == 20.0
    assert reported["latency_ms"]["p95"] == 50.0
    assert reported["client_cpu_ms_per_signature"] == 20.0

    withheld = _phase(bench, client=9.0, wall=10.0, ok=200)  # 90 % of a core
    assert withheld["withheld"].startswith("client-bound: the load generator used 90% of a core")
    assert withheld["signatures_per_second"] is None
    assert withheld["latency_ms"] is None
    assert withheld["measured_anyway"]["signatures_per_second"] == 20.0
    assert bench.targets_met({"closed": withheld}) == {
        "p95_ms_max": None,
        "signatures_per_second_min": None,
    }
    assert "withheld" in bench.markdown(
        {
            "started_at": "t",
            "machine": {"nproc": 2, "cpu": "x", "ram_gib": 1, "python": "3.11"},
            "settings": {"users": 1, "rate": 0.0, "duration": 1.0, "warmup": 0.0},
            "phases": {"closed": {"label": "closed loop", **withheld}},
        }
    )
    nothing = _phase(bench, client=0.1, wall=10.0, ok=0)
    assert nothing["withheld"] == "no signature succeeded"
