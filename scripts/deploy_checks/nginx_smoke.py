"""nginx in front of a stub backend on loopback (scripts/check_deploy_configs.sh, step 6): real
HTTP and TLS requests check redirects, headers, the SPA fallback, static files, no public /media/,
attachments sent by nginx on the API's X-Accel-Redirect (internal /protected-media/), proxying,
X-Request-ID, the WebSocket upgrade, /metrics, body size, rate limits (429 in the API's JSON error
envelope) and the access log (no /ws query strings, no Authorization header).

    PYTHONPATH=scripts python3 -m deploy_checks.nginx_smoke HTTP_PORT HTTPS_PORT UPSTREAM_PORT \
        ACCESS_LOG

nginx must already be running on HTTP_PORT and HTTPS_PORT with the rewritten configuration
(upstream 127.0.0.1:UPSTREAM_PORT, where this module serves the stub). Standard library only: it
runs on the system's python3. Prints ok/FAIL per check; exit status 1 if any fails."""

from __future__ import annotations

import base64
import hashlib
import http.client
import http.server
import json
import math
import re
import socket
import ssl
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from lib.deploy_checks import (
    ATTACHMENT_CSP,
    SITE_CSP_PARTS,
    HeaderValues,
    csp_missing,
    leaked,
    security_header_problems,
    throttled_problems,
    websocket_log_problems,
)

# Sent where they must not be logged (the access log is read for them at the end).
LOGGED_SECRETS = {"a WebSocket token": "SECRET-WS-TOKEN", "a bearer token": "SECRET-AUTH-TOKEN"}


def header_values(r: http.client.HTTPResponse) -> HeaderValues:
    return lambda name: [v for k, v in r.getheaders() if k.lower() == name]


class StubBackend(http.server.BaseHTTPRequestHandler):
    """Answers like Daphne would: echoes what it received, sets its own X-Frame-Options."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        remaining = length
        while remaining:
            remaining -= len(self.rfile.read(min(remaining, 1 << 20)))
        if self.path.startswith("/api/v1/attachments/"):
            # What the download view answers in production: authorised, nginx sends the file.
            self.send_response(200)
            self.send_header("Content-Type", "image/tiff")
            self.send_header("Content-Length", "0")
            self.send_header("Content-Disposition", 'attachment; filename="Scan 1.pdf"')
            self.send_header("Cache-Control", "private, no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Accel-Redirect", "/protected-media/attachments/ab/scan.pdf")
            self.end_headers()
            return
        if self.headers.get("Upgrade", "").lower() == "websocket":
            accept = base64.b64encode(
                hashlib.sha1(  # noqa: S324 (RFC 6455's handshake)
                    (
                        self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
                    ).encode()
                ).digest()
            ).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.close_connection = True
            return
        body = json.dumps(
            {"path": self.path, "headers": dict(self.headers.items()), "body_length": length}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _answer  # noqa: N815 (BaseHTTPRequestHandler's names)


class Smoke:
    def __init__(self, http_port: int, https_port: int, access_log: str) -> None:
        self.http_port = http_port
        self.https_port = https_port
        self.access_log = access_log
        self.failures: list[str] = []
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE

    def check(self, ok: object, text: str) -> None:
        sys.stdout.write(f"    {'ok   ' if ok else 'FAIL '} {text}\n")
        if not ok:
            self.failures.append(text)

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        secure: bool = True,
        source: str = "127.0.0.1",
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn: http.client.HTTPConnection
        if secure:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=self.tls, timeout=10,
                source_address=(source, 0),
            )  # fmt: skip
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, timeout=10, source_address=(source, 0)
            )
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp, data

    def wait_for_nginx(self) -> None:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)

    def port_80(self) -> None:
        """port 80"""
        r, _ = self.request("GET", "/crates/7?tab=history", secure=False)
        self.check(
            r.status == 301
            and r.getheader("Location", "").startswith("https://")
            and r.getheader("Location", "").endswith("/crates/7?tab=history"),
            "http:// redirects 301 to https:// (path and query kept)",
        )
        r, body = self.request("GET", "/.well-known/acme-challenge/token123", secure=False)
        self.check(
            r.status == 200 and body == b"acme-token-content\n", "ACME challenge served over http"
        )
        r, body = self.request("GET", "/nginx-health", secure=False)
        self.check(r.status == 200, "/nginx-health answers on http from loopback")

    def tls_versions(self) -> None:
        """TLS"""
        with socket.create_connection(("127.0.0.1", self.https_port)) as raw:
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            ctx.set_alpn_protocols(["h2", "http/1.1"])
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.check(s.selected_alpn_protocol() == "h2", "HTTP/2 offered over ALPN")
                self.check(s.version() == "TLSv1.3", f"TLS 1.3 negotiated ({s.version()})")
        for version, accepted in ((ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_1, False)):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            try:
                ctx.minimum_version = ctx.maximum_version = version
                if not accepted:
                    ctx.set_ciphers("ALL:@SECLEVEL=0")
                with (
                    socket.create_connection(("127.0.0.1", self.https_port)) as raw,
                    ctx.wrap_socket(raw, server_hostname="localhost"),
                ):
                    ok = accepted
            except (ssl.SSLError, ValueError, OSError):
                ok = not accepted
            self.check(ok, f"{version.name} {'accepted' if accepted else 'refused'}")

    def spa_and_files(self) -> None:
        """SPA and files"""
        r, body = self.request("GET", "/")
        self.check(r.status == 200 and b'id="root"' in body, "/ serves the SPA index.html")
        self.check(
            r.getheader("Cache-Control") == "no-cache",
            "index.html is served with Cache-Control: no-cache",
        )
        wrong = security_header_problems(header_values(r))
        self.check(
            not wrong,
            "HSTS, CSP, nosniff, X-Frame-Options DENY, Referrer-Policy, once each"
            + (f" — wrong: {wrong}" if wrong else ""),
        )
        missing = csp_missing(r.getheader("Content-Security-Policy", ""))
        self.check(
            not missing,
            f"the site's CSP ({'; '.join(SITE_CSP_PARTS)})"
            + (f" — missing {missing}" if missing else ""),
        )
        self.check(
            len(r.getheader("X-Request-ID", "")) == 32, "a request id is minted and returned"
        )
        self.check(r.getheader("Server") == "nginx", "server_tokens off (no version in Server)")
        r, body = self.request("GET", "/requests/42/timeline")
        self.check(
            r.status == 200 and b'id="root"' in body, "client-side route falls back to index.html"
        )
        self.check(
            r.getheader("Cross-Origin-Opener-Policy") == "same-origin-allow-popups",
            "the app keeps its re-authentication window (COOP same-origin-allow-popups)",
        )
        r, body = self.request("GET", "/auth/callback?code=c&state=s")
        self.check(
            r.status == 200
            and b'id="root"' in body
            and header_values(r)("cross-origin-opener-policy") == ["unsafe-none"],
            "/auth/callback keeps its opener (COOP unsafe-none, once)",
        )
        r, body = self.request(
            "GET", "/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"}
        )
        self.check(
            r.status == 200 and "immutable" in r.getheader("Cache-Control", ""),
            "hashed asset cached as immutable",
        )
        self.check(r.getheader("Content-Encoding") == "gzip", "gzip on JavaScript")
        self.check(
            r.getheader("Strict-Transport-Security") is not None, "security headers also on assets"
        )
        r, body = self.request("GET", "/assets/index-missing.js")
        self.check(r.status == 404, "missing asset is 404, not index.html")
        r, body = self.request("GET", "/static/admin.css")
        self.check(
            r.status == 200 and body == b"body{color:#000}\n",
            "/static/ served from the static volume",
        )

    def media(self) -> None:
        """uploaded files: no public route; sent by nginx only on the API's X-Accel-Redirect"""
        r, body = self.request("GET", "/media/attachments/ab/scan.pdf")
        self.check(
            r.status == 404 and b"%PDF" not in body and b'id="root"' not in body,
            f"/media/<file> is 404, neither the file nor the SPA ({r.status})",
        )
        self.check(
            r.getheader("X-Content-Type-Options") == "nosniff",
            "security headers on the /media/ 404",
        )
        r, body = self.request("GET", "/protected-media/attachments/ab/scan.pdf")
        self.check(
            r.status == 404 and b"%PDF" not in body,
            f"/protected-media/ is internal: 404 from outside ({r.status})",
        )
        r, body = self.request("GET", "/api/v1/attachments/7/download/")
        self.check(
            r.status == 200 and body == b"%PDF-1.4 stub\n",
            "API X-Accel-Redirect: nginx sends the file from the media volume",
        )
        self.check(
            r.getheader("Content-Disposition") == 'attachment; filename="Scan 1.pdf"',
            "  ... with the API's Content-Disposition (attachment)",
        )
        self.check(
            r.getheader("Content-Type") == "image/tiff",
            f"  ... with the API's Content-Type ({r.getheader('Content-Type')})",
        )
        cache = [v for k, v in r.getheaders() if k.lower() == "cache-control"]
        self.check(
            cache == ["private, no-store"], f"  ... with the API's Cache-Control, once ({cache})"
        )
        csps = [v for k, v in r.getheaders() if k.lower() == "content-security-policy"]
        self.check(ATTACHMENT_CSP in csps, f"  ... with a sandbox CSP ({csps})")
        self.check(
            r.getheader("X-Content-Type-Options") == "nosniff"
            and r.getheader("Strict-Transport-Security"),
            "  ... with nosniff and HSTS",
        )
        self.check(
            r.getheader("X-Accel-Redirect") is None, "  ... without the X-Accel-Redirect header"
        )
        r, _ = self.request("GET", "/metrics")
        self.check(r.status in (403, 404), f"/metrics denied ({r.status})")

    def proxy(self) -> None:
        """proxy to the backend"""
        r, body = self.request(
            "GET",
            "/api/v1/crates/?search=A1",
            headers={
                "X-Request-ID": "req-abc.123",
                "X-Forwarded-For": "6.6.6.6",
                "Authorization": f"Bearer {LOGGED_SECRETS['a bearer token']}",
            },
        )
        seen = json.loads(body) if r.status == 200 else {"headers": {}}
        h = {k.lower(): v for k, v in seen["headers"].items()}
        self.check(
            r.status == 200 and seen.get("path") == "/api/v1/crates/?search=A1",
            "/api/ proxied to the backend",
        )
        self.check(
            re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", ""))
            and r.getheader("X-Request-ID") == h["x-request-id"],
            "nginx's own X-Request-ID (not the client's) sent to the backend and back",
        )
        self.check(
            h.get("x-client-request-id") == "req-abc.123",
            "a well-formed client X-Request-ID passed on only as X-Client-Request-ID",
        )
        self.check(h.get("x-forwarded-proto") == "https", "X-Forwarded-Proto: https")
        self.check(
            h.get("x-forwarded-for") == "127.0.0.1",
            "X-Forwarded-For is the client address, not a spoofed one",
        )
        self.check(h.get("host", "").startswith("127.0.0.1"), "Host passed through")
        self.check(
            r.getheader("X-Frame-Options") == "DENY",
            "backend's own X-Frame-Options replaced by nginx's",
        )
        self.check(
            r.getheader("Content-Security-Policy") is not None,
            "security headers on proxied responses",
        )
        r, body = self.request(
            "GET", "/api/v1/me/", headers={"X-Request-ID": "bad id\twith spaces"}
        )
        h = {k.lower(): v for k, v in json.loads(body)["headers"].items()}
        self.check(
            len(h.get("x-request-id", "")) == 32
            and h["x-request-id"] != "bad id\twith spaces"
            and "x-client-request-id" not in h,
            "malformed X-Request-ID replaced by a fresh id, not passed on",
        )
        r, body = self.request(
            "GET", "/api/v1/me/", headers={"X-Client-Request-ID": "forged-by-client"}
        )
        h = {k.lower(): v for k, v in json.loads(body)["headers"].items()}
        self.check(
            "x-client-request-id" not in h, "a client's own X-Client-Request-ID is not passed on"
        )
        for path in ("/healthz", "/readyz", "/admin/login/"):
            r, body = self.request("GET", path)
            self.check(
                r.status == 200 and json.loads(body)["path"] == path,
                f"{path} proxied to the backend",
            )
        r, body = self.request(
            "POST",
            "/api/v1/documents/1/attachments/",
            body=b"x" * (26 * 1024 * 1024),
            headers={"Content-Type": "application/octet-stream"},
        )
        self.check(
            r.status == 200 and json.loads(body)["body_length"] == 26 * 1024 * 1024,
            "26 MB upload accepted",
        )
        r, _ = self.request(
            "POST",
            "/api/v1/documents/1/attachments/",
            body=b"x" * (31 * 1024 * 1024),
            headers={"Content-Type": "application/octet-stream"},
        )
        self.check(r.status == 413, "31 MB upload refused with 413")

    def websocket(self) -> None:
        """WebSocket upgrade (token in the query string on purpose: it must not be logged)"""
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.tls, timeout=10
        )
        conn.request(
            "GET",
            f"/ws/v1/events/?token={LOGGED_SECRETS['a WebSocket token']}",
            headers={
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(),
                "Origin": "https://localhost",
            },
        )
        r = conn.getresponse()
        self.check(
            r.status == 101 and r.getheader("Upgrade", "").lower() == "websocket",
            "/ws/ upgraded to WebSocket (101)",
        )
        conn.close()

    def rate_limits(self) -> None:
        """rate limits (127.0.0.1 is exempt; 127.0.0.2 is an ordinary client)"""
        # A shift change: 200 operators sign in at once from one NAT address, all pass (1 + burst
        # 200); the per-address ceiling then refuses (60 per minute refill, so a few more may pass
        # meanwhile).
        answers: list[tuple[http.client.HTTPResponse, bytes]] = []
        while len(answers) < 300 and (len(answers) <= 201 or answers[-1][0].status != 429):
            answers.append(
                self.request(
                    "POST",
                    "/api/v1/auth/login/",
                    source="127.0.0.2",
                    body=json.dumps(
                        {"username": f"operator{len(answers):03d}", "password": "x"}
                    ).encode(),
                )
            )
        codes = [r.status for r, _ in answers]
        self.check(
            codes[:201] == [200] * 201 and codes[-1] == 429,
            f"200 sign-ins from one address pass, then 429 ({codes.count(200)} passed, "
            f"{codes.count(429)} refused)",
        )
        r, body = answers[-1]
        problems = throttled_problems(r.getheader("Content-Type"), body)
        self.check(
            not problems and r.getheader("Retry-After") == "60",
            "the 429 is the API's JSON error envelope (code throttled, request id, Retry-After)"
            + (f" — {problems}, Retry-After {r.getheader('Retry-After')}" if problems else ""),
        )
        self.check(
            r.getheader("Strict-Transport-Security") is not None, "security headers on the 429"
        )
        r, _ = self.request(
            "POST",
            "/admin/login/",
            body=b"username=a&password=b",
            source="127.0.0.2",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.check(
            r.status == 429, f"the admin's sign-in form shares the sign-in limit ({r.status})"
        )
        began = time.monotonic()
        codes = [self.request("GET", "/readyz", source="127.0.0.4")[0].status for _ in range(30)]
        elapsed = time.monotonic() - began
        # The burst (10) and the first request pass at once; 5/s more come back while the 30 are
        # sent (on a loaded machine they take a second or more, so the last one may pass).
        allowed = 11 + math.ceil(5 * elapsed)
        self.check(
            codes[:11] == [200] * 11 and 429 in codes and codes.count(200) <= allowed,
            f"/readyz limited per client to 5/s, burst 10 ({codes.count(429)} of 30 refused in "
            f"{elapsed:.2f} s; at most {allowed} may pass)",
        )
        codes = [
            self.request("POST", "/api/v1/auth/login/", body=b"{}")[0].status for _ in range(10)
        ]
        self.check(codes == [200] * 10, "loopback is exempt from rate limits")
        codes = [
            self.request("GET", "/api/v1/crates/", source="127.0.0.3")[0].status for _ in range(30)
        ]
        self.check(429 not in codes, "30 quick API requests pass (burst 40)")

    def access_log_lines(self) -> None:
        """access log"""
        time.sleep(0.3)  # nginx writes the line after the response
        lines = Path(self.access_log).read_text().splitlines()
        records = [json.loads(line) for line in lines]
        self.check(
            len(records) > 20 and all("request_id" in x for x in records),
            f"access log is JSON ({len(records)} lines)",
        )
        ws_problems = websocket_log_problems(records)
        self.check(
            not ws_problems,
            "/ws/ logged without its query string" + (f" — {ws_problems}" if ws_problems else ""),
        )
        found = leaked(LOGGED_SECRETS, "\n".join(lines))
        self.check(
            not found,
            "no token or Authorization header in the access log"
            + (f" — found {found}" if found else ""),
        )
        self.check(
            any(x["uri"] == "/api/v1/crates/?search=A1" for x in records),
            "API query strings are still logged",
        )
        self.check(
            not any(x["uri"] in ("/healthz", "/readyz") for x in records),
            "health probes not logged",
        )


def main(argv: list[str] | None = None) -> int:
    warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1_1
    args = sys.argv[1:] if argv is None else argv
    http_port, https_port, upstream_port = (int(p) for p in args[:3])
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", upstream_port), StubBackend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    smoke = Smoke(http_port, https_port, args[3])
    try:
        smoke.wait_for_nginx()
        for step in (
            smoke.port_80,
            smoke.tls_versions,
            smoke.spa_and_files,
            smoke.media,
            smoke.proxy,
            smoke.websocket,
            smoke.rate_limits,
            smoke.access_log_lines,
        ):
            step()
    finally:
        backend.shutdown()
    failed = len(smoke.failures)
    sys.stdout.write(
        f"    {f'{failed} smoke check(s) failed' if failed else 'all smoke checks passed'}\n"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
