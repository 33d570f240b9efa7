import json
import logging

from strongroom.core.logging import JsonFormatter, RequestIdFilter
from strongroom.core.request_id import reset_request_context, set_request_context, set_user_id


def test_json_log_lines_carry_request_and_user_ids() -> None:
    token = set_request_context(request_id="req-42", ip_address="10.0.0.1")
    set_user_id(7)
    try:
        record = logging.LogRecord(
            "strongroom.test", logging.INFO, __file__, 1, "hello %s", ("world",), None
        )
        assert RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        reset_request_context(token)
        set_user_id(None)
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-42"
    assert line["user_id"] == 7
    assert line["level"] == "INFO"


def test_shared_redis_pools_are_reused_across_cache_instances() -> None:
    from strongroom.core.cache import SharedPoolRedisCache

    first = SharedPoolRedisCache("redis://127.0.0.1:1/0", {})
    second = SharedPoolRedisCache("redis://127.0.0.1:1/0", {})
    assert first._cache._get_connection_pool(True) is second._cache._get_connection_pool(True)
    other = SharedPoolRedisCache("redis://127.0.0.1:1/1", {})
    assert other._cache._get_connection_pool(True) is not first._cache._get_connection_pool(True)
