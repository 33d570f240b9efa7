"""One chaos run: set up a fresh topology, run the workload with the faults in turn, drain."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import time
from typing import Any

from lib import api

from chaos.checks import (
    TRANSITIONS_PATH,
    Ack,
    EventRow,
    StatusMachine,
    expected_ids,
    status_machine,
)
from chaos.common import SUBSCRIBER_USERS, ChaosError, UnitRef, log
from chaos.faults import ChaosTopology, FaultResult, inject, recover
from chaos.invariants import EVENT_MAX
from chaos.workload import Client, Subscriber, Timeline, http_for


class ChaosRun:
    def __init__(self, args: argparse.Namespace, index: int) -> None:
        self.args = args
        self.index = index
        self.seed = args.seed + index
        self.tag = f"{self.seed}{os.urandom(2).hex()}"
        self.topology = ChaosTopology(args)
        self.sessions = api.Sessions(self.topology.password)
        self.timeline = Timeline()
        self.acks: list[Ack] = []
        self.acked_keys: dict[str, int] = {}
        self.keys_used: set[str] = set()
        self.stopping = False
        self.clients: list[Client] = []
        self.subscribers: list[Subscriber] = []
        self.probe_http: api.RetryingClient | None = None
        self.faults: list[FaultResult] = []
        self.rng = random.Random(self.seed)  # noqa: S311 (a reproducible scenario)
        self.interrupted: str | None = None
        self.baseline_event = 0
        self.baseline_request = 0
        self.units: dict[str, UnitRef] = {}
        self.doc_types: list[str] = []
        self.ports: list[int] = []
        self.results: dict[str, Any] = {"run": index + 1, "seed": self.seed}
        self.probe_ok: list[float] = []
        self.machine: StatusMachine = status_machine([])

    def acknowledge(self, body: dict[str, Any], action: str, client: str) -> None:
        self.acks.append(
            Ack(
                request_id=int(body["id"]),
                action=action,
                status=str(body["status"]),
                version=int(body["version"]),
                at=time.time(),
                client=client,
            )
        )

    # --- set-up -----------------------------------------------------------------------------------
    def setup(self) -> None:
        began = time.monotonic()
        t = self.topology
        t.durable_services_up()
        t.prepare_data()
        self.ports = t.deployment_up()
        self.reference_data()
        self.results["setup_s"] = round(time.monotonic() - began, 1)
        self.results["topology"] = {
            "http": t.base + (" (nginx)" if not self.args.no_nginx else " (Daphne directly)"),
            "daphne_ports": self.ports,
            "postgres": "durable: fsync, synchronous_commit, full_page_writes on",
            "redis": "appendonly yes, appendfsync everysec",
            "work": str(t.work),
        }

    def reference_data(self) -> None:
        t = self.topology
        for unit_id, code in t.query("SELECT id, code FROM accounts_unit ORDER BY code"):
            department = t.scalar(
                "SELECT id FROM accounts_department WHERE unit_id = %s ORDER BY code = 'QA' DESC, "
                "id LIMIT 1",
                [unit_id],
            )
            shelves = [
                int(r[0])
                for r in t.query(
                    "SELECT id FROM storage_location WHERE unit_id = %s AND kind = 'SHELF' "
                    "AND is_active ORDER BY id",
                    [unit_id],
                )
            ]
            if department and shelves:
                self.units[str(code)] = UnitRef(int(unit_id), str(code), int(department), shelves)
        self.doc_types = [
            str(r[0])
            for r in t.query("SELECT code FROM records_documenttype WHERE is_active ORDER BY code")
        ]
        if not ({"GOA1", "MUM1"} <= set(self.units)) or not self.doc_types:
            raise ChaosError("the demo data lacks units GOA1 and MUM1, shelves or document types")

    def scope_of(self, username: str) -> tuple[int, frozenset[int] | None]:
        t = self.topology
        rows = t.query(
            "SELECT u.id, g.name FROM accounts_user u LEFT JOIN auth_group g ON g.id = u.role_id "
            "WHERE u.username = %s",
            [username],
        )
        if not rows:
            raise ChaosError(f"no user {username}")
        user_id, role = int(rows[0][0]), rows[0][1]
        if role == "System Administrator":
            return user_id, None
        units = t.query("SELECT unit_id FROM accounts_user_units WHERE user_id = %s", [user_id])
        return user_id, frozenset(int(r[0]) for r in units)

    # --- the scenario -----------------------------------------------------------------------------
    async def scenario(self) -> None:
        # Ctrl-C / SIGTERM while the event loop runs: cancel the scenario (its finally blocks
        # stop the clients and sockets at once); one_run then cleans up and reports the stop.
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        assert main is not None

        def interrupt(name: str) -> None:
            if self.interrupted is None:
                self.interrupted = name
                log(f"{name}: stopping")
                main.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, interrupt, sig.name)
        await self.workload()

    async def workload(self) -> None:
        a = self.args
        t = self.topology
        # The cursor every socket starts from: what commits after it must reach every socket in
        # scope (the worker may still be busy with the demo's notifications: they count too).
        self.baseline_event = int(await asyncio.to_thread(t.scalar, EVENT_MAX) or 0)
        self.baseline_request = int(
            await asyncio.to_thread(t.scalar, "SELECT coalesce(max(id), 0) FROM workflow_request")
            or 0
        )
        self.results["baseline"] = {
            "event_id": self.baseline_event,
            "request_id": self.baseline_request,
        }
        for i in range(a.subscribers):
            username = SUBSCRIBER_USERS[i % len(SUBSCRIBER_USERS)]
            scope = await asyncio.to_thread(self.scope_of, username)
            port = self.ports[i % len(self.ports)]
            self.subscribers.append(Subscriber(self, i, username, port, self.baseline_event, scope))
        await self.read_status_machine()
        units = [self.units["GOA1"], self.units["MUM1"]]
        self.clients = [Client(self, i, units[i % 2]) for i in range(a.clients)]
        sockets = [asyncio.create_task(s.loop(), name=s.name) for s in self.subscribers]
        try:
            await self.until(lambda: all(s.connected for s in self.subscribers), 30)
            if not all(s.connected for s in self.subscribers):
                raise ChaosError("not every socket subscribed at the start")
            began = time.time()
            workers = [asyncio.create_task(c.loop(), name=c.name) for c in self.clients]
            probe = asyncio.create_task(self.probe(), name="probe")
            try:
                await self.faults_in_turn(began)
                await asyncio.sleep(max(0.0, began + a.duration - time.time()))
            finally:
                self.stopping = True
                log("stopping the workload")
                # Let each client finish its call (an answer to record), unless interrupted.
                wait = 0.0 if self.interrupted else 120.0
                done, pending = await asyncio.wait(workers, timeout=wait)
                for task in pending:
                    task.cancel()
                probe.cancel()
                for task in done:
                    if not task.cancelled() and task.exception() is not None:
                        self.results.setdefault("client_errors", []).append(repr(task.exception()))
            self.results["workload_s"] = round(time.time() - began, 1)
            await self.drain()
        finally:
            for task in sockets:
                task.cancel()
            await asyncio.gather(*sockets, return_exceptions=True)
            for c in self.clients:
                await c.http.close()
            for s in self.subscribers:
                await s.http.close()

    async def read_status_machine(self) -> None:
        """The request status machine the acknowledged changes are checked against, as the
        server serves it (never a copy of strongroom/requests/transitions.py)."""
        http = http_for(self, "transitions")
        try:
            response = await http.request("GET", TRANSITIONS_PATH, user="goa1-viewer")
        finally:
            await http.close()
        if response is None or response.status_code != 200:
            raise ChaosError(f"GET {TRANSITIONS_PATH} did not answer 200")
        self.machine = status_machine(response.json())
        if not self.machine.leads_to:
            raise ChaosError(f"GET {TRANSITIONS_PATH} served no transition")

    async def until(self, condition: Any, timeout: float, step: float = 0.1) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            await asyncio.sleep(step)
        return bool(condition())

    async def probe(self) -> None:
        http = http_for(self, "probe")
        self.probe_http = http
        try:
            while True:
                started = time.monotonic()
                with contextlib.suppress(api.ApiError):
                    await http.request(
                        "GET", "/api/v1/requests/?page_size=1", user="goa1-viewer", deadline=0
                    )
                await asyncio.sleep(max(0.0, 0.25 - (time.monotonic() - started)))
        finally:
            await http.close()

    async def faults_in_turn(self, began: float) -> None:
        a = self.args
        faults = list(a.faults)
        warmup = min(10.0, a.duration / 10)
        gap = max(0.0, (a.duration - warmup - 10.0) / max(1, len(faults)))
        for i, name in enumerate(faults):
            await asyncio.sleep(max(0.0, began + warmup + i * gap - time.time()))
            result = await inject(self, name)
            self.faults.append(result)
            await recover(self, result)
            log(f"{name}: {json.dumps(result.summary())}")
            await asyncio.sleep(a.settle)

    async def caught_up(self, upto: int) -> bool:
        rows = await asyncio.to_thread(self.events_after, self.baseline_event)
        for s in self.subscribers:
            wanted = expected_ids(rows, s.user_id, s.unit_ids, self.baseline_event, upto)
            if not wanted <= set(s.received):
                return False
        return True

    def events_after(self, after: int) -> list[EventRow]:
        rows = self.topology.query(
            "SELECT id, unit_id, also_unit_id, user_id FROM realtime_event WHERE id > %s "
            "ORDER BY id",
            [after],
        )
        return [EventRow(int(r[0]), r[1], r[2], r[3]) for r in rows]

    async def drain(self) -> None:
        """After the workload: the worker finishes the queue (tasks a killed worker held come
        back after the visibility timeout; tasks whose queueing failed are re-sent within a
        minute), then every socket catches up."""
        began = time.monotonic()
        deadline = began + max(self.args.visibility, 60) + 60
        quiet_rounds = 0
        backlog = pending = -1
        while time.monotonic() < deadline and quiet_rounds < 3:
            try:
                backlog = await asyncio.to_thread(self.topology.broker_backlog)
                pending = await asyncio.to_thread(self.topology.pending_tasks)
            except Exception as exc:
                log(f"drain: {type(exc).__name__}")
                backlog = pending = -1
            quiet_rounds = quiet_rounds + 1 if backlog == 0 and pending == 0 else 0
            await asyncio.sleep(1.0)
        self.results["drain_worker_s"] = round(time.monotonic() - began, 1)
        self.results["left_in_queues"] = {"broker": backlog, "pending_tasks": pending}
        began = time.monotonic()
        deadline = began + 30
        while time.monotonic() < deadline:
            if all(s.connected for s in self.subscribers) and await self.caught_up(1 << 62):
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.5)  # anything still on its way arrives (or shows as a duplicate)
        self.results["drain_sockets_s"] = round(time.monotonic() - began, 1)
