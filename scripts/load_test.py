#!/usr/bin/env python3
"""HTTP and WebSocket load test for a Strongroom deployment you run yourself.

    backend/.venv/bin/python scripts/load_test.py [options]

    # 10 s, 20 clients in a closed loop, /healthz against `make dev`
    backend/.venv/bin/python scripts/load_test.py --scenarios healthz
    # open loop at 50 req/s for 30 s: health, an authenticated API list and WebSocket logins
    STRONGROOM_LOADTEST_PASSWORD=... backend/.venv/bin/python scripts/load_test.py \\
        --base-url https://127.0.0.1 --insecure --rate 50 --duration 30 \\
        --username goa1-viewer --scenarios healthz,api,ws --max-p95-ms 100 --json report.json

Targets: loopback only (127.0.0.0/8, ::1, localhost). Any other host is refused, except one that
is named again with --allow-host NAME, for a server of your own. Proxy environment variables are
ignored, so the traffic goes only where the URL says.

Scenarios (--scenarios, comma-separated; default healthz, plus api and ws with --username):
  healthz   GET /healthz
  readyz    GET /readyz (touches the database, cache, channel layer and broker)
  api       authenticated GETs of each --api-path (default /api/v1/auth/me/), after one login
            with POST /api/v1/auth/login/ (--username, password from --password or
            $STRONGROOM_LOADTEST_PASSWORD)
  ws        WebSocket /ws/v1/events/: connect, send {"type": "auth", "token": ...}, wait for
            {"type": "ready"}, close; the time to "ready" is the latency
An authenticated scenario whose endpoint is missing (login or path answers 404, the socket
handshake is refused) is skipped with a message; the others run.

Load: closed loop (--concurrency N clients, each sends its next request when the previous one is
answered) or open loop (--rate R requests/s arriving on schedule whatever the answers; latency
is counted from the scheduled time, so a slow server cannot hide queueing). Requests go round-robin
over the scenarios. The run stops by itself after --duration seconds or --max-requests requests.

Report: a progress line on a terminal (requests, rps, errors, p95 of the last second), then per
scenario and overall: requests, success rate, throughput (successful answers/s), latency
p50/p95/p99/max of the successful requests; --json FILE writes the same as JSON. Pass/fail
criteria (--min-success, default 0.99, --max-p95-ms and --max-p99-ms apply to every scenario and
to the total; --min-rps to the total throughput) set the exit status: 0 pass, 1 a criterion
failed (or nothing succeeded), 2 usage error or refused target, 3 nothing could run.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import api
from lib.loadgen import (
    FailedRequestError,
    Plan,
    Recorder,
    Runner,
    Scenario,
    UsageError,
)
from lib.ws import SocketRefused, authenticate, connect_events

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_NOTHING_RAN = 3

LOGIN_PATH = api.LOGIN_PATH
WS_PATH = "/ws/v1/events/"
PASSWORD_ENV = "STRONGROOM_LOADTEST_PASSWORD"  # noqa: S105 (a variable name)
MAX_DURATION_S = 3600.0


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------- the target


def target_refusal(host: str, allowed_hosts: list[str]) -> str | None:
    """Why this host may not be loaded, or None when it may (loopback, or named by the user)."""
    name = host.strip("[]").rstrip(".").lower()
    if not name:
        return "the URL names no host"
    if name in {h.strip("[]").rstrip(".").lower() for h in allowed_hosts}:
        return None
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback:
            return None
        return f"{host} is not a loopback address"
    if name == "localhost":
        # The name must really mean this machine: every address it resolves to is loopback.
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError as exc:
            return f"localhost does not resolve ({exc})"
        addresses = {str(info[4][0]).split("%")[0] for info in infos}
        if addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses):
            return None
        return f"localhost resolves to non-loopback addresses {sorted(addresses)}"
    return f"{host} is not a loopback host"


# --------------------------------------------------------------------------- scenarios


@dataclass
class Session:
    """The access token of the authenticated scenarios, renewed by logging in again on 401."""

    client: httpx.AsyncClient
    username: str
    password: str
    token: str = ""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def login(self) -> tuple[str | None, str]:
        """(token, "") on success; (None, reason) when the endpoint is missing."""
        try:
            tokens = await api.login_async(self.client, self.username, self.password)
        except httpx.HTTPError as exc:
            raise UsageError(f"login: {LOGIN_PATH} could not be reached ({exc!r})") from exc
        except api.ApiError as exc:
            if exc.status in (404, 405):
                return None, (
                    f"the login endpoint {LOGIN_PATH} answered HTTP {exc.status}: "
                    "this build has no API login yet"
                )
            if exc.status == 200:
                raise UsageError(
                    f"login: {LOGIN_PATH} answered 200 without an access token"
                ) from exc
            raise UsageError(
                f"login as {self.username!r} failed: HTTP {exc.status} "
                f"{_error_code_of(exc.code)} (check --username and the password)"
            ) from exc
        self.token = tokens.access
        return tokens.access, ""

    async def renew(self, stale: str) -> None:
        async with self.lock:
            if self.token == stale:
                await self.login()


def _error_code_of(code: str) -> str:
    """The error envelope's machine-readable code, as "(code)", or "" (never the message)."""
    return f"({code})" if code else ""


class HttpGet(Scenario):
    def __init__(
        self, client: httpx.AsyncClient, path: str, session: Session | None = None
    ) -> None:
        self.client = client
        self.path = path
        self.session = session
        self.name = f"GET {path}"

    async def run_once(self) -> None:
        headers = {}
        token = ""
        if self.session is not None:
            token = self.session.token
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self.client.get(self.path, headers=headers)
            await response.aread()
        except httpx.TimeoutException as exc:
            raise FailedRequestError(f"timeout ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FailedRequestError(type(exc).__name__) from exc
        if response.status_code == 401 and self.session is not None:
            await self.session.renew(token)
        if not 200 <= response.status_code < 300:
            raise FailedRequestError(f"HTTP {response.status_code}")


class WebSocketAuth(Scenario):
    def __init__(
        self,
        url: str,
        origin: str,
        session: Session,
        timeout: float,
        headers: dict[str, str],
        ssl_context: Any,
    ) -> None:
        self.url = url
        self.origin = origin
        self.session = session
        self.timeout = timeout
        self.headers = headers
        self.ssl_context = ssl_context
        self.name = f"WS {urlsplit(url).path}"

    async def run_once(self) -> None:
        token = self.session.token
        try:
            async with asyncio.timeout(self.timeout):
                async with connect_events(
                    self.url,
                    origin=self.origin,
                    ssl_context=self.ssl_context,
                    headers=self.headers,
                    open_timeout=self.timeout,
                    close_timeout=1,
                ) as socket_:
                    await authenticate(socket_, token)
        except SocketRefused as exc:
            raise FailedRequestError(str(exc)) from exc
        except TimeoutError as exc:
            raise FailedRequestError("timeout") from exc
        except websockets.exceptions.InvalidStatus as exc:
            raise FailedRequestError(f"handshake HTTP {exc.response.status_code}") from exc
        except websockets.exceptions.ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            if code == 4401:
                await self.session.renew(token)
            raise FailedRequestError(f"closed {code}") from exc
        except (OSError, websockets.exceptions.WebSocketException, ValueError) as exc:
            raise FailedRequestError(type(exc).__name__) from exc


# --------------------------------------------------------------------------- report


@dataclass
class Criterion:
    name: str
    scope: str
    limit: float
    value: float | None
    passed: bool


def evaluate(args: argparse.Namespace, summaries: dict[str, dict[str, Any]]) -> list[Criterion]:
    results: list[Criterion] = []
    for scope, summary in summaries.items():
        latency = summary["latency_ms"]
        if args.min_success:
            value = summary["success_rate"]
            ok = value is not None and value >= args.min_success
            results.append(Criterion("min_success", scope, args.min_success, value, ok))
        for key, limit in (("p95", args.max_p95_ms), ("p99", args.max_p99_ms)):
            if limit is not None:
                value = latency[key]
                ok = value is not None and value <= limit
                results.append(Criterion(f"max_{key}_ms", scope, limit, value, ok))
    if args.min_rps is not None:
        value = summaries["all"]["throughput_rps"]
        ok = value is not None and value >= args.min_rps
        results.append(Criterion("min_rps", "all", args.min_rps, value, ok))
    return results


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def text_report(report: dict[str, Any]) -> str:
    lines = [
        f"Strongroom load test of {report['target']} — {report['load']}, "
        f"{report['elapsed_s']:.1f} s, {report['overall']['requests']} requests",
        "",
        f"{'scenario':<34} {'requests':>9} {'ok':>8} {'errors':>7} {'success':>8} "
        f"{'ok/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    rows = [*report["scenarios"].items(), ("all", report["overall"])]
    for name, s in rows:
        lat = s["latency_ms"]
        success = "-" if s["success_rate"] is None else f"{s['success_rate'] * 100:.2f}%"
        lines.append(
            f"{name[:34]:<34} {s['requests']:>9} {s['ok']:>8} {s['errors']:>7} {success:>8} "
            f"{_fmt(s['throughput_rps']):>8} {_fmt(lat['p50'], 2):>8} {_fmt(lat['p95'], 2):>8} "
            f"{_fmt(lat['p99'], 2):>8} {_fmt(lat['max'], 2):>8}"
        )
    for name, s in report["scenarios"].items():
        for kind, count in list(s["error_kinds"].items())[:5]:
            lines.append(f"  error  {name}: {kind} x {count}")
    for name, reason in report["skipped"].items():
        lines.append(f"  skipped  {name}: {reason}")
    if report["criteria"]:
        lines.append("")
        for c in report["criteria"]:
            lines.append(
                f"  {'PASS' if c['passed'] else 'FAIL'}  {c['name']} ({c['scope']}): "
                f"limit {c['limit']}, measured {_fmt(c['value'], 4)}"
            )
    lines.append("")
    lines.append(f"result: {'PASS' if report['passed'] else 'FAIL'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    target = parser.add_argument_group("target")
    target.add_argument("--base-url", default="http://127.0.0.1:8000", help="%(default)s")
    target.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also allow this non-loopback host: only a server you run yourself",
    )
    target.add_argument("--insecure", action="store_true", help="accept a self-signed certificate")
    target.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="extra request header (e.g. 'X-Forwarded-Proto: https' straight at Daphne)",
    )
    target.add_argument("--origin", help="Origin of the WebSocket handshake (default: base URL)")
    load = parser.add_argument_group("load")
    load.add_argument(
        "--scenarios",
        help="comma-separated: healthz, readyz, api, ws (default: healthz; "
        "with --username also api, ws)",
    )
    load.add_argument("--duration", type=float, default=10.0, help="seconds (default %(default)s)")
    load.add_argument(
        "--max-requests", type=int, default=0, help="stop after this many (0: duration only)"
    )
    mode = load.add_mutually_exclusive_group()
    mode.add_argument("--rate", type=float, default=0.0, help="open loop: requests per second")
    mode.add_argument(
        "--concurrency", type=int, default=0, help="closed loop: clients (default 20)"
    )
    load.add_argument(
        "--max-in-flight",
        type=int,
        default=1000,
        help="open loop: requests allowed to wait for answers (default %(default)s)",
    )
    load.add_argument(
        "--timeout", type=float, default=10.0, help="per request, seconds (default %(default)s)"
    )
    auth = parser.add_argument_group("authenticated scenarios")
    auth.add_argument("--username")
    auth.add_argument("--password", help=f"prefer ${PASSWORD_ENV}: a command line is visible")
    auth.add_argument(
        "--api-path",
        action="append",
        default=[],
        metavar="PATH",
        help="authenticated GET path, repeatable (default /api/v1/auth/me/)",
    )
    auth.add_argument("--ws-path", default=WS_PATH, help="%(default)s")
    out = parser.add_argument_group("report and criteria")
    out.add_argument("--json", metavar="FILE", help="write the report as JSON")
    out.add_argument("--no-progress", action="store_true", help="no progress line")
    out.add_argument(
        "--min-success",
        type=float,
        default=0.99,
        help="lowest success rate, 0 to 1 (default %(default)s; 0 turns it off)",
    )
    out.add_argument("--max-p95-ms", type=float)
    out.add_argument("--max-p99-ms", type=float)
    out.add_argument("--min-rps", type=float, help="total successful answers per second")
    args = parser.parse_args(argv)

    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be more than 0 and at most {MAX_DURATION_S:.0f} s")
    if args.max_requests < 0:
        parser.error("--max-requests must be 0 or more")
    if args.rate < 0 or args.rate > 100_000:
        parser.error("--rate must be between 0 and 100000")
    if args.concurrency < 0 or args.concurrency > 10_000:
        parser.error("--concurrency must be between 1 and 10000")
    if args.rate == 0 and args.concurrency == 0:
        args.concurrency = 20
    if args.max_in_flight < 1:
        parser.error("--max-in-flight must be 1 or more")
    if not 0 <= args.min_success <= 1:
        parser.error("--min-success is a fraction between 0 and 1")
    known = {"healthz", "readyz", "api", "ws"}
    if args.scenarios:
        chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    else:
        chosen = ["healthz", "api", "ws"] if args.username else ["healthz"]
    unknown = [s for s in chosen if s not in known]
    if unknown or not chosen:
        parser.error(f"unknown scenario(s) {unknown}; choose from {sorted(known)}")
    args.scenarios = list(dict.fromkeys(chosen))
    args.api_path = args.api_path or ["/api/v1/auth/me/"]
    for path in [*args.api_path, args.ws_path]:
        if not path.startswith("/"):
            parser.error(f"paths start with '/': {path}")
    headers: dict[str, str] = {}
    for header in args.header:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            parser.error(f"--header takes NAME:VALUE, not {header!r}")
        headers[name.strip()] = value.strip()
    args.headers = headers
    return args


def check_target(args: argparse.Namespace) -> tuple[str, str]:
    """The normalised base URL and its host, or UsageError when the target is refused."""
    parts = urlsplit(args.base_url)
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"--base-url must be http:// or https://, not {args.base_url!r}")
    if parts.username or parts.password:
        raise UsageError("--base-url must not carry credentials")
    host = parts.hostname or ""
    refusal = target_refusal(host, args.allow_host)
    if refusal:
        raise UsageError(
            f"refused: {refusal}. This load test runs against loopback only; for a server you "
            "run yourself, name it again with --allow-host NAME."
        )
    base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    return base, host


async def prepare(
    args: argparse.Namespace, client: httpx.AsyncClient, base: str
) -> tuple[list[Scenario], dict[str, str]]:
    scenarios: list[Scenario] = []
    skipped: dict[str, str] = {}
    for name in ("healthz", "readyz"):
        if name in args.scenarios:
            scenarios.append(HttpGet(client, f"/{name}"))

    wanted_auth = [s for s in ("api", "ws") if s in args.scenarios]
    labels = {"api": [f"GET {p}" for p in args.api_path], "ws": [f"WS {args.ws_path}"]}
    if not wanted_auth:
        return scenarios, skipped

    def skip_all(reason: str) -> None:
        for scenario in wanted_auth:
            for label in labels[scenario]:
                skipped[label] = reason

    password = args.password or os.environ.get(PASSWORD_ENV, "")
    if not args.username or not password:
        skip_all(f"needs --username and a password (--password or ${PASSWORD_ENV})")
        return scenarios, skipped
    session = Session(client, args.username, password)
    token, reason = await session.login()
    if token is None:
        skip_all(reason)
        return scenarios, skipped

    if "api" in args.scenarios:
        for path in args.api_path:
            scenario = HttpGet(client, path, session)
            try:
                probe = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                skipped[scenario.name] = f"not reachable ({type(exc).__name__})"
                continue
            if probe.status_code in (403, 404, 405):
                code = _error_code_of(api.error_code(probe))
                skipped[scenario.name] = (
                    f"answered HTTP {probe.status_code}{' ' + code if code else ''}: "
                    "not available to this user in this build"
                )
                continue
            scenarios.append(scenario)

    if "ws" in args.scenarios:
        parts = urlsplit(base)
        ws_url = urlunsplit(
            ("wss" if parts.scheme == "https" else "ws", parts.netloc, args.ws_path, "", "")
        )
        origin = args.origin or f"{parts.scheme}://{parts.netloc}"
        ssl_context: Any = None
        if parts.scheme == "https":
            import ssl

            ssl_context = ssl.create_default_context()
            if args.insecure:
                ssl_context.check_hostname = False
                ssl_context.verify_mode = ssl.CERT_NONE
        ws = WebSocketAuth(ws_url, origin, session, args.timeout, args.headers, ssl_context)
        try:
            await ws.run_once()
        except FailedRequestError as exc:
            skipped[ws.name] = (
                f"the first connection failed ({exc}): the events socket is missing, the Origin "
                f"{origin} is not allowed, or the token was refused"
            )
        else:
            scenarios.append(ws)
    return scenarios, skipped


async def main_async(args: argparse.Namespace) -> int:
    base, _host = check_target(args)
    limit = args.max_in_flight if args.rate > 0 else args.concurrency
    async with httpx.AsyncClient(
        base_url=base,
        headers={"User-Agent": "strongroom-load-test", **args.headers},
        timeout=httpx.Timeout(args.timeout),
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        verify=not args.insecure,
        trust_env=False,  # never through a proxy from the environment
        follow_redirects=False,
    ) as client:
        scenarios, skipped = await prepare(args, client, base)
        for name, reason in skipped.items():
            _err(f"load_test: skipping {name}: {reason}")
        if not scenarios:
            _err("load_test: nothing to run")
            return EXIT_NOTHING_RAN
        plan = Plan(
            scenarios=scenarios,
            duration=args.duration,
            max_requests=args.max_requests,
            rate=args.rate,
            concurrency=args.concurrency,
            max_in_flight=args.max_in_flight,
        )
        progress = sys.stderr.isatty() and not args.no_progress
        recorder = Recorder([s.name for s in scenarios], track_window=progress)
        started_at = datetime.now(UTC)
        runner = Runner(plan, recorder, progress)
        await runner.run()

    elapsed = runner.elapsed
    summaries = {name: stats.summary(elapsed) for name, stats in recorder.stats.items()}
    overall = recorder.total().summary(elapsed)
    criteria = evaluate(args, {**summaries, "all": overall})
    passed = overall["ok"] > 0 and all(c.passed for c in criteria)
    load = (
        f"open loop at {args.rate:g} req/s"
        if args.rate > 0
        else f"closed loop, {args.concurrency} clients"
    )
    report: dict[str, Any] = {
        "target": base,
        "load": load,
        "mode": "open" if args.rate > 0 else "closed",
        "rate": args.rate or None,
        "concurrency": args.concurrency or None,
        "duration_s": args.duration,
        "max_requests": args.max_requests or None,
        "started_at": started_at.isoformat(),
        "elapsed_s": round(elapsed, 3),
        "scenarios": summaries,
        "overall": overall,
        "skipped": skipped,
        "criteria": [c.__dict__ for c in criteria],
        "passed": passed,
    }
    sys.stdout.write(text_report(report) + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
    return EXIT_PASS if passed else EXIT_FAIL


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return asyncio.run(main_async(args))
    except UsageError as exc:
        _err(f"load_test: {exc}")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
