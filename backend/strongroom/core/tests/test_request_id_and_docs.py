"""Deployment hardening at the HTTP edge: whose request id the audit trail records, and who may
read the OpenAPI schema and Swagger UI."""

import logging
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.core.logging import JsonFormatter, RequestIdFilter
from strongroom.core.request_id import reset_request_context, set_request_context

SERVER_ID = re.compile(r"^[0-9a-f]{32}$")
UNSAFE_IDS = [
    pytest.param("forged\r\nX-Injected: 1", id="newline"),
    pytest.param("a" * 1024, id="1KB"),
    pytest.param("r\u00e9quest-\u2603", id="unicode"),
    pytest.param("has spaces", id="spaces"),
]


def _failed_login(client: Client, **headers: str) -> Any:
    return client.post(
        "/api/v1/auth/login/",
        {"username": "nobody-here", "password": "wrong-password-1"},
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("client_id", [*UNSAFE_IDS, pytest.param("client-chosen-42", id="safe")])
def test_a_client_x_request_id_is_never_the_audited_id(client: Client, client_id: str) -> None:
    """The audit trail records the server's own id: a client's header, safe or not, is neither
    echoed as the request id nor written to the audit event."""
    response = _failed_login(client, **{"X-Request-ID": client_id})
    assert response.status_code == 401, response.content
    server_id = response["X-Request-ID"]
    assert SERVER_ID.fullmatch(server_id), server_id
    assert server_id != client_id
    assert response.json()["error"]["request_id"] == server_id
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.request_id == server_id


@pytest.mark.django_db
@override_settings(STRONGROOM_REQUEST_ID_FROM_PROXY=True)
@pytest.mark.parametrize("proxy_id", UNSAFE_IDS)
def test_a_malformed_proxy_request_id_is_replaced(client: Client, proxy_id: str) -> None:
    response = _failed_login(client, **{"X-Request-ID": proxy_id})
    assert SERVER_ID.fullmatch(response["X-Request-ID"])
    assert AuditEvent.objects.get(action="auth.login_failed").request_id == response["X-Request-ID"]


@pytest.mark.django_db
@override_settings(STRONGROOM_REQUEST_ID_FROM_PROXY=True)
def test_behind_nginx_the_proxy_id_is_recorded_and_the_client_id_only_correlates(
    client: Client,
) -> None:
    """nginx mints X-Request-ID and passes a client's well-formed id as X-Client-Request-ID."""
    response = _failed_login(
        client, **{"X-Request-ID": "0123456789abcdef0123456789abcdef", "X-Client-Request-ID": "c-1"}
    )
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.request_id == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("client_id", UNSAFE_IDS)
def test_an_unsafe_client_id_never_reaches_the_logs(client_id: str) -> None:
    token = set_request_context(request_id=None, correlation_id=client_id)
    try:
        record = logging.LogRecord("strongroom.test", logging.INFO, __file__, 1, "hi", (), None)
        assert RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        reset_request_context(token)
    assert "correlation_id" not in line
    assert client_id not in line


def test_a_safe_client_id_is_logged_next_to_the_server_id() -> None:
    token = set_request_context(request_id=None, correlation_id="client-chosen-42")
    try:
        record = logging.LogRecord("strongroom.test", logging.INFO, __file__, 1, "hi", (), None)
        assert RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        reset_request_context(token)
    assert '"correlation_id": "client-chosen-42"' in line
    assert re.search(r'"request_id": "[0-9a-f]{32}"', line)


@pytest.mark.django_db
@override_settings(STRONGROOM_API_DOCS_PUBLIC=False)
@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_api_docs_need_a_signed_in_user_in_production(
    client: Client, api_client_for: Any, url: str
) -> None:
    anonymous = client.get(url)
    assert anonymous.status_code == 401, anonymous.content[:200]
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    signed_in = api_client_for(UserFactory())
    assert signed_in.get(url).status_code == 200
