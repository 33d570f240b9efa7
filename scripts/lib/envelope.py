"""The API's JSON error envelope, ``{"error": {"code", "message", "request_id", ...}}``, read
without third-party libraries (the nginx smoke test runs on the system's python3)."""

from __future__ import annotations

import json
from typing import Any


def error_envelope(body: object) -> dict[str, Any]:
    """The ``error`` object of a decoded body, or {} when the body is not an envelope."""
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def parse_error_envelope(raw: bytes | str) -> dict[str, Any]:
    """The ``error`` object of a raw body, or {} when it is not JSON or not an envelope."""
    try:
        return error_envelope(json.loads(raw))
    except ValueError:
        return {}
