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
  Celery         the worker ran the notification task and the e-mail flush (1 s after the
                 notifications here, STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS) and recorded
                 the e-mails it sent, the demo's lost flush notwithstanding; Beat
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
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib.topology import TopologyError
from topology_check.base import Stop
from topology_check.edge import EdgeChecks
from topology_check.services import ServiceChecks


class Check(EdgeChecks, ServiceChecks):
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
