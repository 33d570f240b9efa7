"""Log records carry the request id; production writes them as one JSON object per line."""

import json
import logging
from datetime import UTC, datetime

from strongroom.core.request_id import get_request_context, get_user_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = get_request_context()
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id or "-"
        if not hasattr(record, "correlation_id"):
            record.correlation_id = context.correlation_id
        if not hasattr(record, "user_id"):
            record.user_id = get_user_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        correlation_id = getattr(record, "correlation_id", "")
        if correlation_id:
            payload["correlation_id"] = correlation_id  # the client's own X-Request-ID
        user_id = getattr(record, "user_id", None)
        if user_id is not None:
            payload["user_id"] = user_id
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
