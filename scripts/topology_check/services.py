"""What the processes behind nginx do: the API, real time through both Daphne processes, the
Celery worker and Beat, Redis's password, the database roles."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from lib import api
from lib.envelope import error_envelope
from lib.ws import EVENTS_PATH, authenticate, connect_events
from psycopg.conninfo import conninfo_to_dict
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidStatus

from topology_check.base import APPROVER, BEAT_TASK, HOST, REQUESTER, Base, json_body, log


class ServiceChecks(Base):
    def check_api(self, client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
        self.section("HTTPS login and API through nginx")
        requester = self.login(client, REQUESTER)
        self.check(
            requester["access"].count(".") == 2 and requester["user"]["username"] == REQUESTER,
            f"POST /api/v1/auth/login/ as {REQUESTER}: access and refresh JWT returned",
        )
        approver = self.login(client, APPROVER)
        self.check(approver["access"].count(".") == 2, f"login as {APPROVER}")
        r = client.post(api.REFRESH_PATH, json={"refresh": approver["refresh"]})
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

    def check_realtime(self, requester: dict[str, Any], approver: dict[str, Any]) -> int | None:
        self.section("real time: wss:// through nginx")
        return asyncio.run(self._realtime(requester, approver))

    async def _realtime(self, requester: dict[str, Any], approver: dict[str, Any]) -> int | None:
        uri = f"wss://{HOST}:{self.https_port}{EVENTS_PATH}"
        try:
            async with connect_events(
                uri, ssl_context=self.context(), origin="https://evil.example"
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
                    connect_events(uri, ssl_context=self.context(), origin=self.url)
                )
                for _ in range(2)
            ]
            for n, ws in enumerate(sockets, 1):
                ready = await authenticate(ws, requester["access"], timeout=10)
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
                # The first signature of the session: user ID and password (11.200(a)).
                json=api.signed_body(
                    approver["user"]["username"], self.password, version=target["version"]
                ),
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
            elif (
                topic == "notification"
                and data.get("object_type") == "request"
                and str(data.get("object_id")) == str(request_id)
            ):
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
            if "Task strongroom.notifications.tasks.send_notification_emails[" in line
            and "succeeded" in line
        )
        self.check(
            mailed > 0,
            f"  ... the e-mail flush send_notification_emails succeeded {mailed} time(s) (log)",
        )
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
        body_id = error_envelope(json_body(r)).get("request_id")
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
