"""A real Daphne for the tests of the scripts that load it (scripts/load_test.py,
scripts/bench_sign.py): one per test session (starting one, and migrating its database, takes
a while), on a free loopback port, with config.settings.test on a migrated SQLite file of its own
(DATABASE_URL, the Redis URLs and the STRONGROOM_ variables are removed from its environment, so
the PostgreSQL pass does not change what it uses)."""

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[4]
BACKEND = REPO / "backend"
PYTHON = BACKEND / ".venv" / "bin" / "python"
APP = ["config.asgi:application"]
_SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")


@dataclass(frozen=True)
class ScriptDaphne:
    base: str
    database: Path
    env: dict[str, str]  # Daphne's: for manage.py commands against the same database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def script_daphne(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptDaphne]:
    tmp_path = tmp_path_factory.mktemp("daphne")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _SERVER_VARIABLES and not k.startswith("STRONGROOM_")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "STRONGROOM_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STRONGROOM_AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing-key.pem"),
        }
    )
    subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "migrate", "--noinput"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        timeout=300,
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
        yield ScriptDaphne(base=base, database=tmp_path / "db.sqlite3", env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
