"""The loopback production topology the checks run against, and their reporting."""

from __future__ import annotations

import contextlib
import json
import secrets
import ssl
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from lib import api
from lib.topology import Topology, TopologyError, make_logger

HOST = "localhost"  # the name in the generated certificate; resolves to 127.0.0.1
REQUESTER, APPROVER = "goa1-manager", "goa1-approver"
BEAT_TASK = "strongroom.accounts.tasks.flush_expired_tokens"
# The attachment uploaded (with random bytes appended: new content on every run).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

log = make_logger("topology")


class Stop(Exception):  # noqa: N818 (raised by the signal handlers)
    pass


class Base(Topology):
    def __init__(self) -> None:
        super().__init__(log=log)
        self.password = "Topology-" + secrets.token_urlsafe(18)
        self.secrets: dict[str, str] = {"the demo password": self.password}
        self.passed = 0
        self.failed: list[str] = []
        self.daphne_list: list[int] = []
        self.tls: ssl.SSLContext | None = None
        self.began = time.monotonic()

    # ------------------------------------------------------------------ reporting

    def section(self, title: str) -> None:
        sys.stdout.write(f"\n==> {title} [{time.monotonic() - self.began:.0f} s]\n")
        sys.stdout.flush()

    def check(self, ok: object, text: str) -> bool:
        sys.stdout.write(f"    {'ok   ' if ok else 'FAIL '} {text}\n")
        sys.stdout.flush()
        if ok:
            self.passed += 1
        else:
            self.failed.append(text)
        return bool(ok)

    def secret(self, label: str, value: str) -> None:
        """Remember a value that must appear in no log."""
        self.secrets[label] = value

    # ------------------------------------------------------------------ the deployment

    def deployment_up(self) -> None:
        began = time.monotonic()
        self.services_up()
        redis_password = urlsplit(self.services_env["CACHE_URL"]).password
        if redis_password:
            self.secret("the Redis password", redis_password)
        env = self.setup_env(
            self.password,
            {
                "MEDIA_ROOT": str(self.work / "media"),
                # The demo's hundreds of notification tasks go to a broker that ends with the
                # command: the worker's answer to the approval below is not queued behind them.
                "CELERY_BROKER_URL": "memory://",
            },
        )
        py = sys.executable
        # Side by side where nothing depends on the other: the Daphne processes, the worker
        # (neither touches the database before a request or a task comes), nginx and
        # collectstatic (production settings, no database) start while migrate and
        # initial_setup run; Beat once the schedule it reads is in place. (--skip-checks:
        # `make test` runs the system checks already; here they would cost seconds each.)
        # INFO (for the worker and Beat too), so that the logs scanned for secrets hold what
        # the processes do.
        # (Daphne and the worker read the same environment.) The e-mails of a notification go
        # out in a flush 1 s after it instead of 60 s: the check waits for them.
        self.daphne_list = self.daphnes_up(
            2, {"DJANGO_LOG_LEVEL": "INFO", "STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS": "1"}
        )
        self.worker_up()
        self.nginx_up(self.daphne_list)
        self.start([py, "manage.py", "collectstatic", "--no-input", "-v", "0", "--skip-checks"],
                   env=self.production_env(), name="collectstatic")  # fmt: skip
        self.demo_data_up(env, skip_checks=True)
        self.beat_schedule_shorten()
        self.beat_up()
        self.finish("collectstatic", timeout=60)
        log(f"data ready in {time.monotonic() - began:.0f} s")
        self.wait_ready(timeout=60)
        log(f"deployment ready in {time.monotonic() - began:.0f} s")

    def beat_schedule_shorten(self) -> None:
        """The periodic task runs hourly or daily; here Beat is to send it every second."""
        with psycopg.connect(self.services_env["DATABASE_URL"], autocommit=True) as conn:
            row = conn.execute(
                "INSERT INTO django_celery_beat_intervalschedule (every, period) "
                "VALUES (1, 'seconds') RETURNING id"
            ).fetchone()
            assert row is not None
            updated = conn.execute(
                "UPDATE django_celery_beat_periodictask SET interval_id = %s, crontab_id = NULL, "
                "last_run_at = NULL WHERE task = %s",
                (row[0], BEAT_TASK),
            ).rowcount
        if updated != 1:
            raise TopologyError(f"initial_setup registered no periodic task {BEAT_TASK}")

    # ------------------------------------------------------------------ clients

    @property
    def url(self) -> str:
        """nginx's HTTPS address under the certificate's name (``base`` is by IP address)."""
        return f"https://{HOST}:{self.https_port}"

    def context(self) -> ssl.SSLContext:
        if self.tls is None:
            self.tls = ssl.create_default_context(cafile=str(self.certificate))
        return self.tls

    @contextlib.contextmanager
    def client(self, source: str = "127.0.0.1") -> Iterator[httpx.Client]:
        transport = httpx.HTTPTransport(verify=self.context(), local_address=source)
        with httpx.Client(
            base_url=self.url, transport=transport, trust_env=False, timeout=20
        ) as client:
            yield client

    def login(self, client: httpx.Client, username: str) -> dict[str, Any]:
        try:
            tokens = api.login(client, username, self.password)
        except api.ApiError as exc:
            raise TopologyError(str(exc)) from exc
        self.secret(f"{username}'s access token", tokens.access)
        self.secret(f"{username}'s refresh token", tokens.refresh)
        return tokens.body

    @staticmethod
    def bearer(session: dict[str, Any]) -> dict[str, str]:
        return api.bearer(session["access"])

    def access_records(self) -> list[dict[str, Any]]:
        time.sleep(0.2)  # nginx writes the line after the response
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [json.loads(line) for line in lines if line.strip()]


def json_body(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
