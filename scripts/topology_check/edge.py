"""What nginx answers itself: TLS, security headers, static files and attachments, rate limits,
the upstreams it used, its logs."""

from __future__ import annotations

import hashlib
import secrets
import socket
import ssl
from typing import Any

import httpx
from lib.deploy_checks import (
    csp_missing,
    leaked,
    security_header_problems,
    throttled_problems,
    websocket_log_problems,
)
from lib.envelope import error_envelope

from topology_check.base import HOST, PDF, Base, json_body


class EdgeChecks(Base):
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
        missing = csp_missing(spa.headers.get("content-security-policy", ""))
        self.check(
            spa.status_code == 200 and not missing,
            "the SPA's CSP is the site policy" + (f" — missing {missing}" if missing else ""),
        )
        error = answers["API 404"]
        self.check(
            error.status_code == 404 and error.json().get("error", {}).get("code") == "not_found",
            "API errors keep the API's JSON error envelope behind nginx",
        )

    def check_security_headers(self, label: str, r: httpx.Response) -> None:
        wrong = security_header_problems(r.headers.get_list)
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
        envelope = error_envelope(json_body(last))
        problems = throttled_problems(
            last.headers.get("content-type"),
            last.content,
            request_id=last.headers.get("x-request-id"),
        )
        self.check(
            not problems,
            f"  ... its 429 is the API's JSON error envelope ({envelope.get('code')})"
            + (f" — {problems}" if problems else ""),
        )
        self.check_security_headers("  ... and nginx's 429", last)
        # The backend's username throttle (10 per 5 minutes, any address) behind the exemption.
        guess = {"username": "topology-guessed", "password": "not-the-password"}
        with self.client() as client:
            codes = [client.post("/api/v1/auth/login/", json=guess).status_code for _ in range(10)]
            r = client.post("/api/v1/auth/login/", json=guess)
        envelope = error_envelope(json_body(r))
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
        problems = websocket_log_problems(records)
        self.check(
            not problems and any(x["status"] == 101 for x in ws),
            f"/ws/ logged as 101 without a query string ({len(ws)} line(s))"
            + (f" — {problems}" if problems else ""),
        )
        logs = {
            "nginx access log": self.access_log.read_text(),
            "nginx error log": self.error_log.read_text() if self.error_log.exists() else "",
            **{name: self.logfile(name) for name in ("daphne-1", "daphne-2", "worker", "beat")},
        }
        for name, text in logs.items():
            found = leaked(self.secrets, text)
            self.check(
                text.strip() and not found if name != "nginx error log" else not found,
                f"{name} ({len(text.splitlines())} lines): no token or password"
                + (f" — found {', '.join(found)}" if found else ""),
            )
