#!/usr/bin/env python3
"""The production topology without containers, end to end, on loopback (`make test`).

    backend/.venv/bin/python scripts/check_production_topology.py [--timeout 100] [--logs DIR]

What it starts (scripts/lib/topology.py; free loopback ports, one temporary directory):
  PostgreSQL 15 + Redis   throw-away instances (scripts/services.sh)
  data                    manage.py migrate; initial_setup --demo (config.settings.local with
                          DJANGO_DEBUG=0 against the same database: --demo is refused by the
                          production settings); collectstatic (production settings)
  2 Daphne processes      config.settings.production, a random DJANGO_SECRET_KEY
  Celery worker and Beat  config.settings.production (Beat with the database scheduler)
  nginx                   this repository's nginx/ configuration with a fresh self-signed
                          certificate for "localhost", in front of the two Daphne processes

What it checks, printing ok/FAIL per check (exit status 1 if any fails):
  TLS            the handshake verifies against the generated certificate (and fails against
                 the system's CAs); http:// redirects to https://
  API            HTTPS login as demo users (JWT pair), a token refresh, /auth/me/, lists
  headers        HSTS, CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, once each,
                 on the SPA, an API answer, API errors (401, 404) and nginx's own 404
  static         /static/admin/... served by nginx itself (no upstream in the access log)
  attachments    an upload through nginx; the download answered by Daphne with an empty body and
                 X-Accel-Redirect, and by nginx with the file (attachment, sandbox CSP, nosniff,
                 no-store); /media/<path> and /protected-media/<path> are 404
  real time      wss:// through nginx with the Origin checked (a foreign one is refused): two
                 sockets (one on each Daphne process) authenticate with their first message;
                 an approval made through the API by another role arrives on both as a request
                 event, and the Celery worker's notification as a notification event
  Celery         the worker ran the notification task and recorded the e-mails it sent; Beat
                 sent a periodic task (its schedule set to 1 s here) that the worker ran
  upstreams      both Daphne processes answered requests (upstream_addr in nginx's JSON log)
  /metrics       answers on a Daphne port, denied through nginx
  edges          /api/v1/schema/ and /api/v1/docs/ answer 401 anonymously, 200 signed in; a
                 client's X-Request-ID is neither the answered nor the audited request id (nginx's
                 own is both); Redis answers a PING without its password with NOAUTH
  rate limits    200 sign-in forms naming 200 users from one address (127.0.0.2; 127.0.0.1 is
                 exempt) pass nginx and the backend, then nginx's per-address ceiling answers 429
                 in the API's JSON error envelope; the backend's username throttle answers 429
                 in it too
  logs           no access or refresh token and no password (Redis's included) in nginx's access
                 or error log, nor in the Daphne, worker or Beat logs; /ws/ lines carry no query
                 string
  database roles migrate and initial_setup ran as the owner (DATABASE_OWNER_URL); Daphne, the
                 worker and Beat log in as the application role (DATABASE_URL): every other
                 session on the database is that role's; through its URL it is no superuser, owns
                 no table, and TRUNCATE, DISABLE TRIGGER, DROP TABLE, UPDATE/DELETE of an audit
                 event and SET session_replication_role = replica are refused

One to one and a half minutes on the 2-core machine. Bounded: gives up after --timeout
seconds (default 100; stopping everything takes a few more). Everything it started is stopped
and its temporary directory removed on success, on failure, on the timeout and on Ctrl-C /
SIGTERM; --logs DIR keeps a copy of every log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import secrets
import signal
import socket
import ssl
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg.conninfo import conninfo_to_dict
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib.topology import Topology, TopologyError, make_logger

HOST = "localhost"  # the name in the generated certificate; resolves to 127.0.0.1
REQUESTER, APPROVER = "goa1-manager", "goa1-approver"
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
BEAT_TASK = "strongroom.accounts.tasks.flush_expired_tokens"
# The attachment uploaded (with random bytes appended: new content on every run).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

log = make_logger("topology")


class Stop(Exception):  # noqa: N818 (raised by the signal handlers)
    pass


class Check(Topology):
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
        self.daphne_list = self.daphnes_up(2, {"DJANGO_LOG_LEVEL": "INFO"})
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
        response = client.post(
            "/api/v1/auth/login/", json={"username": username, "password": self.password}
        )
        if response.status_code != 200:
            raise TopologyError(f"login as {username}: HTTP {response.status_code}")
        body: dict[str, Any] = response.json()
        self.secret(f"{username}'s access token", body["access"])
        self.secret(f"{username}'s refresh token", body["refresh"])
        return body

    @staticmethod
    def bearer(session: dict[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {session['access']}"}

    def access_records(self) -> list[dict[str, Any]]:
        time.sleep(0.2)  # nginx writes the line after the response
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [json.loads(line) for line in lines if line.strip()]

    # ------------------------------------------------------------------ checks

    def check_tls(self) -> None:
        self.section("TLS")
        with (
            socket.create_connection(("127.0.0.1", self.https_port), timeout=10) as raw,
            self.context().wrap_socket(raw, server_hostname=HOST) as tls,
        ):
            peer = tls.getpeercert()
            self.check(
                peer and tls.version() in ("TLSv1.2", "TLSv1.3"),
                f"TLS handshake verified against the generated certificate ({tls.version()}, "
                f"hostname {HOST})",
            )
        try:
            with (
                socket.create_connection(("127.0.0.1", self.https_port), timeout=10) as raw,
                ssl.create_default_context().wrap_socket(raw, server_hostname=HOST),
            ):
                refused = False
        except ssl.SSLCertVerificationError:
            refused = True
        self.check(refused, "the same handshake fails against the system's CAs (real verification)")
        with httpx.Client(trust_env=False, timeout=10) as plain:
            r = plain.get(f"http://127.0.0.1:{self.http_port}/requests/1")
        self.check(
            r.status_code == 301 and r.headers.get("location", "").startswith("https://"),
            "http:// redirects 301 to https://",
        )

    def check_api(self, client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
        self.section("HTTPS login and API through nginx")
        requester = self.login(client, REQUESTER)
        self.check(
            requester["access"].count(".") == 2 and requester["user"]["username"] == REQUESTER,
            f"POST /api/v1/auth/login/ as {REQUESTER}: access and refresh JWT returned",
        )
        approver = self.login(client, APPROVER)
        self.check(approver["access"].count(".") == 2, f"login as {APPROVER}")
        r = client.post("/api/v1/auth/refresh/", json={"refresh": approver["refresh"]})
        ok = r.status_code == 200 and "access" in r.json()
        if ok:
            body = r.json()
            self.secret(f"{APPROVER}'s refreshed access token", body["access"])
            if body.get("refresh"):
                self.secret(f"{APPROVER}'s rotated refresh token", body["refresh"])
            approver = {**approver, **body}
        self.check(ok, f"POST /api/v1/auth/refresh/: a new access token ({r.status_code})")
        r = client.get("/api/v1/auth/me/", headers=self.bearer(requester))
        self.check(
            r.status_code == 200 and r.json().get("username") == REQUESTER,
            f"GET /api/v1/auth/me/ with the access token ({r.status_code})",
        )
        r = client.get("/api/v1/crates/", headers=self.bearer(requester))
        self.check(
            r.status_code == 200 and len(r.json().get("results", [])) > 0,
            f"GET /api/v1/crates/ lists the demo crates ({r.status_code})",
        )
        return requester, approver

    def check_headers(self, client: httpx.Client, session: dict[str, Any]) -> None:
        self.section("security headers")
        answers = {
            "SPA /": client.get("/"),
            "API /api/v1/auth/me/": client.get("/api/v1/auth/me/", headers=self.bearer(session)),
            "API 401": client.get("/api/v1/auth/me/"),
            "API 404": client.get("/api/v1/requests/99999999/", headers=self.bearer(session)),
            "nginx 404": client.get("/media/attachments/none.pdf"),
        }
        for label, r in answers.items():
            self.check_security_headers(label, r)
        spa = answers["SPA /"]
        self.check(
            spa.status_code == 200
            and "frame-ancestors 'none'" in spa.headers.get("content-security-policy", ""),
            "the SPA's CSP is the site policy (frame-ancestors 'none')",
        )
        error = answers["API 404"]
        self.check(
            error.status_code == 404 and error.json().get("error", {}).get("code") == "not_found",
            "API errors keep the API's JSON error envelope behind nginx",
        )

    def check_security_headers(self, label: str, r: httpx.Response) -> None:
        wrong = []
        for name, value in SECURITY_HEADERS.items():
            values = r.headers.get_list(name)
            if len(values) != 1 or not values[0].startswith(value):
                wrong.append(f"{name}: {values}")
        if not r.headers.get_list("content-security-policy"):
            wrong.append("content-security-policy: []")
        self.check(
            not wrong,
            f"{label} ({r.status_code}): HSTS, CSP, nosniff, X-Frame-Options, Referrer-Policy"
            + (f" — wrong: {wrong}" if wrong else ""),
        )

    def check_static(self, client: httpx.Client) -> None:
        self.section("static files")
        r = client.get("/static/admin/css/base.css")
        self.check(
            r.status_code == 200 and "text/css" in r.headers.get("content-type", ""),
            f"/static/admin/css/base.css (collectstatic output) served ({r.status_code})",
        )
        record = next(
            (
                x
                for x in reversed(self.access_records())
                if x["uri"] == "/static/admin/css/base.css"
            ),
            None,
        )
        self.check(
            record is not None and record["upstream_addr"] == "",
            "  ... by nginx itself (no upstream in the access log)",
        )
        self.check("max-age=86400" in r.headers.get("cache-control", ""), "  ... cached for a day")

    def check_attachments(self, client: httpx.Client, session: dict[str, Any]) -> None:
        self.section("attachments: authorised by the API, sent by nginx (X-Accel-Redirect)")
        docs = client.get("/api/v1/documents/", headers=self.bearer(session))
        document = docs.json()["results"][0]["id"]
        content = PDF + secrets.token_hex(16).encode() + b"\n"
        sha = hashlib.sha256(content).hexdigest()
        stored = f"attachments/{sha[:2]}/{sha}.pdf"
        r = client.post(
            f"/api/v1/documents/{document}/attachments/",
            headers=self.bearer(session),
            files={"file": ("Scan 1.pdf", content, "application/pdf")},
        )
        self.check(r.status_code == 201, f"upload through nginx: 201 ({r.status_code})")
        if r.status_code != 201:
            return
        url = r.json()["download_url"]
        on_disk = self.work / "media" / stored
        self.check(on_disk.is_file(), f"stored in the media volume as {stored}")

        r = client.get(url, headers=self.bearer(session))
        self.check(
            r.status_code == 200 and r.content == content,
            f"download through nginx: the file's bytes ({r.status_code}, {len(r.content)} B)",
        )
        disposition = r.headers.get("content-disposition", "")
        self.check(
            disposition.startswith("attachment;") and "Scan 1.pdf" in disposition,
            f"  ... Content-Disposition: {disposition}",
        )
        self.check(
            r.headers.get("content-type") == "application/pdf",
            "  ... Content-Type: application/pdf",
        )
        self.check(
            r.headers.get_list("cache-control") == ["private, no-store"],
            f"  ... Cache-Control: private, no-store, once ({r.headers.get_list('cache-control')})",
        )
        self.check(
            "default-src 'none'; sandbox" in r.headers.get_list("content-security-policy"),
            "  ... sandbox CSP",
        )
        self.check(
            r.headers.get_list("x-content-type-options") == ["nosniff"]
            and "x-accel-redirect" not in r.headers,
            "  ... nosniff, and no X-Accel-Redirect header reaches the client",
        )
        # The same request straight to a Daphne process: authorised, no body, the redirect.
        with httpx.Client(trust_env=False, timeout=10) as direct:
            d = direct.get(
                f"http://127.0.0.1:{self.daphne_list[0]}{url}",
                headers={**self.bearer(session), "Host": HOST, "X-Forwarded-Proto": "https"},
            )
        self.check(
            d.status_code == 200
            and d.content == b""
            and d.headers.get("x-accel-redirect") == f"/protected-media/{stored}",
            f"  ... Daphne answered with an empty body and X-Accel-Redirect: "
            f"{d.headers.get('x-accel-redirect')} ({d.status_code}, {len(d.content)} B)",
        )
        r = client.get(url)
        self.check(r.status_code == 401, f"download without a token: 401 ({r.status_code})")
        r = client.get(f"/media/{stored}")
        self.check(
            r.status_code == 404 and content not in r.content,
            f"/media/{stored[:24]}...: 404, no public route ({r.status_code})",
        )
        r = client.get(f"/protected-media/{stored}")
        self.check(
            r.status_code == 404 and content not in r.content,
            f"/protected-media/...: 404, internal only ({r.status_code})",
        )

    def check_realtime(self, requester: dict[str, Any], approver: dict[str, Any]) -> int | None:
        self.section("real time: wss:// through nginx")
        return asyncio.run(self._realtime(requester, approver))

    async def _realtime(self, requester: dict[str, Any], approver: dict[str, Any]) -> int | None:
        uri = f"wss://{HOST}:{self.https_port}/ws/v1/events/"
        origin = Origin(self.url)
        try:
            async with ws_connect(
                uri, ssl=self.context(), origin=Origin("https://evil.example"), proxy=None
            ):
                refused = False
        except InvalidStatus as exc:
            refused = exc.response.status_code == 403
        self.check(refused, "a foreign Origin is refused (403)")

        # Two sockets: nginx's least_conn puts the second on the other Daphne process, so the
        # change below reaches one of them through the channel layer (Redis) or the outbox.
        async with contextlib.AsyncExitStack() as stack:
            sockets = [
                await stack.enter_async_context(
                    ws_connect(uri, ssl=self.context(), origin=origin, proxy=None)
                )
                for _ in range(2)
            ]
            for n, ws in enumerate(sockets, 1):
                await ws.send(json.dumps({"type": "auth", "token": requester["access"]}))
                ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
                self.check(
                    ready.get("type") == "ready" and ready["user"]["username"] == REQUESTER,
                    f"socket {n}: first-message auth, ready for {REQUESTER} (last_event_id "
                    f"{ready.get('last_event_id')})",
                )
                await ws.send('{"type":"ping"}')
                pong = json.loads(await asyncio.wait_for(ws.recv(), 10))
                self.check(pong.get("type") == "pong", f"socket {n}: ping, pong")
            request_id = await asyncio.to_thread(self.approve, requester, approver)
            if request_id is None:
                return None
            received = await asyncio.gather(
                *(self.events(ws, request_id, timeout=30) for ws in sockets)
            )
            for n, events in enumerate(received, 1):
                change = events.get("request")
                self.check(
                    change is not None and change["data"].get("status") == "APPROVED",
                    f"socket {n}: the approval arrives as an event (topic request, object "
                    f"{request_id}, status {change['data'].get('status') if change else None})",
                )
                self.check(
                    events.get("notification") is not None,
                    f"socket {n}: the Celery worker's notification arrives as an event",
                )
        records = [x for x in self.access_records() if x["uri"].startswith("/ws/")]
        upstreams = {x["upstream_addr"] for x in records if x["status"] == 101}
        self.check(
            len(upstreams) == 2,
            f"the two sockets were served by both Daphne processes ({sorted(upstreams)})",
        )
        return request_id

    def approve(self, requester: dict[str, Any], approver: dict[str, Any]) -> int | None:
        with self.client() as client:
            r = client.get(
                "/api/v1/requests/",
                params={"status": "SUBMITTED", "type": "STORAGE"},
                headers=self.bearer(approver),
            )
            mine = [
                x for x in r.json().get("results", []) if x["requester"] == requester["user"]["id"]
            ]
            if not self.check(mine, f"a submitted request of {REQUESTER} to approve"):
                return None
            target = mine[0]
            r = client.post(
                f"/api/v1/requests/{target['id']}/approve/",
                headers=self.bearer(approver),
                json={
                    "version": target["version"],
                    # The first signature of the session: user ID and password (11.200(a)).
                    "signature": {
                        "username": approver["user"]["username"],
                        "password": self.password,
                    },
                },
            )
            self.check(
                r.status_code == 200 and r.json().get("status") == "APPROVED",
                f"{APPROVER} approves {target['number']} through the API, signed ({r.status_code})",
            )
            return int(target["id"])

    @staticmethod
    async def events(ws: ClientConnection, request_id: int, timeout: float) -> dict[str, Any]:
        found: dict[str, Any] = {}
        deadline = time.monotonic() + timeout
        while len(found) < 2 and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), deadline - time.monotonic())
            except TimeoutError:
                break
            message = json.loads(raw)
            if message.get("type") != "event":
                log(f"socket: {str(raw)[:200]}")
                continue
            topic, data = message.get("topic"), message.get("data") or {}
            log(f"socket: event {message.get('id')} {topic} {message.get('action')} "
                f"{message.get('object_id')} {data}")  # fmt: skip
            # object_id is a string on the wire (the outbox holds ids of any kind of object).
            if topic == "request" and str(message.get("object_id")) == str(request_id):
                if data.get("status") == "APPROVED":
                    found["request"] = message
            elif topic == "notification" and data.get("request_id") == request_id:
                found.setdefault("notification", message)
        return found

    def check_celery(self, request_id: int | None) -> None:
        self.section("Celery worker and Beat")
        sent = total = 0
        deadline = time.monotonic() + 20
        while request_id is not None and time.monotonic() < deadline:
            with psycopg.connect(self.services_env["DATABASE_URL"]) as conn:
                row = conn.execute(
                    "SELECT count(*), count(email_sent_at) FROM notifications_notification "
                    "WHERE object_type = 'request' AND object_id = %s",
                    (str(request_id),),
                ).fetchone()
            total, sent = (int(row[0]), int(row[1])) if row else (0, 0)
            if total and sent == total:
                break
            time.sleep(0.5)
        self.check(
            total > 0 and sent == total,
            f"the worker notified the approval and recorded its e-mails ({sent} of {total} sent)",
        )
        worker = self.logfile("worker")
        mailed = sum(
            1
            for line in worker.splitlines()
            if "Task strongroom.notifications.tasks.send_notification_email[" in line
            and "succeeded" in line
        )
        self.check(mailed > 0, f"  ... send_notification_email succeeded {mailed} time(s) (log)")
        # Beat writes its run counts to the database only now and then: its log says what it sent.
        sent_by_beat = sum(
            1
            for line in self.logfile("beat").splitlines()
            if "Sending due task" in line and f"({BEAT_TASK})" in line
        )
        self.check(
            sent_by_beat > 0, f"Beat sent {BEAT_TASK} (every 1 s here): {sent_by_beat} time(s)"
        )
        ran = sum(
            1
            for line in worker.splitlines()
            if f"Task {BEAT_TASK}[" in line and "succeeded" in line
        )
        self.check(
            ran > 0 and "flush_expired_tokens: removed" in worker,
            f"  ... and the worker ran it: {ran} time(s)",
        )

    def check_edges(self, client: httpx.Client, session: dict[str, Any]) -> None:
        """Deployment hardening: API docs for signed-in users only, the server's own request id
        in the audit trail, Redis refusing connections without its password."""
        self.section("API docs, request ids, Redis password")
        for path in ("/api/v1/schema/", "/api/v1/docs/"):
            anonymous = client.get(path)
            signed_in = client.get(path, headers=self.bearer(session))
            self.check(
                anonymous.status_code == 401 and signed_in.status_code == 200,
                f"{path}: anonymous {anonymous.status_code}, signed in {signed_in.status_code}",
            )
        forged = "client-chosen-id-42"
        r = client.post(
            "/api/v1/auth/login/",
            json={"username": "nobody-by-that-name", "password": "not-the-password"},
            headers={"X-Request-ID": forged},
        )
        server_id = r.headers.get("x-request-id", "")
        body_id = _envelope(r).get("request_id")
        self.check(
            r.status_code == 401 and len(server_id) == 32 and server_id != forged
            and body_id == server_id,
            f"a client's X-Request-ID is not the request id ({server_id!r}, body {body_id!r})",
        )  # fmt: skip
        with psycopg.connect(self.owner_database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT request_id FROM compliance_auditevent WHERE action = 'auth.login_failed'"
                " ORDER BY id DESC LIMIT 1"
            ).fetchall()
        audited = rows[0][0] if rows else None
        self.check(audited == server_id, f"the audit event records the server's id ({audited!r})")
        self.check_redis_auth()

    def check_redis_auth(self) -> None:
        import redis

        url = self.services_env["CACHE_URL"]
        parts = urlsplit(url)
        self.check(bool(parts.password), "the Redis URLs carry a password")
        # A plain RESP PING on a new connection, as any client on the network could send it.
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 5) as c:
            c.sendall(b"PING\r\n")
            refused = c.recv(200).decode(errors="replace").strip()
        self.check(
            refused.startswith("-NOAUTH"),
            f"Redis refuses a PING without the password ({refused!r})",
        )
        with contextlib.closing(redis.Redis.from_url(url, socket_timeout=5)) as authed:
            self.check(authed.ping() is True, "  ... and answers it with the password")

    def check_upstreams(self) -> None:
        self.section("both Daphne processes served traffic")
        served: dict[int, int] = dict.fromkeys(self.daphne_list, 0)
        for record in self.access_records():
            for addr in str(record.get("upstream_addr", "")).split(","):
                digits = addr.strip().rpartition(":")[2]
                if digits.isdigit() and int(digits) in served:
                    served[int(digits)] += 1
        for port, count in served.items():
            self.check(count > 0, f"Daphne on 127.0.0.1:{port}: {count} request(s) in the log")

    def check_metrics(self, client: httpx.Client) -> None:
        self.section("/metrics")
        r = client.get("/metrics")
        self.check(r.status_code in (403, 404), f"/metrics through nginx: {r.status_code}")
        with httpx.Client(trust_env=False, timeout=10) as direct:
            d = direct.get(
                f"http://127.0.0.1:{self.daphne_list[0]}/metrics",
                headers={"Host": HOST, "X-Forwarded-Proto": "https"},
            )
        self.check(
            d.status_code == 200 and "# TYPE" in d.text,
            f"  ... while a Daphne port answers it for the scraper ({d.status_code})",
        )

    def check_rate_limits(self) -> None:
        self.section("rate limits")
        # nginx: 60 per minute, burst 200, per client address; 127.0.0.1 is exempt. A shift of
        # 200 people behind one NAT address: each names their own username (no password, so
        # the backend answers 400 at once instead of hashing one) and none is throttled, by
        # nginx or by the backend's per-address and per-username throttles.
        answers: list[httpx.Response] = []
        with self.client(source="127.0.0.2") as client:
            while len(answers) < 300 and (len(answers) <= 201 or answers[-1].status_code != 429):
                body = {"username": f"operator{len(answers):03d}"}
                answers.append(client.post("/api/v1/auth/login/", json=body))
        codes = [r.status_code for r in answers]
        self.check(
            codes[:201] == [400] * 201 and codes[-1] == 429,
            f"200 sign-ins from 127.0.0.2 pass nginx and the backend, then nginx's ceiling "
            f"answers 429 ({codes.count(400)} passed, {codes.count(429)} refused)",
        )
        last = answers[-1]
        envelope = _envelope(last)
        self.check(
            last.headers.get("content-type") == "application/json"
            and envelope.get("code") == "throttled"
            and envelope.get("request_id") == last.headers.get("x-request-id"),
            f"  ... its 429 is the API's JSON error envelope ({envelope.get('code')})",
        )
        self.check_security_headers("  ... and nginx's 429", last)
        # The backend's username throttle (10 per 5 minutes, any address) behind the exemption.
        guess = {"username": "topology-guessed", "password": "not-the-password"}
        with self.client() as client:
            codes = [client.post("/api/v1/auth/login/", json=guess).status_code for _ in range(10)]
            r = client.post("/api/v1/auth/login/", json=guess)
        envelope = _envelope(r)
        retry = r.headers.get("retry-after")
        self.check(
            429 not in codes
            and r.status_code == 429
            and envelope.get("code") == "throttled"
            and retry,
            f"the backend's username throttle answers the 11th guess 429 in the same envelope "
            f"({r.status_code}, {envelope.get('code')}, Retry-After {retry})",
        )
        self.check_security_headers("  ... and the backend's 429", r)

    def check_logs(self) -> None:
        self.section("logs")
        records = self.access_records()
        ws = [x for x in records if x["uri"].startswith("/ws/")]
        self.check(
            ws and all("?" not in x["uri"] for x in ws) and any(x["status"] == 101 for x in ws),
            f"/ws/ logged as 101 without a query string ({len(ws)} line(s))",
        )
        logs = {
            "nginx access log": self.access_log.read_text(),
            "nginx error log": self.error_log.read_text() if self.error_log.exists() else "",
            **{name: self.logfile(name) for name in ("daphne-1", "daphne-2", "worker", "beat")},
        }
        for name, text in logs.items():
            leaked = [label for label, value in self.secrets.items() if _leaks(value, text)]
            self.check(
                text.strip() and not leaked if name != "nginx error log" else not leaked,
                f"{name} ({len(text.splitlines())} lines): no token or password"
                + (f" — found {', '.join(leaked)}" if leaked else ""),
            )

    # ------------------------------------------------------------------ the run

    def check_database_roles(self) -> None:
        self.section("database roles (the serving processes are not privileged)")
        owner = conninfo_to_dict(self.owner_database_url).get("user")
        app = conninfo_to_dict(self.services_env["DATABASE_URL"]).get("user")
        self.check(owner != app, f"migrations as {owner!r}, serving processes as {app!r}")
        with psycopg.connect(self.owner_database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT usename, count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1"
            ).fetchall()
        sessions = {str(user): int(count) for user, count in rows}
        self.check(
            set(sessions) == {app},
            f"the sessions of Daphne, the worker and Beat are all the application role's: "
            f"{sessions}",
        )
        with psycopg.connect(self.services_env["DATABASE_URL"], autocommit=True) as conn:
            row = conn.execute(
                "SELECT r.rolsuper, r.rolcreatedb, r.rolcreaterole,"
                " (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid),"
                " (SELECT tableowner FROM pg_tables WHERE tablename = 'compliance_auditevent')"
                " FROM pg_roles r WHERE r.rolname = current_user"
            ).fetchone()
            assert row is not None
            superuser, createdb, createrole, owned, audit_owner = row
            self.check(
                not (superuser or createdb or createrole),
                f"{app!r}: no superuser, CREATEDB or CREATEROLE",
            )
            self.check(
                owned == 0 and audit_owner == owner,
                f"{app!r} owns nothing ({owned} objects); compliance_auditevent is {owner!r}'s",
            )
            attacks = {
                "TRUNCATE compliance_auditevent": "permission denied",
                "ALTER TABLE compliance_auditevent DISABLE TRIGGER ALL": "must be owner",
                "DROP TABLE compliance_auditevent": "must be owner",
                "UPDATE compliance_auditevent SET reason = 'x'": "permission denied",
                "DELETE FROM compliance_auditevent": "permission denied",
                "SET session_replication_role = replica": "permission denied",
            }
            for statement, expected in attacks.items():
                try:
                    conn.execute(statement)
                    refused = ""
                except psycopg.Error as exc:
                    refused = str(exc).splitlines()[0]
                self.check(
                    expected in refused, f"refused: {statement} ({refused or 'it succeeded'})"
                )

    def checks(self) -> None:
        self.check_tls()
        with self.client() as client:
            requester, approver = self.check_api(client)
            self.check_headers(client, requester)
            self.check_static(client)
            self.check_attachments(client, requester)  # a Document Manager may upload
            request_id = self.check_realtime(requester, approver)
            self.check_celery(request_id)
            self.check_metrics(client)
            self.check_edges(client, requester)
        self.check_upstreams()
        self.check_rate_limits()
        self.check_logs()
        self.check_database_roles()  # last: the processes' connection pools are open by now

    def report_failure(self) -> None:
        """The tails of the logs, for a failure in CI."""
        names = ["daphne-1", "daphne-2", "worker", "beat"]
        for name in names:
            text = self.logfile(name)
            if text:
                sys.stderr.write(f"\n--- {name} (last 15 lines)\n")
                sys.stderr.write("\n".join(text.splitlines()[-15:]) + "\n")
        if self.error_log.exists():
            sys.stderr.write("\n--- nginx error log (last 15 lines)\n")
            sys.stderr.write("\n".join(self.error_log.read_text().splitlines()[-15:]) + "\n")


def _envelope(response: httpx.Response) -> dict[str, Any]:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return {}
    return error if isinstance(error, dict) else {}


def _leaks(value: str, text: str) -> bool:
    """The value, or for a JWT its signature (enough to forge nothing, but a sign of a leak)."""
    if value in text:
        return True
    signature = value.rsplit(".", 1)[-1] if value.count(".") == 2 else ""
    return len(signature) >= 20 and signature in text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--timeout", type=float, default=100.0,
                        help="give up after this many seconds (default %(default)s; stopping "
                        "everything takes a few more)")  # fmt: skip
    parser.add_argument("--logs", metavar="DIR", type=Path,
                        help="copy every log (nginx, Daphne, worker, Beat, manage.py) "
                        "to DIR")  # fmt: skip
    args = parser.parse_args(argv)
    began = time.monotonic()
    check = Check()

    def stop(signum: int, _frame: Any) -> None:
        raise Stop("timed out" if signum == signal.SIGALRM else signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    error = ""
    try:
        check.section("production topology on loopback (nginx, 2 Daphne, worker, Beat, PG, Redis)")
        check.deployment_up()
        check.checks()
    except (TopologyError, Stop) as exc:
        error = f"{type(exc).__name__}: {str(exc)[:3000]}"
    except Exception as exc:  # a broken answer: report it like a failed check, then clean up
        traceback.print_exc()
        error = f"{type(exc).__name__}: {str(exc)[:3000]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if error or check.failed:
            check.report_failure()
        check.cleanup(keep_logs=args.logs)
    elapsed = time.monotonic() - began
    check.section("result")
    if error:
        sys.stdout.write(f"FAILED: stopped after {elapsed:.0f} s: {error}\n")
        return 1
    if check.failed:
        sys.stdout.write(
            f"FAILED: {len(check.failed)} of {check.passed + len(check.failed)} checks failed "
            f"({elapsed:.0f} s)\n"
        )
        return 1
    sys.stdout.write(
        f"OK: all {check.passed} production topology checks passed in {elapsed:.0f} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
