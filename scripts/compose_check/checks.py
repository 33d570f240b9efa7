"""The checks against the running compose stack, all through nginx's published HTTPS port (443)
except what only Docker can tell (container state, users, capabilities, logs)."""

# ruff: noqa: S608 (the SQL is built from this module's constants and ids read from the database)

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import re
import secrets
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from lib import api
from lib.deploy_checks import leaked
from lib.ws import EVENTS_PATH, authenticate, connect_events

from compose_check.stack import HOST, Container, Stack, StackError

URL = f"https://{HOST}"
BEAT_TASK = "strongroom.accounts.tasks.flush_expired_tokens"
APP_SERVICES = ("migrate", "backend", "worker", "beat")


class Report:
    def __init__(self) -> None:
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.began = time.monotonic()

    def section(self, title: str) -> None:
        sys.stdout.write(f"\n==> {title} [{time.monotonic() - self.began:.0f} s]\n")
        sys.stdout.flush()

    def check(self, name: str, ok: object, detail: str = "") -> bool:
        """One named check: PASS or FAIL, with what was found."""
        sys.stdout.write(
            f"    {'PASS' if ok else 'FAIL'}  {name}{f' — {detail}' if detail else ''}\n"
        )
        sys.stdout.flush()
        (self.passed if ok else self.failed).append(name)
        return bool(ok)


@dataclass
class Person:
    username: str
    password: str
    id: int = 0
    access: str = ""
    refresh: str = ""
    signed: bool = False  # a signature was made in this session (the next needs no username)
    # Production requires two-factor of System Administrators: the first administrator enrols at
    # the first sign-in, and every later sign-in takes a code from this.
    authenticator: api.Authenticator = field(default_factory=api.Authenticator)


@dataclass
class World:
    """What the checks created, to be found again after a restart, a restore or an upgrade."""

    admin: Person
    unit: dict[str, Any] = field(default_factory=dict)
    department: dict[str, Any] = field(default_factory=dict)
    requester: Person | None = None
    approver: Person | None = None
    request: dict[str, Any] = field(default_factory=dict)


def last_words(output: str, limit: int = 300) -> str:
    """The last line of a command's output that is not Compose's own progress."""
    lines = [
        x.strip()
        for x in output.splitlines()
        if x.strip()
        and not re.match(r"(Creating|Starting|Stopping|Removing) \S+ \.\.\.", x.strip())
    ]
    return lines[-1][:limit] if lines else ""


def parse_time(value: str) -> dt.datetime:
    """Docker's RFC 3339 times with nanoseconds."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z", value)
    if not m:
        raise ValueError(value)
    fraction = (m.group(2) or ".0")[1:7].ljust(6, "0")
    return dt.datetime.fromisoformat(f"{m.group(1)}.{fraction}+00:00")


class Checks:
    def __init__(self, stack: Stack, report: Report) -> None:
        self.stack = stack
        self.report = report
        self.secrets: dict[str, str] = dict(stack.secrets)
        self.tls = ssl.create_default_context(cafile=str(stack.certificate))

    def check(self, name: str, ok: object, detail: str = "") -> bool:
        return self.report.check(name, ok, detail)

    def secret(self, label: str, value: str) -> None:
        if value:
            self.secrets[label] = value

    @contextlib.contextmanager
    def client(self) -> Iterator[httpx.Client]:
        with httpx.Client(base_url=URL, verify=self.tls, trust_env=False, timeout=30) as client:
            yield client

    # ------------------------------------------------------------------ services

    def check_services(self) -> None:
        self.report.section("services")
        found = self.stack.containers()
        by: dict[str, list[Container]] = {}
        for c in found:
            by.setdefault(c.service, []).append(c)
        states = {c.name: c.health or c.status for c in found}
        healthy = (
            all(
                c.health == "healthy"
                for s in ("postgres", "redis", "backend", "nginx")
                for c in by.get(s, [])
            )
            and len(by.get("backend", [])) == 2
            and all(by.get(s) and by[s][0].status == "running" for s in ("worker", "beat"))
            and len(by.get("beat", [])) == 1
        )
        self.check("services healthy", healthy, ", ".join(f"{k} {v}" for k, v in states.items()))
        migrate = by.get("migrate", [])
        ok = len(migrate) == 1 and migrate[0].status == "exited" and migrate[0].exit_code == 0
        self.check(
            "migrate completed (exit 0)",
            ok,
            f"{migrate[0].status} {migrate[0].exit_code}" if migrate else "no container",
        )
        if not ok:
            return
        finished = parse_time(migrate[0].finished_at)
        later = {
            c.name: parse_time(c.started_at) - finished
            for s in ("backend", "worker", "beat")
            for c in by.get(s, [])
        }
        self.check(
            "migrate finished before the backends, worker and Beat started",
            later and all(d.total_seconds() > 0 for d in later.values()),
            ", ".join(f"{k} +{d.total_seconds():.1f} s" for k, d in later.items()),
        )
        log = self.stack.logs(migrate[0])
        steps = [
            ("migrations", "Operations to perform" in log or "No migrations to apply" in log),
            ("collectstatic", "static files copied" in log or "static file" in log),
            ("initial_setup", "Done:" in log or "Nothing to do" in log or "already set up" in log),
        ]
        self.check(
            "migrate ran migrate, collectstatic and initial_setup",
            all(ok for _, ok in steps),
            ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in steps),
        )
        postgres = self.stack.service_logs("postgres")
        self.check(
            "postgres initialised its volume and ran the roles script from "
            "/docker-entrypoint-initdb.d",
            "10-strongroom-roles.sh" in postgres or "appears to contain a database" in postgres,
            "init log found" if "10-strongroom-roles.sh" in postgres else "existing volume",
        )
        roles = self.stack.psql(
            "SELECT usename, count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND usename IS NOT NULL GROUP BY usename ORDER BY 1"
        )
        users = dict(line.split("|") for line in roles.splitlines() if "|" in line)
        self.check(
            "backend, worker and Beat connect as the application role, not the owner",
            set(users) == {"strongroom_app"},
            f"sessions by role: {users}",
        )

    # ------------------------------------------------------------------ API

    def login(self, client: httpx.Client, person: Person) -> dict[str, Any]:
        tokens = api.login_with_second_factor(
            client, person.username, person.password, person.authenticator
        )
        person.access, person.refresh, person.signed = tokens.access, tokens.refresh, False
        self.secret(f"{person.username}'s authenticator secret", person.authenticator.secret)
        for number, code in enumerate(person.authenticator.recovery_codes, 1):
            self.secret(f"{person.username}'s recovery code {number}", code)
        self.secret(f"{person.username}'s access token", tokens.access)
        self.secret(f"{person.username}'s refresh token", tokens.refresh)
        return tokens.body

    def change_password(self, client: httpx.Client, person: Person) -> httpx.Response:
        new = f"Changed-{secrets.token_urlsafe(18)}"
        r = client.post(
            "/api/v1/auth/change-password/",
            headers=api.bearer(person.access),
            json={"current_password": person.password, "new_password": new},
        )
        if r.status_code == 200:
            self.secret(f"{person.username}'s new password", new)
            person.password = new
            body = r.json()
            if body.get("access"):
                person.access, person.refresh = body["access"], body.get("refresh", "")
                self.secret(f"{person.username}'s access token (new)", person.access)
                self.secret(f"{person.username}'s refresh token (new)", person.refresh)
        return r

    def first_admin(self, client: httpx.Client, *, two_factor: bool = True) -> World:
        """The first administrator signs in with the configured password (enrolling an
        authenticator, which production requires of a System Administrator; a release before
        two-factor, ``two_factor=False``, signs in with the password alone) and changes it."""
        admin = Person("admin", self.stack.admin_password)
        self.secret("the first administrator's password", admin.password)
        body = self.login(client, admin)
        self.check(
            "the first administrator signs in over HTTPS"
            + (", enrolling an authenticator (TOTP)" if two_factor else ""),
            admin.access.count(".") == 2 and bool(admin.authenticator.secret) == two_factor,
            f"user {body.get('user', {}).get('username')}, must change password "
            f"{body.get('user', {}).get('must_change_password')}",
        )
        old = admin.password
        r = self.change_password(client, admin)
        self.check("  ... and changes the password", r.status_code == 200, f"HTTP {r.status_code}")
        refused = client.post(api.LOGIN_PATH, json={"username": "admin", "password": old})
        self.login(client, admin)
        self.check(
            "  ... the new password signs in, the old one is refused",
            admin.access and refused.status_code == 401,
            f"old: HTTP {refused.status_code}",
        )
        return World(admin=admin)

    def populate(self, client: httpx.Client, world: World) -> None:
        """The administrator creates a unit, a department and two users; the Document Manager
        raises a storage request."""
        admin = world.admin
        suffix = secrets.token_hex(2).upper()
        r = client.post(
            "/api/v1/units/",
            headers=api.bearer(admin.access),
            json={"code": f"QC{suffix}", "name": f"Quality {suffix}"},
        )
        self.expect(r, 201, "create a unit")
        world.unit = r.json()
        r = client.post(
            "/api/v1/departments/",
            headers=api.bearer(admin.access),
            json={"unit": world.unit["id"], "code": "LAB", "name": "Laboratory"},
        )
        self.expect(r, 201, "create a department")
        world.department = r.json()
        people = []
        for role, name in (("Document Manager", "requester"), ("Approver", "approver")):
            username = f"{name}-{suffix.lower()}"
            r = client.post(
                "/api/v1/users/",
                headers=api.bearer(admin.access),
                json={
                    "username": username,
                    "full_name": f"{name.title()} {suffix}",
                    "email": f"{username}@example.com",
                    "role": role,
                    "units": [world.unit["id"]],
                },
            )
            ok = r.status_code == 201 and r.json().get("one_time_password")
            self.check(f"the administrator creates a user ({role})", ok, f"HTTP {r.status_code}")
            if not ok:
                raise StackError(f"create user: HTTP {r.status_code} {r.text[:300]}")
            person = Person(username, r.json()["one_time_password"], id=r.json()["user"]["id"])
            self.secret(f"{username}'s one-time password", person.password)
            self.login(client, person)
            r = self.change_password(client, person)
            self.check(
                f"  ... {username} signs in with the one-time password and changes it",
                r.status_code == 200,
                f"HTTP {r.status_code}",
            )
            people.append(person)
        world.requester, world.approver = people
        world.request = self.raise_request(client, world)

    def raise_request(self, client: httpx.Client, world: World) -> dict[str, Any]:
        requester = world.requester
        assert requester is not None
        r = client.get("/api/v1/document-types/", headers=api.bearer(requester.access))
        self.expect(r, 200, "list the document types")
        body = r.json()
        types = body["results"] if isinstance(body, dict) else body
        code = types[0]["code"]
        today = dt.datetime.now(dt.UTC).date()
        r = client.post(
            "/api/v1/requests/",
            headers={**api.bearer(requester.access), "Idempotency-Key": api.idempotency_key()},
            json=self.signed(
                requester,
                type="STORAGE",
                purpose="Compose stack check",
                department=world.department["id"],
                description="Compose stack check crate",
                new_documents=[
                    {
                        "number": f"DOC-{secrets.token_hex(3).upper()}",
                        "title": "Batch record",
                        "doc_type": code,
                        "prepared_on": today.isoformat(),
                        "retention_until": today.replace(year=today.year + 10).isoformat(),
                    }
                ],
            ),
        )
        ok = r.status_code == 201 and r.json().get("status") == "SUBMITTED"
        self.check(
            "the Document Manager raises a storage request (signed)",
            ok,
            f"HTTP {r.status_code} {r.json().get('number') if ok else r.text[:300]}",
        )
        if not ok:
            raise StackError("no request to go on with")
        return dict(r.json())

    def signed(self, person: Person, **fields: Any) -> dict[str, Any]:
        """A signed body: the first signature of a session names the user too (11.200(a))."""
        sig = {"password": person.password}
        if not person.signed:
            sig["username"] = person.username
        person.signed = True
        return {**fields, "signature": sig}

    def expect(self, r: httpx.Response, status: int, what: str) -> None:
        if r.status_code != status:
            raise StackError(f"{what}: HTTP {r.status_code} {r.text[:500]}")

    # ------------------------------------------------------------------ TLS, static, SPA

    def check_edge(self, client: httpx.Client) -> None:
        self.report.section("nginx: TLS, static files, the SPA")
        with (
            socket.create_connection(("127.0.0.1", 443), timeout=10) as raw,
            self.tls.wrap_socket(raw, server_hostname=HOST) as tls,
        ):
            self.check(
                "TLS on the published port 443 verifies against the certificate",
                tls.getpeercert() is not None,
                str(tls.version()),
            )
        with httpx.Client(trust_env=False, timeout=10) as plain:
            r = plain.get(f"http://{HOST}/requests/1")
        self.check(
            "http:// on port 80 redirects to https://",
            r.status_code == 301 and r.headers.get("location", "").startswith("https://"),
            f"{r.status_code} {r.headers.get('location')}",
        )
        for path in ("/healthz", "/readyz"):
            r = client.get(path)
            self.check(f"{path} through nginx", r.status_code == 200, f"HTTP {r.status_code}")
        spa = client.get("/requests")
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', spa.text)
        self.check(
            "the SPA from nginx (index.html for a client-side route)",
            spa.status_code == 200 and 'id="root"' in spa.text and assets,
            f"HTTP {spa.status_code}, {len(assets)} asset(s) referenced",
        )
        if assets:
            a = client.get(assets[0])
            self.check(
                "  ... its assets",
                a.status_code == 200 and len(a.content) > 100,
                f"{assets[0]}: HTTP {a.status_code}, {len(a.content)} B, "
                f"{a.headers.get('cache-control')}",
            )
        r = client.get("/static/admin/css/base.css")
        self.check(
            "static files (collectstatic output in the static_files volume) from nginx",
            r.status_code == 200 and "text/css" in r.headers.get("content-type", ""),
            f"/static/admin/css/base.css: HTTP {r.status_code}",
        )
        records = self.access_records()
        served = {
            x["uri"]: x.get("upstream_addr", "")
            for x in records
            if x.get("uri") in ("/static/admin/css/base.css", "/requests", *assets[:1])
        }
        self.check(
            "  ... by nginx itself (no upstream in its access log)",
            served and all(v == "" for v in served.values()),
            str(served),
        )

    def access_records(self) -> list[dict[str, Any]]:
        time.sleep(0.3)
        records = []
        for line in self.stack.service_logs("nginx").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    records.append(json.loads(line))
        return records

    # ------------------------------------------------------------------ real time, Celery

    def check_realtime(self, world: World) -> None:
        self.report.section("real time: wss:// through nginx, both backend replicas")
        asyncio.run(self._realtime(world))

    async def _realtime(self, world: World) -> None:
        requester, approver = world.requester, world.approver
        assert requester is not None
        assert approver is not None
        uri = f"wss://{HOST}{EVENTS_PATH}"
        async with contextlib.AsyncExitStack() as stack:
            sockets = [
                await stack.enter_async_context(
                    connect_events(uri, ssl_context=self.tls, origin=URL)
                )
                for _ in range(2)
            ]
            for n, ws in enumerate(sockets, 1):
                ready = await authenticate(ws, requester.access, timeout=15)
                self.check(
                    f"socket {n}: wss:// opened and authenticated",
                    ready.get("type") == "ready",
                    str(ready.get("user", {}).get("username")),
                )
            approved = await asyncio.to_thread(self.approve, world)
            found = await asyncio.gather(
                *(self.events(ws, int(world.request["id"]), 45) for ws in sockets)
            )
            for n, events in enumerate(found, 1):
                self.check(
                    f"socket {n}: the approval's event arrives",
                    approved and "request" in events,
                    f"topic request, object {world.request['id']}",
                )
                self.check(
                    f"socket {n}: the worker's notification arrives",
                    "notification" in events,
                    "topic notification",
                )
        upstreams = {
            x["upstream_addr"]
            for x in self.access_records()
            if x.get("uri", "").startswith("/ws/") and x.get("status") == 101
        }
        replicas = {
            net["IPAddress"]
            for c in self.stack.service("backend")
            for net in c.raw["NetworkSettings"]["Networks"].values()
        }
        hit = {u.rsplit(":", 1)[0] for u in upstreams} & replicas
        self.check(
            "the sockets were served by both backend replicas (the event crossed them)",
            len(hit) == 2,
            f"upstreams {sorted(upstreams)}",
        )

    def approve(self, world: World) -> bool:
        approver = world.approver
        assert approver is not None
        with self.client() as client:
            r = client.get(
                f"/api/v1/requests/{world.request['id']}/", headers=api.bearer(approver.access)
            )
            self.expect(r, 200, "read the request")
            r = client.post(
                f"/api/v1/requests/{world.request['id']}/approve/",
                headers=api.bearer(approver.access),
                json=self.signed(approver, version=r.json()["version"]),
            )
        ok = r.status_code == 200 and r.json().get("status") == "APPROVED"
        self.check("the Approver approves the request (signed)", ok, f"HTTP {r.status_code}")
        if ok:
            world.request = dict(r.json())
        return ok

    @staticmethod
    async def events(ws: Any, request_id: int, timeout: float) -> dict[str, Any]:
        found: dict[str, Any] = {}
        deadline = time.monotonic() + timeout
        while len(found) < 2 and time.monotonic() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            except TimeoutError:
                break
            if message.get("type") != "event":
                continue
            topic, data = message.get("topic"), message.get("data") or {}
            if topic == "request" and str(message.get("object_id")) == str(request_id):
                if data.get("status") == "APPROVED":
                    found["request"] = message
            elif topic == "notification" and str(data.get("object_id")) == str(request_id):
                found.setdefault("notification", message)
        return found

    def check_celery(self) -> None:
        self.report.section("Celery: the worker and Beat (exactly one)")
        worker = self.stack.service_logs("worker")
        done = re.findall(r"Task (strongroom\.[\w.]+)\[[^\]]+\] succeeded", worker)
        self.check("the worker ran tasks", done, f"{len(done)} succeeded: {sorted(set(done))[:4]}")
        beats = self.stack.service("beat")
        self.check("one Beat container", len(beats) == 1, f"{len(beats)}")
        # Beat's schedule for one periodic task set to every 2 s for a while, then put back.
        saved = self.stack.psql(
            "SELECT interval_id, crontab_id FROM django_celery_beat_periodictask "
            f"WHERE task = '{BEAT_TASK}'"
        )
        self.stack.psql(
            "BEGIN; INSERT INTO django_celery_beat_intervalschedule (every, period) VALUES "
            "(2, 'seconds'); UPDATE django_celery_beat_periodictask SET interval_id = "
            "currval(pg_get_serial_sequence('django_celery_beat_intervalschedule', 'id')), "
            f"crontab_id = NULL, last_run_at = NULL WHERE task = '{BEAT_TASK}'; "
            "UPDATE django_celery_beat_periodictasks SET last_update = now(); COMMIT;"
        )
        began = time.time()
        sends: list[float] = []
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            time.sleep(2)
            sends = self.beat_sends(began)
            if len(sends) >= 4:
                break
        interval_id, _, crontab_id = saved.partition("|")
        self.stack.psql(
            f"UPDATE django_celery_beat_periodictask SET interval_id = {interval_id or 'NULL'}, "
            f"crontab_id = {crontab_id or 'NULL'}, last_run_at = NULL WHERE task = '{BEAT_TASK}'; "
            "UPDATE django_celery_beat_periodictasks SET last_update = now();"
        )
        gaps = [b - a for a, b in itertools.pairwise(sends)]
        self.check(
            "Beat sends the periodic task once per interval, not twice",
            len(sends) >= 3 and min(gaps) >= 1.0,
            f"{len(sends)} sends, gaps {[round(g, 1) for g in gaps]} s",
        )
        time.sleep(2)
        ran = len(
            re.findall(
                rf"Task {re.escape(BEAT_TASK)}\[[^\]]+\] succeeded",
                self.stack.service_logs("worker"),
            )
        )
        self.check(
            "  ... and the worker runs each", ran >= len(sends) - 1 and ran > 0, f"{ran} run(s)"
        )

    def beat_sends(self, since: float) -> list[float]:
        """When Beat sent BEAT_TASK (its log's timestamps), after ``since``."""
        out = []
        for line in self.stack.service_logs("beat").splitlines():
            if "Sending due task" not in line or f"({BEAT_TASK})" not in line:
                continue
            m = re.search(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)[,.](\d{3})", line)
            if m:
                t = dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}.{m.group(3)}+00:00")
                if t.timestamp() >= since - 1:
                    out.append(t.timestamp())
        return sorted(out)

    # ------------------------------------------------------------------ containers, logs

    def check_containers(self) -> None:
        self.report.section("containers: users and capabilities")
        for c in self.stack.containers():
            host = c.raw["HostConfig"]
            dropped = host.get("CapDrop") or []
            status = self.proc_status(c) if c.status == "running" else {}
            uid = status.get("Uid", "").split()[:1]
            if c.service in APP_SERVICES:
                ok = (
                    c.user.startswith(("strongroom", "10001"))
                    and "ALL" in dropped
                    and "no-new-privileges:true" in (host.get("SecurityOpt") or [])
                    and (not status or (uid != ["0"] and int(status.get("CapEff", "1"), 16) == 0))
                )
                detail = (
                    f"user {c.user}, cap_drop {dropped}, pid 1 uid {uid or '-'}, CapEff "
                    f"{status.get('CapEff', '-')}"
                )
            elif c.service in ("postgres", "redis"):
                ok = bool(uid) and uid != ["0"]
                detail = f"pid 1 ({status.get('Name')}) uid {uid}"
            else:  # nginx: the master binds 80 and 443; the workers are the nginx user
                workers = self.nginx_worker_uids(c)
                ok = bool(workers) and "0" not in workers
                detail = f"worker uids {sorted(workers)} (the master is root, as in the image)"
            self.check(
                f"{c.name} runs as non-root"
                + (" with no capabilities" if c.service in APP_SERVICES else ""),
                ok,
                detail,
            )

    def proc_status(self, c: Container) -> dict[str, str]:
        out = self.stack.docker("exec", c.id, "cat", "/proc/1/status", check=False)
        return {k: v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}

    def nginx_worker_uids(self, c: Container) -> set[str]:
        script = (
            'for d in /proc/[0-9]*; do n=$(cat $d/cmdline 2>/dev/null | tr "\\0" " "); '
            'case "$n" in "nginx: worker process"*) awk "/^Uid:/ {print \\$2}" $d/status;; esac; '
            "done"
        )
        return set(self.stack.docker("exec", c.id, "sh", "-c", script, check=False).split())

    def check_logs(self) -> None:
        self.report.section("logs: JSON with request ids, no token or password")
        with_id: list[dict[str, Any]] = []
        for service in ("backend", "worker", "beat"):
            lines = [x for x in self.stack.service_logs(service).splitlines() if x.strip()]
            parsed = []
            for line in lines:
                with contextlib.suppress(ValueError):
                    value = json.loads(line)
                    if isinstance(value, dict):
                        parsed.append(value)
            bad = [x for x in lines if not x.startswith("{")][:2]
            self.check(
                f"{service}: every log line is a JSON object",
                lines and len(parsed) == len(lines),
                f"{len(parsed)} of {len(lines)} lines" + (f"; not JSON: {bad}" if bad else ""),
            )
            if service == "backend":
                with_id = [x for x in parsed if x.get("request_id") not in (None, "", "-")]
        self.check(
            "  ... the backend's request lines carry request ids",
            with_id,
            f"{len(with_id)} lines carry a request_id",
        )
        access = self.access_records()
        ids = [x for x in access if re.fullmatch(r"[0-9a-f]{32}", str(x.get("request_id", "")))]
        self.check(
            "nginx's access log is JSON with its request ids",
            access and len(ids) == len(access),
            f"{len(ids)} of {len(access)} records",
        )
        api_ids = {x["request_id"] for x in access if str(x.get("uri", "")).startswith("/api/")}
        shared = api_ids & {str(x.get("request_id")) for x in with_id}
        self.check(
            "  ... the same ids as the backend's lines (one request followed end to end)",
            shared,
            f"{len(shared)} shared",
        )
        for c in self.stack.containers():
            found = leaked(self.secrets, self.stack.logs(c))
            self.check(
                f"{c.name}'s log has no token or password",
                not found,
                f"found {', '.join(found)}" if found else f"{len(self.secrets)} secrets looked for",
            )

    # ------------------------------------------------------------------ data survives

    def counts(self) -> dict[str, int]:
        out = self.stack.psql(
            "SELECT (SELECT count(*) FROM accounts_user), (SELECT count(*) FROM workflow_request),"
            " (SELECT count(*) FROM compliance_auditevent)"
        )
        users, requests, events = (int(x) for x in out.split("|"))
        return {"users": users, "requests": requests, "audit events": events}

    def check_world(self, world: World, when: str) -> None:
        """After a restart, a restore or an upgrade: the changed password signs in, the request
        is there as it was left, the audit chain verifies (a new client: nginx was restarted)."""
        admin = Person(
            world.admin.username, world.admin.password, authenticator=world.admin.authenticator
        )
        with self.client() as client:
            try:
                self.login(client, admin)
            except api.ApiError as exc:
                self.check(
                    f"{when}: the administrator signs in with the changed password", False, str(exc)
                )
            else:
                self.check(f"{when}: the administrator signs in with the changed password", True)
                r = client.get(
                    f"/api/v1/requests/{world.request['id']}/", headers=api.bearer(admin.access)
                )
                body = r.json() if r.status_code == 200 else {}
                self.check(
                    f"{when}: the request is there, unchanged",
                    body.get("number") == world.request.get("number")
                    and body.get("status") == world.request.get("status"),
                    f"{body.get('number')} {body.get('status')}",
                )
        self.check_audit_chain(when)

    def check_audit_chain(self, when: str) -> None:
        code, out = self.stack.manage("verify_audit_chain", "--no-checkpoint")
        self.check(
            f"{when}: the audit chain verifies (manage.py verify_audit_chain)",
            code == 0,
            last_words(out),
        )

    def check_backup_restore(self, world: World, backups: Path) -> None:
        self.report.section("scripts/backup.sh and scripts/restore.sh against the stack")
        before = self.counts()
        backups.mkdir(parents=True, exist_ok=True)
        code, out = self.stack.run_script(
            "backup.sh", "--compose", "--dir", str(backups), "--keep", "0"
        )
        folders = sorted(p for p in backups.iterdir() if p.name.startswith("strongroom-"))
        self.check(
            "scripts/backup.sh --compose",
            code == 0 and folders,
            f"exit {code}, {folders[-1].name if folders else 'no backup'}"
            + ("" if code == 0 else f": {out[-800:]}"),
        )
        if not folders:
            return
        self.restore_production(
            folders[-1],
            "scripts/restore.sh --compose into empty volumes (verifies the audit chain)",
        )
        after = self.counts()
        self.check(
            "the restored database has every user, request and audit event",
            all(after[k] >= v for k, v in before.items()),
            f"before {before}, after {after}",
        )
        self.check_world(world, "after the restore")

    def restore_production(self, folder: Path, name: str) -> bool:
        """Section 8's restore of production: stop, remove the database and media volumes, start
        postgres and redis on empty ones, restore FOLDER, start everything."""
        self.stack.down()
        for volume in ("postgres_data", "media_files"):
            self.stack.docker("volume", "rm", f"strongroom_{volume}")
        self.stack.up("postgres", "redis")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = {c.service: c.health for c in self.stack.containers() if c.status == "running"}
            if states.get("postgres") == "healthy" and states.get("redis") == "healthy":
                break
            time.sleep(2)
        code, out = self.stack.run_script("restore.sh", "--compose", str(folder))
        self.check(
            name,
            code == 0,
            "; ".join(x.strip() for x in out.splitlines() if "audit chain" in x.lower())[:300]
            or last_words(out)
            or f"exit {code}",
        )
        if code != 0:
            sys.stdout.write(out[-3000:] + "\n")
        self.stack.up()
        self.stack.wait_ready()
        return code == 0

    def check_restart(self, world: World) -> None:
        self.report.section("docker-compose down && up keeps the data (volumes)")
        before = self.counts()
        self.stack.down()
        gone = not self.stack.containers()
        self.stack.up()
        self.stack.wait_ready()
        after = self.counts()
        self.check(
            "down removed the containers, up started them again on the same volumes",
            gone and after["requests"] == before["requests"] and after["users"] == before["users"],
            f"before {before}, after {after}",
        )
        self.check_world(world, "after down && up")
