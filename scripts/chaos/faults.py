"""The faults of a chaos run: the topology that can restart its parts, what each fault does, and
how its recovery is timed."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from lib.topology import Topology

from chaos.checks import first_after
from chaos.common import ChaosError, log
from chaos.invariants import EVENT_MAX

if TYPE_CHECKING:
    from chaos.run import ChaosRun


@dataclass
class FaultResult:
    name: str
    target: str = ""
    t0: float = 0.0  # fault injected
    down_at: float | None = None  # the service was gone
    up_at: float | None = None  # the service was back
    api_s: float | None = None
    sockets_s: float | None = None
    sockets_dropped: int = 0
    events_s: float | None = None
    events_upto: int | None = None
    worker_s: float | None = None
    api_failures: int = 0
    notes: list[str] = field(default_factory=list)

    def seconds(self, at: float | None) -> float | None:
        return None if at is None else round(at - self.t0, 2)

    def summary(self) -> dict[str, Any]:
        return {
            "fault": self.name,
            "target": self.target,
            "down_s": self.seconds(self.down_at),
            "back_s": self.seconds(self.up_at),
            "api_s": self.api_s,
            "api_failures": self.api_failures,
            "sockets_dropped": self.sockets_dropped,
            "sockets_s": self.sockets_s,
            "events_s": self.events_s,
            "events_upto_id": self.events_upto,
            "worker_s": self.worker_s,
            "notes": self.notes,
        }


class ChaosTopology(Topology):
    """The loopback topology plus what a chaos run needs: durable services, restarts, reads."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(log=log)
        self.args = args
        self.password = "Chaos-" + os.urandom(12).hex()
        self.killed: list[str] = []

    def durable_services_up(self) -> None:
        previous = os.environ.get("SERVICES_DURABLE")
        os.environ["SERVICES_DURABLE"] = "1"
        try:
            self.services_up()
        finally:
            if previous is None:
                os.environ.pop("SERVICES_DURABLE", None)
            else:
                os.environ["SERVICES_DURABLE"] = previous
        self.commands[-1] = "SERVICES_DURABLE=1 " + self.commands[-1]

    def prepare_data(self) -> None:
        self.demo_data_up(self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")}))

    def deployment_up(self) -> list[int]:
        a = self.args
        extra = {
            # One harness IP and a handful of users make thousands of calls: DRF's throttles
            # (which still run, with their Redis round trips) must not answer 429.
            "STRONGROOM_THROTTLE_USER": "1000000/minute",
            "STRONGROOM_THROTTLE_LOGIN": "1000/minute",
            "STRONGROOM_THROTTLE_LOGIN_USERNAME": "1000/minute",
            # Its users sign in with a password alone (two-factor sign-in is not under test).
            "STRONGROOM_2FA_REQUIRED_ROLES": "",
            # A task a killed worker held comes back after this long (production: 3600 s).
            "STRONGROOM_CELERY_VISIBILITY_TIMEOUT": str(a.visibility),
            "STRONGROOM_CELERY_RESTORE_INTERVAL": "2",
            "STRONGROOM_CELERY_RESTORE_THROTTLE": "1",
            # A queued task that has not run this long is sent again (production: 900 s).
            "STRONGROOM_TASK_RESEND_SECONDS": str(a.resend),
            # E-mails coalesce for this long (production: 60 s). Kept below the visibility
            # timeout, as in production: a flush queued with a longer countdown is handed out
            # again every visibility timeout while it waits, and the drain waits a minute for it.
            "STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS": str(a.email_delay),
        }
        ports = self.daphnes_up(2, extra)
        self.worker_up()
        self.beat_up()
        if a.no_nginx:
            self.base = f"http://127.0.0.1:{ports[0]}"
        else:
            self.nginx_up(ports)
        self.wait_ready(probes=4)
        return ports

    # --- faults (blocking: called through asyncio.to_thread) -------------------------------------
    def services_call(self, function: str) -> None:
        out = self.services_script(function, timeout=180)
        if out.returncode != 0:
            raise ChaosError(f"{function} failed: {out.stderr.strip()[-1000:]}")

    def daphne_restart(self, name: str) -> None:
        self.daphne_up(name)

    def kill(self, name: str) -> None:
        self.killed.append(name)
        self.end(name, signal.SIGKILL)

    def unexpected_exits(self) -> list[str]:
        return [f"{n} (exit {p.returncode})" for n, p in self.procs if p.poll() is not None]

    # --- database reads ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            self.services_env["DATABASE_URL"], connect_timeout=3, autocommit=True
        ) as conn:
            return list(conn.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def broker_backlog(self) -> int:
        """Messages waiting in the Celery queues or held unacknowledged by a worker."""
        import redis

        client = redis.Redis.from_url(self.services_env["CELERY_BROKER_URL"], socket_timeout=3)
        try:
            total = 0
            for key in client.scan_iter(count=500):
                name = key.decode(errors="replace")
                if name.startswith(("default", "email", "maintenance")):
                    if client.type(key) == b"list":
                        total += int(client.llen(key))
                elif name == "unacked":
                    total += int(client.hlen(key))
            return total
        finally:
            client.close()

    def broker_unacked(self) -> int:
        """Messages a worker has taken but not acknowledged (acks_late: running or reserved)."""
        import redis

        client = redis.Redis.from_url(self.services_env["CELERY_BROKER_URL"], socket_timeout=3)
        try:
            return int(client.hlen("unacked"))
        finally:
            client.close()

    def pending_tasks(self) -> int:
        """Tasks a transaction called for that the broker has not yet taken
        (strongroom.core.task_queue; re-sent every minute by ``send_pending_tasks``)."""
        return int(self.scalar("SELECT count(*) FROM core_pendingtask") or 0)

    def keep_logs(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for path in self.work.glob("*.log"):
            shutil.copy(path, directory / path.name)
        services = self.services.get("SERVICES_DIR")
        if services:
            for sub in ("pg", "redis"):
                source = Path(services) / sub / "log"
                if source.exists():
                    shutil.copy(source, directory / f"{sub}.log")


async def inject(run: ChaosRun, name: str) -> FaultResult:
    t = run.topology
    result = FaultResult(name=name, t0=time.time())
    log(f"fault: {name}")
    if name == "redis":
        result.target = f"redis :{t.services.get('REDIS_PORT')}"
        await asyncio.to_thread(t.services_call, "services_stop_redis graceful")
        result.down_at = time.time()
        await asyncio.sleep(run.args.outage)
        await asyncio.to_thread(t.services_call, "services_start_redis")
        result.up_at = time.time()
    elif name == "postgres":
        result.target = f"postgres :{t.services.get('PG_PORT')} (immediate stop)"
        await asyncio.to_thread(t.services_call, "services_stop_postgres immediate")
        result.down_at = time.time()
        await asyncio.sleep(run.args.outage)
        await asyncio.to_thread(t.services_call, "services_start_postgres")
        result.up_at = time.time()
    elif name == "daphne":
        victim = run.rng.choice(sorted(t.daphne_ports))
        port = t.daphne_ports[victim]
        result.target = f"{victim} :{port} (SIGKILL)"
        await asyncio.to_thread(t.kill, victim)
        result.down_at = time.time()
        await asyncio.sleep(run.args.outage)
        await asyncio.to_thread(t.daphne_restart, victim)
        async with httpx.AsyncClient(trust_env=False, timeout=2) as client:

            async def ready() -> bool:
                try:
                    response = await client.get(f"http://127.0.0.1:{port}/readyz")
                except httpx.HTTPError:
                    return False
                return response.status_code == 200

            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not await ready():
                await asyncio.sleep(0.1)
        result.up_at = time.time()
    elif name == "worker":
        result.target = "celery worker (SIGKILL, children included)"
        # Kill it with a task in hand (running or reserved) when there is one within 10 s:
        # that message must come back (acks_late) and take effect exactly once.
        held = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and held == 0:
            held = await asyncio.to_thread(t.broker_unacked)
            if held == 0:
                await asyncio.sleep(0.02)
        result.t0 = time.time()
        result.notes.append(f"{held} unacknowledged task(s) in hand at the kill")
        await asyncio.to_thread(t.kill, "worker")
        result.down_at = time.time()
        await asyncio.sleep(run.args.outage)
        await asyncio.to_thread(t.worker_up)
        result.up_at = time.time()
    else:
        raise ChaosError(f"unknown fault {name}")
    return result


async def recover(run: ChaosRun, result: FaultResult) -> None:
    """Wait for (and time) the recovery: API, sockets, events, worker."""
    t = run.topology
    timeout = run.args.recovery_timeout
    deadline = result.t0 + timeout
    down = result.down_at or result.t0
    api_at: float | None = None
    sockets_done = False
    events_at: float | None = None
    worker_at: float | None = None
    upto: int | None = None
    while time.time() < deadline:
        if api_at is None:
            api_at = run.timeline.first_success_started_after(down)
            if api_at is not None:
                result.api_s = round(api_at - result.t0, 2)
                result.api_failures = run.timeline.failures_between(result.t0, api_at)
        if not sockets_done:
            dropped = [s for s in run.subscribers if first_after(s.dropped_at, result.t0)]
            result.sockets_dropped = len(dropped)
            if all(s.connected for s in run.subscribers):
                readies = [first_after(s.ready_at, result.t0) for s in dropped]
                if all(r is not None for r in readies):
                    sockets_done = True
                    if dropped:
                        latest = max(r for r in readies if r is not None)
                        result.sockets_s = round(latest - result.t0, 2)
        if api_at is not None:
            try:
                if upto is None:
                    upto = int(await asyncio.to_thread(t.scalar, EVENT_MAX) or 0)
                    result.events_upto = upto
                if events_at is None and await run.caught_up(upto):
                    events_at = time.time()
                    result.events_s = round(events_at - result.t0, 2)
                if worker_at is None:
                    since = result.up_at or result.t0
                    first = await asyncio.to_thread(
                        t.scalar,
                        "SELECT extract(epoch FROM min(created_at)) FROM "
                        "notifications_notification WHERE created_at > to_timestamp(%s)",
                        [since],
                    )
                    if first is not None:
                        worker_at = float(first)
                        result.worker_s = round(worker_at - result.t0, 2)
            except Exception as exc:  # the database itself may still be coming back
                result.notes.append(f"poll: {type(exc).__name__}")
        if api_at and sockets_done and events_at and worker_at:
            return
        await asyncio.sleep(0.2)
    result.notes.append(f"not recovered within {timeout:g} s")
