"""The workload of a chaos run: clients moving crates through the signed request workflow, and
WebSocket subscribers counting every event they receive."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import random
import time
from collections import Counter, deque
from typing import TYPE_CHECKING, Any

import httpx
from lib import api
from lib.ws import EVENTS_PATH, connect_events, send_auth
from websockets.exceptions import ConnectionClosed

from chaos.checks import utc_today
from chaos.common import ChaosError, UnitRef, log

if TYPE_CHECKING:
    from chaos.run import ChaosRun


class Timeline:
    """Every API call's start, end and outcome: True a success (2xx, 3xx), False a failure
    (no answer, 5xx), None a refusal (4xx: the server works, the call was not allowed)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float, bool | None]] = []

    def record(self, start: float, end: float, status: int | None) -> None:
        ok = False if status is None or status >= 500 else (True if status < 400 else None)
        self.calls.append((start, end, ok))

    def first_success_started_after(self, t: float) -> float | None:
        ends = [end for start, end, ok in self.calls if ok and start >= t]
        return min(ends) if ends else None

    def failures_between(self, t0: float, t1: float) -> int:
        return sum(1 for start, _, ok in self.calls if ok is False and t0 <= start <= t1)


def http_for(run: ChaosRun, name: str) -> api.RetryingClient:
    """A client of the run's API (nginx, or a Daphne process with --no-nginx), signing in through
    the run's sessions, recording every call on the run's timeline."""
    return api.RetryingClient(
        run.topology.base,
        run.sessions,
        seed=f"{run.seed}-{name}",
        headers={"X-Forwarded-Proto": "https"} if run.args.no_nginx else {},
        on_call=run.timeline.record,
    )


# --------------------------------------------------------------------------------------------------
# The workload
# --------------------------------------------------------------------------------------------------


def refusal(response: httpx.Response | None) -> str:
    """How an action was refused: the error envelope's code, else the HTTP status."""
    if response is None:
        return "no answer"
    return api.error_code(response) or str(response.status_code)


class GaveUp(Exception):  # noqa: N818
    pass


class Client:
    """One person-team of a unit (Document Manager, Approvers, Store Heads) moving crates."""

    def __init__(self, run: ChaosRun, index: int, unit: UnitRef) -> None:
        self.run = run
        self.name = f"client-{index + 1}"
        self.unit = unit
        prefix = unit.code.lower()
        self.manager = f"{prefix}-manager"
        self.approvers = [f"{prefix}-approver", f"{prefix}-approver2"]
        self.storeheads = [f"{prefix}-storehead", f"{prefix}-storehead2"]
        self.witnesses = [f"{prefix}-approver2", f"{prefix}-unitadmin"]
        self.rng = random.Random(f"{run.seed}-{self.name}")  # noqa: S311 (a reproducible workload)
        self.http = http_for(run, self.name)
        self.serial = 0
        self.conflicts: Counter[str] = Counter()
        self.abandoned = 0

    async def loop(self) -> None:
        while not self.run.stopping:
            try:
                await self.crate_lifecycle()
            except Exception as exc:  # GaveUp, a failed login, an unexpected answer
                self.abandoned += 1
                log(f"{self.name}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)

    async def crate_lifecycle(self) -> None:
        expired = self.rng.random() < 0.25
        request = await self.create(self.storage_body(expired))
        if request is None:
            return
        request = await self.drive(request)
        if request["status"] != "COMPLETED":
            return
        crate_id = int(request["crate"])
        for _ in range(self.rng.randint(1, 3)):
            if self.run.stopping:
                return
            if self.rng.random() < 0.7:
                body = {
                    "type": "WITHDRAWAL",
                    "crate": crate_id,
                    "expected_return_on": (utc_today() + dt.timedelta(days=14)).isoformat(),
                }
            else:
                crate = await self.http.request(
                    "GET", f"/api/v1/crates/{crate_id}/", user=self.manager
                )
                if crate is None or crate.status_code != 200:
                    raise GaveUp(f"crate #{crate_id} could not be read")
                here = crate.json().get("location")
                shelves = [s for s in self.unit.shelves if s != here]
                body = {
                    "type": "TRANSFER",
                    "crate": crate_id,
                    "target_location": self.rng.choice(shelves),
                }
            request = await self.create(body)
            if request is None:
                return
            request = await self.drive(request)
            if request["status"] in self.run.machine.open_statuses:
                return  # left open (stopping, or given up): this crate is done with
        if expired and not self.run.stopping:
            request = await self.create({"type": "DESTRUCTION", "crate": crate_id})
            if request is not None:
                await self.drive(request)

    def storage_body(self, expired: bool) -> dict[str, Any]:
        retention = "2020-12-31" if expired else "2035-12-31"
        documents = []
        for _ in range(2):
            self.serial += 1
            documents.append(
                {
                    "number": f"CH{self.run.tag}-{self.name[7:]}-{self.serial:05d}",
                    "title": f"Chaos record {self.serial}",
                    "doc_type": self.rng.choice(self.run.doc_types),
                    "prepared_on": "2019-06-01",
                    "retention_until": retention,
                }
            )
        return {
            "type": "STORAGE",
            "department": self.unit.department_id,
            "description": f"Chaos crate of {self.name}",
            "new_documents": documents,
        }

    async def create(self, body: dict[str, Any]) -> dict[str, Any] | None:
        self.serial += 1
        key = f"chaos-{self.run.tag}-{self.name}-{self.serial}"
        payload = {
            **body,
            "purpose": f"Chaos {body['type'].lower()} ({self.name})",
            # Both components: the first signature of a session takes the user ID (11.200(a)).
            "signature": api.signature(self.manager, self.run.topology.password),
        }
        self.run.keys_used.add(key)
        response = await self.http.request(
            "POST",
            "/api/v1/requests/",
            user=self.manager,
            body=payload,
            headers={"Idempotency-Key": key},
        )
        if response is None:
            raise GaveUp(f"create {body['type']}: no answer")
        if response.status_code in (200, 201):
            data: dict[str, Any] = response.json()
            self.run.acknowledge(data, "create", self.name)
            self.run.acked_keys[key] = int(data["id"])
            return data
        self.conflicts[f"create:{refusal(response)}"] += 1
        return None

    async def drive(self, request: dict[str, Any]) -> dict[str, Any]:
        steps = 0
        while request["status"] in self.run.machine.open_statuses and not self.run.stopping:
            steps += 1
            if steps > 14:
                raise GaveUp(f"request #{request['id']} still {request['status']} after 14 steps")
            name, actor, extra = self.choose(request)
            request = await self.transition(request, name, actor, extra)
        return request

    def choose(self, request: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        status, kind, r = request["status"], request["type"], self.rng.random()
        approver = self.rng.choice(self.approvers)
        storehead = self.rng.choice(self.storeheads)
        if status == "SUBMITTED":
            if r < 0.07:
                return "send-back", approver, {}
            if r < 0.11:
                return "reject", approver, {}
            if r < 0.15:
                return "cancel", self.manager, {}
            return "approve", approver, {}
        if status == "SENT_BACK":
            return ("resubmit" if r < 0.8 else "cancel"), self.manager, {}
        if status == "ISSUED":
            return "receive", storehead, {} if r < 0.7 else {"shelf": self.shelf()}
        # APPROVED
        if r < 0.04:
            return "send-back", approver, {}
        if kind == "STORAGE":
            return "allocate", storehead, {"shelf": self.shelf()}
        if kind == "WITHDRAWAL":
            return "issue", storehead, {}
        if kind == "TRANSFER":
            return "transfer", storehead, {}
        witness = self.rng.choice(self.witnesses)
        return (
            "destroy",
            storehead,
            {"witness": api.signature(witness, self.run.topology.password)},
        )

    def shelf(self) -> int:
        return self.rng.choice(self.unit.shelves)

    async def transition(
        self, request: dict[str, Any], name: str, actor: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        request_id = int(request["id"])
        body = api.signed_body(
            actor,
            self.run.topology.password,
            version=request["version"],
            reason=f"Chaos run {self.run.tag}: {name}",
            **extra,
        )
        response = await self.http.request(
            "POST", f"/api/v1/requests/{request_id}/{name}/", user=actor, body=body
        )
        if response is not None and response.status_code == 200:
            data: dict[str, Any] = response.json()
            self.run.acknowledge(data, name.replace("-", "_"), self.name)
            return data
        self.conflicts[f"{name}:{refusal(response)}"] += 1
        # Refused, stale, or unknown outcome: read what the request is now.
        current = await self.http.request(
            "GET", f"/api/v1/requests/{request_id}/", user=self.manager
        )
        if current is None or current.status_code != 200:
            raise GaveUp(f"request #{request_id} could not be read after {name}")
        fresh: dict[str, Any] = current.json()
        return fresh


class Subscriber:
    """A WebSocket client as the SPA's (frontend/src/lib/realtime/client.ts), counting ids."""

    def __init__(
        self, run: ChaosRun, index: int, username: str, port: int, after: int, scope: Any
    ) -> None:
        self.run = run
        self.name = f"socket-{index + 1}"
        self.username = username
        self.port = port
        self.user_id: int = scope[0]
        self.unit_ids: frozenset[int] | None = scope[1]
        self.last_id = after
        self.received: Counter[int] = Counter()
        self.recent: deque[int] = deque(maxlen=1000)  # sent on resume: ids not to send again
        self.same_socket_duplicates = 0
        self.connected = False
        self.connections = 0
        self.ready_at: list[float] = []
        self.dropped_at: list[float] = []
        self.close_codes: Counter[str] = Counter()
        self.resyncs = 0
        self.http_replayed = 0
        # Events that arrived after a higher id (their transaction committed later than a newer
        # id's): the server's resume overlap must cover them.
        self.late_arrivals = 0
        self.scope_seen: Any = "?"
        self.rng = random.Random(f"{run.seed}-{self.name}")  # noqa: S311 (jitter)
        self.http = http_for(run, self.name)

    async def loop(self) -> None:
        attempt = 0
        while True:
            token = ""
            code = "?"
            try:
                token = await self.http.token(self.username)
                async with connect_events(
                    f"ws://127.0.0.1:{self.port}{EVENTS_PATH}",
                    origin="https://127.0.0.1",
                    open_timeout=5,
                    fast=True,
                ) as ws:
                    self.connections += 1
                    await send_auth(
                        ws, token, last_event_id=self.last_id, recent_event_ids=list(self.recent)
                    )
                    here: set[int] = set()
                    async for raw in ws:
                        message = json.loads(raw)
                        kind = message.get("type")
                        if kind == "ready":
                            self.connected = True
                            self.ready_at.append(time.time())
                            self.scope_seen = message.get("user", {}).get("units")
                            attempt = 0
                        elif kind == "event":
                            self.take(int(message["id"]), here)
                        elif kind == "resync":
                            self.resyncs += 1
                            await self.replay_http()
                    code = str(ws.close_code)
            except ConnectionClosed as exc:
                code = str(exc.rcvd.code) if exc.rcvd is not None else "no close frame"
            except Exception as exc:  # refused, reset, timed out, a failed login
                code = type(exc).__name__
            if self.connected:
                self.dropped_at.append(time.time())
            self.connected = False
            self.close_codes[code] += 1
            if code == "4401" and token:
                with contextlib.suppress(api.ApiError):
                    await self.http.renew(self.username, token)
            delay = min(4.0, 0.5 * 2**attempt) * (0.5 + self.rng.random() / 2)
            attempt += 1
            await asyncio.sleep(delay)

    def take(self, event_id: int, here: set[int]) -> None:
        if event_id in here:
            self.same_socket_duplicates += 1
        here.add(event_id)
        if event_id < self.last_id and event_id not in self.received:
            self.late_arrivals += 1
        if event_id not in self.received:
            self.recent.append(event_id)
        self.received[event_id] += 1
        self.last_id = max(self.last_id, event_id)

    async def replay_http(self) -> None:
        """What the SPA does on `resync`: the HTTP replay from the last id held."""
        path: str | None = f"/api/v1/events/?after={self.last_id}&limit=500"
        here: set[int] = set()
        while path:
            response = await self.http.request("GET", path, user=self.username, record=False)
            if response is None:
                raise ChaosError("the HTTP replay did not answer")
            body = response.json()
            if response.status_code == 410:
                self.close_codes["replay 410"] += 1
                self.last_id = int(body.get("details", {}).get("last_event_id", self.last_id))
                return
            for event in body.get("results", []):
                self.http_replayed += 1
                self.take(int(event["id"]), here)
            following = body.get("next")
            path = None
            if following:
                path = "/" + following.split("/", 3)[3]
