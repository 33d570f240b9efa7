"""The checks of the deployment configuration that hold wherever nginx runs: in front of the stub
backend of scripts/check_deploy_configs.sh (scripts/deploy_checks/nginx_smoke.py) and in front of
the real one of scripts/check_production_topology.py. Standard library only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lib.envelope import parse_error_envelope

# nginx/snippets/security-headers.conf: each exactly once, starting with this value.
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
# The site's Content-Security-Policy (the SPA and everything nginx answers itself).
SITE_CSP_PARTS = (
    "default-src 'self'",
    "connect-src 'self' wss:",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
)
# An attachment nginx sends on the API's X-Accel-Redirect: a sandbox, whatever the file holds.
ATTACHMENT_CSP = "default-src 'none'; sandbox"
REQUEST_ID = re.compile(r"[0-9a-f]{32}")

HeaderValues = Callable[[str], list[str]]  # every value of a header, by lower-case name


def security_header_problems(values: HeaderValues) -> list[str]:
    """What is wrong with an answer's security headers ([] when nothing is)."""
    wrong = []
    for name, value in SECURITY_HEADERS.items():
        found = values(name)
        if len(found) != 1 or not found[0].startswith(value):
            wrong.append(f"{name}: {found}")
    if not values("content-security-policy"):
        wrong.append("content-security-policy: []")
    return wrong


def csp_missing(csp: str) -> list[str]:
    """The parts of the site policy that ``csp`` lacks."""
    return [part for part in SITE_CSP_PARTS if part not in csp]


def throttled_problems(
    content_type: str | None, body: bytes | str, *, request_id: str | None = None
) -> list[str]:
    """What keeps a 429 from being the API's JSON error envelope (code ``throttled``, the
    request id nginx minted; ``request_id``: the one the answer's X-Request-ID header named)."""
    envelope = parse_error_envelope(body)
    problems = []
    if content_type != "application/json":
        problems.append(f"Content-Type {content_type}")
    if envelope.get("code") != "throttled":
        problems.append(f"code {envelope.get('code')!r}")
    found = str(envelope.get("request_id", ""))
    if not REQUEST_ID.fullmatch(found) or (request_id is not None and found != request_id):
        problems.append(f"request_id {found!r} (header {request_id!r})")
    return problems


def leaks(value: str, text: str) -> bool:
    """The value, or for a JWT its signature (enough to forge nothing, but a sign of a leak)."""
    if value in text:
        return True
    signature = value.rsplit(".", 1)[-1] if value.count(".") == 2 else ""
    return len(signature) >= 20 and signature in text


def leaked(secrets: Mapping[str, str], text: str) -> list[str]:
    """The labels of the secrets found in ``text``."""
    return [label for label, value in secrets.items() if leaks(value, text)]


def websocket_log_problems(records: Iterable[dict[str, Any]]) -> list[str]:
    """nginx's JSON access log: /ws/ lines must exist and carry no query string (the token of a
    client that put it in the URL must not be written down)."""
    ws = [x for x in records if str(x.get("uri", "")).startswith("/ws/")]
    if not ws:
        return ["no /ws/ line"]
    return [f"/ws/ logged with a query string: {x['uri']}" for x in ws if "?" in str(x["uri"])]
