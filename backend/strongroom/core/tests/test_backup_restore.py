"""scripts/backup.sh then scripts/restore.sh into an empty database gives the same data.

Runs in the PostgreSQL pass of `make test`, on a PostgreSQL server of its own (scripts/services.sh):
migrate, `initial_setup --demo`, back up, restore into a second, fresh database on the same
server, and compare every table's row count, every sequence and the audit chain (whose signed
checkpoints the restore verifies, read-only). Also: the database password never appears in the
scripts' output, rotation keeps one backup per day, a non-empty target is refused, and a damaged
backup is refused before anything is touched.
"""

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from strongroom.core.testing import private_servers

REPO = Path(__file__).resolve().parents[4]
BACKEND = REPO / "backend"
BACKUP = REPO / "scripts" / "backup.sh"
RESTORE = REPO / "scripts" / "restore.sh"
PYTHON = BACKEND / ".venv" / "bin" / "python"

pytestmark = pytest.mark.postgres


@pytest.fixture
def private_postgres() -> Iterator[dict[str, str]]:
    """A PostgreSQL (and Redis) of this test's own, so that nothing it does touches the suite's."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL + Redis pass")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("PostgreSQL client binaries are not installed")
    with private_servers() as env:
        yield env


def _run(
    args: list[str], env: dict[str, str], *, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        args, capture_output=True, text=True, timeout=timeout, cwd=BACKEND, env=env, check=False
    )


def _table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = conn.execute(query).fetchone()
            assert row is not None
            counts[table] = row[0]
        return counts


def _sequences(url: str) -> dict[str, int | None]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        return dict(rows.fetchall())


def _audit_chain(url: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, prev_hash, hash FROM compliance_auditevent ORDER BY id")
        return rows.fetchall()


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.mark.compliance("11.10(c)", "A11-7.2", "A11-17")
def test_backup_then_restore_gives_the_same_data(
    private_postgres: dict[str, str], tmp_path: Path
) -> None:
    port = private_postgres["PG_PORT"]
    # A password of this test's own, so that the output can be searched for it.
    password = "bk-" + secrets.token_urlsafe(24)
    # The owner runs migrate, backup and restore; DATABASE_URL is the application role's.
    with psycopg.connect(private_postgres["DATABASE_OWNER_URL"], autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER ROLE strongroom PASSWORD {}").format(sql.Literal(password)))
        for name in ("restored", "tampered"):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def url(database: str) -> str:
        return f"postgres://strongroom:{password}@127.0.0.1:{port}/{database}"

    source, restored, tampered = url("strongroom"), url("restored"), url("tampered")
    django_env = {
        **os.environ,
        **private_postgres,
        "DATABASE_URL": source,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "STRONGROOM_DEMO_PASSWORD": "demo-" + secrets.token_urlsafe(16),
        "STRONGROOM_ADMIN_PASSWORD": "admin-" + secrets.token_urlsafe(16),
        # Kept outside the database, as in production: initial_setup creates it.
        "STRONGROOM_AUDIT_SIGNING_KEY_FILE": str(tmp_path / "keys" / "audit-signing-key.pem"),
    }
    django_env.pop("PGPASSWORD", None)

    # --- a database with demo data, and some uploaded files ---------------------------------
    # verify_audit_chain signs the verified head: the backup holds a checkpoint to verify.
    for command in (["migrate", "--noinput"], ["initial_setup", "--demo"], ["verify_audit_chain"]):
        result = _run([str(PYTHON), "manage.py", *command], django_env)
        assert result.returncode == 0, f"manage.py {command[0]} failed: {result.stderr[-3000:]}"
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "batch-record.pdf").write_bytes(os.urandom(4096))
    (media / "labels.txt").write_text("CR-0001\n")

    # --- backup, with older backups to rotate ------------------------------------------------
    backups = tmp_path / "backups"
    old = ["strongroom-20200101-010000", "strongroom-20200102-010000", "strongroom-20200102-230000"]
    for name in old:
        (backups / name).mkdir(parents=True)
        (backups / name / "manifest.txt").write_text("format=1\n")
    (backups / "strongroom-notes").mkdir()  # not a backup: never touched
    (backups / "README.txt").write_text("off-site copies: see the runbook\n")

    backup = _run(
        [str(BACKUP), "--dir", str(backups), "--media-root", str(media), "--keep", "2"],
        {**django_env, "MEDIA_ROOT": str(media)},
    )
    output = backup.stdout + backup.stderr
    assert backup.returncode == 0, output
    assert password not in output
    made = sorted(p.name for p in backups.iterdir() if p.name not in old)
    new = [name for name in made if name.startswith("strongroom-2")]
    assert len(new) == 1, made
    # --keep 2: the newest backup of today and of the most recent earlier day.
    assert sorted(p.name for p in backups.iterdir()) == sorted(
        ["README.txt", "strongroom-notes", "strongroom-20200102-230000", new[0]]
    )
    folder = backups / new[0]
    assert sorted(p.name for p in folder.iterdir()) == ["db.dump", "manifest.txt", "media.tar.gz"]
    manifest = (folder / "manifest.txt").read_text()
    assert "file.db.dump.sha256=" in manifest
    assert "file.media.tar.gz.sha256=" in manifest
    assert "postgresql_server_version=15" in manifest
    assert password not in manifest

    # --- restore into the empty second database ---------------------------------------------
    restored_media = tmp_path / "restored-media"
    restore_env = {**django_env, "DATABASE_URL": restored, "MEDIA_ROOT": str(restored_media)}
    restore = _run([str(RESTORE), str(folder)], restore_env)
    output = restore.stdout + restore.stderr
    assert restore.returncode == 0, output
    assert password not in output
    assert "checksum ok  db.dump" in output
    assert "every migration of this code is applied" in output
    if (BACKEND / "strongroom/compliance/management/commands/verify_audit_chain.py").exists():
        assert "Audit chain intact" in output, output
        assert "1 checkpoint(s) verified" in output, output

    # --- the same data -----------------------------------------------------------------------
    source_counts, restored_counts = _table_counts(source), _table_counts(restored)
    assert restored_counts == source_counts
    assert source_counts["compliance_auditevent"] > 0
    assert source_counts["compliance_auditcheckpoint"] == 1  # restore verified without writing
    assert source_counts["accounts_user"] > 5  # the demo users
    assert _sequences(restored) == _sequences(source)
    chain = _audit_chain(source)
    assert _audit_chain(restored) == chain
    assert all(prev == before[2] for (_, prev, _), before in zip(chain[1:], chain, strict=False))
    assert _files(restored_media) == _files(media)
    # The append-only trigger came back with the data.
    with psycopg.connect(restored) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE compliance_auditevent SET reason = 'edited'")
    # ... and the application role its privileges (not restored: granted by migrate).
    app_url = urlsplit(private_postgres["DATABASE_URL"])._replace(path="/restored").geturl()
    with psycopg.connect(app_url) as conn:
        row = conn.execute("SELECT count(*) FROM compliance_auditevent").fetchone()
        assert row is not None
        assert row[0] == source_counts["compliance_auditevent"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("UPDATE compliance_auditevent SET reason = 'edited'")

    # --- a second restore into the now non-empty database is refused ------------------------
    again = _run([str(RESTORE), str(folder)], restore_env)
    assert again.returncode == 3, again.stdout + again.stderr
    assert "not empty" in again.stderr
    assert _table_counts(restored) == source_counts
    # ... unless --force, which replaces what is there (changed here first, to see it go).
    with psycopg.connect(restored, autocommit=True) as conn:
        conn.execute("CREATE TABLE leftover (id int)")
        conn.execute("DELETE FROM django_session")
    forced = _run([str(RESTORE), "--force", "--skip-django", str(folder)], restore_env)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert _table_counts(restored) == source_counts
    assert _audit_chain(restored) == chain

    # --- a damaged backup is refused before anything is touched -----------------------------
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    dump = bytearray((damaged / "db.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (damaged / "db.dump").write_bytes(bytes(dump))
    refused = _run(
        [str(RESTORE), "--no-media", str(damaged)], {**restore_env, "DATABASE_URL": tampered}
    )
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "CHECKSUM MISMATCH  db.dump" in refused.stderr
    assert _table_counts(tampered) == {}
