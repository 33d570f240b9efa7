"""OpenAPI post-processing: every operation documents the error envelope for the 4xx answers
the API can give, so clients generated from the schema know its shape (a write may also meet a
409 conflict, a body of the wrong media type a 415)."""

from typing import Any

_ERRORS = {
    "400": "Invalid input or a broken rule",
    "401": "Not authenticated, or the session ended",
    "403": "Not allowed for your role, or a password change is required",
    "404": "Not found (or outside your units)",
    "429": "Too many requests",
}
_WRITES = {"post", "put", "patch", "delete"}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "Stable and machine-readable."},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
                "request_id": {"type": "string"},
            },
        }
    },
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorEnvelope", _ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(_ERRORS)
            if method in _WRITES:
                errors["409"] = "The object changed since you read it, or is in use"
            if "requestBody" in operation:
                errors["415"] = "The body is not of a media type this operation takes"
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
