#!/usr/bin/env python3
"""Measure how fast a Celery worker drains the notification work of a burst of signed changes.

    backend/.venv/bin/python scripts/bench_worker.py --changes 60          # ~3 minutes
    backend/.venv/bin/python scripts/bench_worker.py --changes 400 --out /tmp/bench-worker

What it builds (no containers; everything on 127.0.0.1, free ports, a temporary directory):
  PostgreSQL 15 + Redis   its own, from scripts/services.sh (or --use-env)
  data                    manage.py migrate; initial_setup --demo
  1 Daphne + nginx        config.settings.production (the signed changes go through the API)
  a mail server           a minimal SMTP sink in this process that counts the messages
  Celery worker           config.settings.production, the production concurrency (the entrypoint
                          leaves CELERY_WORKER_CONCURRENCY empty: one process per CPU core;
                          --concurrency overrides); it drains the demo data's tasks, then stops
                          consuming (``celery control cancel_consumer``)

The burst: --changes signed changes through the API while the worker consumes nothing, half of
them new storage requests (signed SUBMITTED: the unit's approvers are notified), half their
approvals (signed APPROVED: the requester and the store heads), spread over two units. Their
notification work waits in the PostgreSQL outbox and in Redis. Then the worker is told to consume
its queues (``celery control add_consumer``) and the script polls until the queues, the outbox and
the e-mails still due are empty (bounded by --timeout).

What it reports (JSON and Markdown in --out, default a new temporary directory): tasks run (the
outbox's sequence: every notification task goes through it), the drain time (the first
notification created to the last one created or e-mailed, whichever is later; it includes the
e-mail window, --email-delay), tasks per second per worker process over the drain,
notifications created per second (first to last created), e-mails (messages) the mail server
accepted and notifications e-mailed, and the worker's CPU seconds (all its processes) per task
and per notification. Everything it started is stopped and
removed (but --out) at the end, on an error, and on Ctrl-C / SIGTERM. Exit status: 0 the run
completed, 1 error.
"""

# ruff: noqa: S603 (it runs the repository's own tools)
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))
from lib import api  # noqa: E402
from lib.topology import Topology, TopologyError, machine, make_logger  # noqa: E402

QUEUES = ("default", "email", "maintenance")
UNITS = ("GOA1", "MUM1")

log = make_logger("bench-worker")


class Stop(Exception):  # noqa: N818 (raised by the signal handler)
    pass


class SinkHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages; counts them."""

    server: MailSink

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 bench ESMTP")
        in_data = False
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    with self.server.lock:
                        self.server.accepted += 1
                    self.reply("250 accepted")
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 bench")
            elif verb == "DATA":
                in_data = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class MailSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.accepted = 0
        self.lock = threading.Lock()


def process_group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of every live process in the group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp ... utime (12th) stime (13th).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


class Bench(Topology):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(use_env=args.use_env, log=log)
        self.args = args
        self.out = Path(args.out or tempfile.mkdtemp(prefix="strongroom-bench-worker-")).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.password = "Bench-" + secrets.token_urlsafe(18)
        self.sink = MailSink()
        self.results: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(),
            "machine": machine(),
            "commit": self.git_commit(),
            "commands": self.commands,
        }

    @staticmethod
    def git_commit() -> str:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return out.stdout.strip() or "?"

    # ------------------------------------------------------------------ database

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.owner_database_url, autocommit=True) as conn:
            return list(conn.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def tasks_enqueued(self) -> int:
        """The outbox's sequence: one number per task a transaction queued."""
        return int(
            self.scalar(
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM core_pendingtask_id_seq"
            )
            or 0
        )

    def broker_backlog(self) -> int:
        import redis

        """Messages waiting in the queues (every priority's list) or held unacknowledged by the
        worker (running, or waiting for their countdown)."""
        client = redis.Redis.from_url(self.services_env["CELERY_BROKER_URL"], socket_timeout=3)
        try:
            total = int(client.hlen("unacked"))
            for key in client.scan_iter(count=500):
                name = key.decode(errors="replace")
                if name.startswith(QUEUES) and client.type(key) == b"list":
                    total += int(client.llen(key))
            return total
        finally:
            client.close()

    def emails_due(self, after_id: int) -> int:
        """Notifications of the burst whose recipient would get an e-mail and has not yet."""
        return int(
            self.scalar(
                "SELECT count(*) FROM notifications_notification n JOIN accounts_user u "
                "ON u.id = n.recipient_id WHERE n.id > %s AND n.email_sent_at IS NULL "
                "AND u.email <> '' AND u.is_active",
                [after_id],
            )
            or 0
        )

    def wait_drained(self, *, floor: int, what: str) -> None:
        """Until the queues, the outbox and the e-mails due (of notifications above ``floor``)
        are empty, twice in a row."""
        deadline = time.monotonic() + self.args.timeout
        quiet = 0
        while time.monotonic() < deadline:
            self.check_alive()
            busy = (
                self.broker_backlog()
                + int(self.scalar("SELECT count(*) FROM core_pendingtask") or 0)
                + self.emails_due(floor)
            )
            quiet = quiet + 1 if busy == 0 else 0
            if quiet >= 2:
                return
            time.sleep(0.25)
        raise TopologyError(f"{what}: not drained within {self.args.timeout:.0f} s")

    # ------------------------------------------------------------------ set-up

    def deployment_up(self) -> None:
        self.demo_data_up(self.setup_env(self.password, {"STATIC_ROOT": str(self.work / "static")}))
        extra = {
            "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.server_address[1]}",
            "STRONGROOM_THROTTLE_USER": "1000000/minute",
            "STRONGROOM_THROTTLE_LOGIN_USERNAME": "1000000/minute",
            "STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS": str(self.args.email_delay),
        }
        ports = self.daphnes_up(1, extra)
        self.nginx_up(ports)
        self.wait_ready()
        self.worker_up(concurrency=self.args.concurrency, queues=",".join(QUEUES))
        self.celery_wait_ready()
        # The demo's own notification work first (it went through the real workflow), then the
        # worker stops consuming: it is up and warm, but takes no work.
        self.wait_drained(floor=0, what="the demo data's tasks")
        app = self.celery_app()
        for queue in QUEUES:
            app.control.cancel_consumer(queue, reply=True, timeout=5, limit=1)
        log("worker idle")

    def celery_app(self) -> Any:
        from celery import Celery

        return Celery(broker=self.services_env["CELERY_BROKER_URL"])

    def celery_wait_ready(self, timeout: float = 120) -> None:
        app = self.celery_app()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if app.control.ping(timeout=1.0):
                log("worker ready")
                return
        raise TopologyError("the worker did not answer a ping")

    def reference(self) -> dict[str, dict[str, Any]]:
        units: dict[str, dict[str, Any]] = {}
        for unit_id, code in self.query("SELECT id, code FROM accounts_unit ORDER BY code"):
            if code not in UNITS:
                continue
            department = self.scalar(
                "SELECT id FROM accounts_department WHERE unit_id = %s ORDER BY code = 'QA' DESC, "
                "id LIMIT 1",
                [unit_id],
            )
            units[str(code)] = {"id": int(unit_id), "department": int(department)}
        doc_type = self.scalar(
            "SELECT code FROM records_documenttype WHERE is_active ORDER BY code LIMIT 1"
        )
        if set(units) != set(UNITS) or not doc_type:
            raise TopologyError("the demo data lacks units GOA1 and MUM1 or document types")
        for unit in units.values():
            unit["doc_type"] = str(doc_type)
        return units

    # ------------------------------------------------------------------ the burst

    def burst(self) -> dict[str, Any]:
        """--changes signed changes through the API: submit, then approve, in two units."""
        units = self.reference()
        tokens: dict[str, str] = {}
        began = time.monotonic()
        with httpx.Client(base_url=self.base, verify=False, trust_env=False, timeout=60) as http:  # noqa: S501

            def post(user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
                if user not in tokens:
                    tokens[user] = api.login(http, user, self.password).access
                response = http.post(path, json=body, headers=api.bearer(tokens[user]))
                if response.status_code not in (200, 201):
                    raise TopologyError(
                        f"POST {path}: {response.status_code} {response.text[:300]}"
                    )
                data: dict[str, Any] = response.json()
                return data

            created: list[tuple[str, dict[str, Any]]] = []
            submits = (self.args.changes + 1) // 2
            for n in range(submits):
                code = UNITS[n % len(UNITS)]
                unit = units[code]
                manager = f"{code.lower()}-manager"
                body = {
                    "type": "STORAGE",
                    "department": unit["department"],
                    "description": f"Bench crate {n}",
                    "purpose": f"Worker benchmark {n}",
                    "new_documents": [
                        {
                            "number": f"BW-{code}-{n:05d}",
                            "title": f"Bench record {n}",
                            "doc_type": unit["doc_type"],
                            "prepared_on": "2019-06-01",
                            "retention_until": "2035-12-31",
                        }
                    ],
                    "signature": api.signature(manager, self.password),
                }
                created.append((code, post(manager, "/api/v1/requests/", body)))
            for code, request in created[: self.args.changes - submits]:
                approver = f"{code.lower()}-approver"
                body = api.signed_body(
                    approver, self.password, version=request["version"], reason="Benchmark"
                )
                post(approver, f"/api/v1/requests/{request['id']}/approve/", body)
        seconds = time.monotonic() - began
        log(f"burst: {self.args.changes} signed changes in {seconds:.1f} s")
        return {"signed_changes": self.args.changes, "seconds": round(seconds, 1)}

    # ------------------------------------------------------------------ the drain

    def measure(self) -> None:
        notification_floor = int(
            self.scalar("SELECT coalesce(max(id), 0) FROM notifications_notification") or 0
        )
        tasks_before = self.tasks_enqueued()
        mails_before = self.sink.accepted
        self.results["burst"] = self.burst()
        self.results["burst"]["tasks_queued"] = self.tasks_enqueued() - tasks_before
        self.results["burst"]["broker_backlog"] = self.broker_backlog()
        worker = self.proc("worker")
        assert worker is not None
        cpu_before = process_group_cpu(worker.pid)
        app = self.celery_app()
        began = time.time()
        for queue in QUEUES:
            app.control.add_consumer(queue, reply=True, timeout=5, limit=1)
        log("worker consuming; waiting for the drain")
        self.wait_drained(floor=notification_floor, what="the burst's tasks")
        cpu = process_group_cpu(worker.pid) - cpu_before
        first, last_created, last_mailed, count, emailed = self.query(
            "SELECT extract(epoch FROM min(created_at)), extract(epoch FROM max(created_at)), "
            "extract(epoch FROM max(email_sent_at)), count(*), count(email_sent_at) "
            "FROM notifications_notification WHERE id > %s",
            [notification_floor],
        )[0]
        tasks = self.tasks_enqueued() - tasks_before
        first = float(first)
        end = max(float(last_created), float(last_mailed or 0))
        drain = end - first
        span = float(last_created) - first
        processes = self.args.concurrency
        self.results["figures"] = {
            "worker_processes": processes,
            "email_delay_s": self.args.email_delay,
            "tasks": tasks,
            "tasks_per_signed_change": round(tasks / self.args.changes, 2),
            "notifications": int(count),
            "notifications_emailed": int(emailed),
            "emails_accepted": self.sink.accepted - mails_before,
            "consume_to_first_notification_s": round(first - began, 2),
            # First to last notification created, and to the last e-mail sent (the drain).
            "notifications_span_s": round(span, 2),
            "drain_s": round(drain, 2),
            "tasks_per_s_per_process": round(tasks / drain / processes, 1) if drain else None,
            "notifications_per_s": round(int(count) / span, 1) if span else None,
            "worker_cpu_s": round(cpu, 2),
            "worker_cpu_ms_per_task": round(cpu * 1000 / tasks, 1) if tasks else None,
            "worker_cpu_ms_per_notification": round(cpu * 1000 / int(count), 1) if count else None,
        }
        log(f"figures: {self.results['figures']}")

    # ------------------------------------------------------------------ report

    def markdown(self) -> str:
        r = self.results
        m = r["machine"]
        lines = [
            "# Worker benchmark (scripts/bench_worker.py)",
            "",
            f"{r['started_at']}, commit {r['commit']}; {m['nproc']} cores, {m['ram_gib']} GiB, "
            f"{m['cpu']}; {m['postgres']}; {m['redis']}.",
            "",
        ]
        if "burst" in r:
            b = r["burst"]
            lines += [
                f"Burst: {b['signed_changes']} signed changes through the API in {b['seconds']} s "
                f"(worker idle), {b['tasks_queued']} task(s) queued by them, "
                f"{b['broker_backlog']} message(s) in Redis.",
                "",
            ]
        if "figures" in r:
            lines += ["| figure | value |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in r["figures"].items()]
            lines.append("")
        if "error" in r:
            lines += [f"**Error:** {r['error']}", ""]
        lines += ["Commands:", "", "```", *r["commands"], "```", ""]
        return "\n".join(lines)

    def write(self) -> None:
        self.results["finished_at"] = datetime.now(UTC).isoformat()
        self.results["settings"] = {
            k: getattr(self.args, k) for k in ("changes", "concurrency", "email_delay", "timeout")
        }
        (self.out / "bench_worker.json").write_text(json.dumps(self.results, indent=2) + "\n")
        (self.out / "bench_worker.md").write_text(self.markdown())
        log(f"summary: {self.out / 'bench_worker.md'} and bench_worker.json")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--changes", type=int, default=60, help="signed changes in the burst")
    p.add_argument("--concurrency", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: one per core, as in production)")  # fmt: skip
    p.add_argument("--email-delay", type=float, default=5.0,
                   help="STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS for the deployment: "
                   "e-mails are coalesced per recipient over this window (production default "
                   "60)")  # fmt: skip
    p.add_argument("--timeout", type=float, default=600.0, help="longest drain, seconds")
    p.add_argument("--out", help="directory for the reports (default: a new temporary directory)")
    p.add_argument("--use-env", action="store_true",
                   help="use DATABASE_URL, REDIS_URL, CACHE_URL, CELERY_BROKER_URL from the "
                   "environment instead of starting PostgreSQL and Redis (the database is migrated "
                   "and seeded!)")  # fmt: skip
    args = p.parse_args(argv)
    if not (2 <= args.changes <= 5000 and 1 <= args.concurrency <= 32):
        p.error("--changes 2..5000, --concurrency 1..32")
    if not (0 <= args.email_delay <= 600 and 10 <= args.timeout <= 3600):
        p.error("--email-delay 0..600, --timeout 10..3600")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bench = Bench(args)
    sink_thread = threading.Thread(target=bench.sink.serve_forever, daemon=True)
    sink_thread.start()

    def stop(signum: int, _frame: Any) -> None:
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Bounded: the whole run stops itself (SIGALRM) after the drain timeout plus set-up time.
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(int(args.timeout) + 900)
    code = 0
    try:
        bench.services_up()
        bench.deployment_up()
        bench.measure()
    except (TopologyError, Stop, subprocess.SubprocessError, OSError, api.ApiError) as exc:
        log(f"stopped: {type(exc).__name__}: {exc}")
        bench.results["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
        code = 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            bench.write()
        finally:
            bench.cleanup(keep_logs=bench.out / "logs")
            bench.sink.shutdown()
            bench.sink.server_close()
    sys.stdout.write((bench.out / "bench_worker.md").read_text())
    return code


if __name__ == "__main__":
    sys.exit(main())
