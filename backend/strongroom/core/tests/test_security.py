"""Security tests, part 1: the world the security and fuzz tests share, and tokens.

Tokens: an access JWT signed with ``alg: none``, with another key, expired, or of a session that
ended (logout) is refused on HTTP (401, error envelope) and on the events socket (close 4401).

``world_build()`` makes two symmetrical units, GOA1 and MUM1, each with a user of every role,
a department, shelves, stored and held crates with documents and a scan, a submitted withdrawal
and a completed destruction (so signatures, audit events and notifications exist), through the
API the way users make them. test_security_scope.py, test_security_content.py and
test_api_fuzz.py build on it.
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory
from strongroom.accounts.tokens import SESSION_CLAIM, session_tokens_issue
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing_session import signing_session_touch
from strongroom.disposition.models import DestructionBatch
from strongroom.records.models import Attachment, Crate, Document, DocumentType
from strongroom.records.services.attachments import attachment_create
from strongroom.records.tests.factories import (
    CrateFactory,
    DocumentFactory,
    DocumentTypeFactory,
    shelf_create,
)
from strongroom.requests.models import Request
from strongroom.storage.models import Location

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

# The five roles that act inside their units (a System Administrator acts on all units).
UNIT_ROLES = (
    roles.UNIT_ADMIN,
    roles.DOCUMENT_MANAGER,
    roles.APPROVER,
    roles.STORE_HEAD,
    roles.VIEWER,
)


# --- the shared world ---------------------------------------------------------------------------


@dataclass
class UnitWorld:
    """One unit's people and records."""

    unit: Unit
    department: Department
    people: dict[str, User]  # by role, plus "approver2", "storehead2" and "target" (a Viewer)
    room: Location
    shelf: Location
    spare_shelf: Location
    crate: Crate  # IN_STORAGE, with two documents, one scan, a submitted withdrawal open
    held_crate: Crate  # IN_STORAGE under legal hold
    free_crate: Crate  # IN_STORAGE, no open request
    destroyed_crate: Crate
    document: Document
    attachment: Attachment
    withdrawal: Request  # SUBMITTED
    destruction: Request  # COMPLETED (a certificate exists)
    batch: DestructionBatch  # DRAFT, one crate past its retention
    signature: Signature
    audit_event: AuditEvent

    def user(self, role: str) -> User:
        return self.people[role]


@dataclass
class World:
    goa: UnitWorld
    mum: UnitWorld
    sysadmin: User
    doc_type: DocumentType
    _clients: dict[int, APIClient] = field(default_factory=dict)

    def client(self, user: User) -> APIClient:
        """An APIClient with a session of ``user`` (one per user, made on first use)."""
        if user.pk not in self._clients:
            self._clients[user.pk] = client_for(user)
        return self._clients[user.pk]

    def user(self, role: str, unit: str = "GOA1") -> User:
        if role == roles.SYSTEM_ADMINISTRATOR:
            return self.sysadmin
        return (self.goa if unit == "GOA1" else self.mum).user(role)


def client_for(user: User) -> APIClient:
    """A session that has signed before: it signs with the password (11.200(a)(1))."""
    client = APIClient()
    refresh = session_tokens_issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    signing_session_touch(session_id=refresh[SESSION_CLAIM])
    return client


def signed(version: int, **extra: Any) -> dict[str, Any]:
    return {"version": version, "signature": {"password": TEST_PASSWORD}, **extra}


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


def _unit_world(unit: Unit, doc_type: DocumentType) -> UnitWorld:
    code = unit.code.lower()
    people = {
        role: UserFactory(
            username=f"{code}-{role.lower().replace(' ', '-')}",
            full_name=f"{role} of {unit.code}",
            role_name=role,
            units=[unit],
        )
        for role in UNIT_ROLES
    }
    people["approver2"] = UserFactory(
        username=f"{code}-approver2", role_name=roles.APPROVER, units=[unit]
    )
    people["storehead2"] = UserFactory(
        username=f"{code}-storehead2", role_name=roles.STORE_HEAD, units=[unit]
    )
    people["target"] = UserFactory(username=f"{code}-target", role_name=roles.VIEWER, units=[unit])
    department = DepartmentFactory(unit=unit, code="QA")
    shelf = shelf_create(unit=unit, code="S1", capacity=10)
    spare_shelf = shelf_create(unit=unit, code="S2", capacity=10)
    manager = people[roles.DOCUMENT_MANAGER]

    def stored(**fields: Any) -> Crate:
        crate = CrateFactory(
            unit=unit,
            department=department,
            created_by=manager,
            status=Crate.Status.IN_STORAGE,
            location=shelf,
            last_location=shelf,
            destroy_after=dt.date(2035, 1, 1),
            description=f"Records of {unit.code}",
            **fields,
        )
        for _ in range(2):
            DocumentFactory(crate=crate, doc_type=doc_type, retention_until=crate.destroy_after)
        return crate

    crate = stored()
    held_crate = stored(
        legal_hold=True,
        legal_hold_reason="Inquiry",
        legal_hold_by=people[roles.UNIT_ADMIN],
        legal_hold_at=timezone.now(),
    )
    free_crate = stored()
    doomed = stored()
    Crate.objects.filter(pk=doomed.pk).update(destroy_after=dt.date(2020, 1, 1))
    Document.objects.filter(crate=doomed).update(retention_until=dt.date(2020, 1, 1))
    document = crate.documents.order_by("id").first()
    assert document is not None
    attachment = attachment_create(
        actor=manager,
        document=document,
        upload=SimpleUploadedFile("scan.pdf", PDF + unit.code.encode(), "application/pdf"),
    )

    manager_client = client_for(manager)
    withdrawal = _ok(
        manager_client.post(
            "/api/v1/requests/",
            {
                "type": "WITHDRAWAL",
                "crate": crate.pk,
                "purpose": "Deviation investigation",
                "expected_return_on": str(timezone.localdate() + dt.timedelta(days=7)),
                "signature": {"password": TEST_PASSWORD},
            },
        ),
        201,
    )
    destruction = _ok(
        manager_client.post(
            "/api/v1/requests/",
            {
                "type": "DESTRUCTION",
                "crate": doomed.pk,
                "purpose": "Retention ended",
                "signature": {"password": TEST_PASSWORD},
            },
        ),
        201,
    )
    path = f"/api/v1/requests/{destruction['id']}"
    destruction = _ok(
        client_for(people[roles.APPROVER]).post(f"{path}/approve/", signed(destruction["version"]))
    )
    witness = {"username": people["approver2"].username, "password": TEST_PASSWORD}
    destruction = _ok(
        client_for(people[roles.STORE_HEAD]).post(
            f"{path}/destroy/", signed(destruction["version"], witness=witness)
        )
    )
    assert destruction["status"] == "COMPLETED"
    doomed.refresh_from_db()
    batch_crate = stored()
    Crate.objects.filter(pk=batch_crate.pk).update(destroy_after=dt.date(2020, 1, 1))
    batch = _ok(
        manager_client.post(
            "/api/v1/destruction-batches/", {"unit": unit.pk, "crates": [batch_crate.pk]}
        ),
        201,
    )
    signature = Signature.objects.filter(request_id=withdrawal["id"]).get()
    audit_event = AuditEvent.objects.filter(unit=unit).order_by("-id").first()
    assert audit_event is not None
    return UnitWorld(
        unit=unit,
        department=department,
        people=people,
        room=shelf.parent.parent,  # type: ignore[union-attr]
        shelf=shelf,
        spare_shelf=spare_shelf,
        crate=Crate.objects.get(pk=crate.pk),
        held_crate=held_crate,
        free_crate=free_crate,
        destroyed_crate=doomed,
        document=document,
        attachment=attachment,
        withdrawal=Request.objects.get(pk=withdrawal["id"]),
        destruction=Request.objects.get(pk=destruction["id"]),
        batch=DestructionBatch.objects.get(pk=batch["id"]),
        signature=signature,
        audit_event=audit_event,
    )


def world_build(units: tuple[Unit, Unit]) -> World:
    """GOA1 and MUM1 alike (see the module's docstring). Needs ``roles_synced``."""
    doc_type = DocumentTypeFactory(code="BMR", name="Batch Record")
    sysadmin = UserFactory(
        username="sysadmin", full_name="Sam Sysadmin", role_name=roles.SYSTEM_ADMINISTRATOR
    )
    goa, mum = units
    return World(
        goa=_unit_world(goa, doc_type),
        mum=_unit_world(mum, doc_type),
        sysadmin=sysadmin,
        doc_type=doc_type,
    )


# --- tokens on HTTP -----------------------------------------------------------------------------


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged_tokens(user: User) -> dict[str, str]:
    """Access tokens for ``user`` that must all be refused, by what is wrong with them."""
    good = session_tokens_issue(user).access_token
    claims = dict(good.payload)
    header, payload, signature = str(good).split(".")
    expired = session_tokens_issue(user).access_token
    expired.set_exp(lifetime=timedelta(seconds=-5))
    # A System Administrator whose id a forger would like to put in the token.
    admin = UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR)
    return {
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "alg_none_with_signature": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}",
        "alg_NONE": f"{_b64({'alg': 'NONE', 'typ': 'JWT'})}.{payload}.",
        "wrong_key": _sign_hs256(header, claims, b"not-the-server-key-0123456789abcdef"),
        "tampered_claims": f"{header}.{_b64({**claims, 'user_id': str(admin.pk)})}.{signature}",
        "expired": str(expired),
        "refresh_as_access": str(session_tokens_issue(user)),
        "garbage": "a.b.c",
    }


def _sign_hs256(header: str, claims: dict[str, Any], key: bytes) -> str:
    import hashlib
    import hmac

    payload = _b64(claims)
    mac = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


@pytest.fixture
def user(roles_synced: None, units: tuple[Unit, Unit]) -> User:
    return UserFactory(role_name=roles.UNIT_ADMIN, units=[units[0]])


def _as(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    [
        "alg_none",
        "alg_none_with_signature",
        "alg_NONE",
        "wrong_key",
        "tampered_claims",
        "expired",
        "refresh_as_access",
        "garbage",
    ],
)
def test_forged_or_expired_access_tokens_are_refused_on_http(user: User, kind: str) -> None:
    token = forged_tokens(user)[kind]
    for path in ("/api/v1/auth/me/", "/api/v1/users/", "/api/v1/crates/"):
        response = _as(token).get(path)
        assert response.status_code == 401, (kind, path, response.content)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] in {"token_not_valid", "authentication_failed"}
    # A write with a forged token changes nothing either.
    before = AuditEvent.objects.count()
    response = _as(token).post("/api/v1/units/", {"code": "EVIL", "name": "Evil"})
    assert response.status_code == 401
    assert not Unit.objects.filter(code="EVIL").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_genuine_token_of_the_same_user_works(user: User) -> None:
    """The control for the test above: only what was forged is wrong."""
    response = _as(str(session_tokens_issue(user).access_token)).get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username


@pytest.mark.django_db
def test_no_token_and_malformed_headers_are_401(user: User) -> None:
    token = str(session_tokens_issue(user).access_token)
    for header in (
        "",
        "Bearer",
        "Bearer ",
        f"Token {token}",
        f"Basic {token}",
        f"Bearer {token} x",
    ):
        client = APIClient()
        if header:
            client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/auth/me/")
        assert response.status_code == 401, (header, response.content)
        assert "error" in response.json()


# --- tokens and Origin on the events socket ---------------------------------------------------


@pytest.fixture
def ws_user(roles_synced: None, units: tuple[Unit, Unit], settings: Any) -> User:
    settings.STRONGROOM_REALTIME_POLL_SECONDS = 0  # no outbox poller: nothing to deliver here
    return UserFactory(role_name=roles.VIEWER, units=[units[0]])


socket_test = pytest.mark.django_db(transaction=True)


async def _socket_verdict(token: str, origin: bytes | None = b"http://localhost") -> Any:
    """Connect, authenticate with ``token``; the first answer (or the refusal)."""
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    headers = [(b"origin", origin)] if origin is not None else []
    communicator = WebsocketCommunicator(application, "/ws/v1/events/", headers=headers)
    connected, _ = await communicator.connect(timeout=3)
    if not connected:
        return "refused"
    try:
        await communicator.send_to(text_data=json.dumps({"type": "auth", "token": token}))
        output = await communicator.receive_output(3)
        if output["type"] == "websocket.close":
            return output.get("code")
        return json.loads(output["text"])["type"]
    finally:
        await communicator.disconnect()


@socket_test
@pytest.mark.parametrize(
    "kind",
    [
        "alg_none",
        "alg_none_with_signature",
        "alg_NONE",
        "wrong_key",
        "tampered_claims",
        "expired",
        "refresh_as_access",
        "garbage",
    ],
)
async def test_forged_or_expired_access_tokens_close_the_socket_4401(
    ws_user: User, kind: str
) -> None:
    from channels.db import database_sync_to_async

    tokens = await database_sync_to_async(forged_tokens)(ws_user)
    assert await _socket_verdict(tokens[kind]) == 4401


@socket_test
async def test_a_logged_out_sessions_token_closes_the_socket_4401(ws_user: User) -> None:
    from channels.db import database_sync_to_async

    def session() -> tuple[str, str]:
        refresh = session_tokens_issue(ws_user)
        return str(refresh.access_token), str(refresh)

    access, refresh = await database_sync_to_async(session)()
    assert await _socket_verdict(access) == "ready"  # the control: the same token, before
    logout = await database_sync_to_async(
        lambda: _as(access).post("/api/v1/auth/logout/", {"refresh": refresh}).status_code
    )()
    assert logout == 204
    assert await _socket_verdict(access) == 4401


@socket_test
@pytest.mark.parametrize(
    "origin",
    [
        b"https://evil.example",
        b"http://localhost.evil.example",
        b"http://evil.example/localhost",
        b"null",
        b"file://",
        None,  # no Origin header at all
    ],
)
async def test_a_foreign_or_missing_origin_is_refused_before_any_auth(
    ws_user: User, origin: bytes | None
) -> None:
    from channels.db import database_sync_to_async

    token = await database_sync_to_async(lambda: str(session_tokens_issue(ws_user).access_token))()
    assert await _socket_verdict(token, origin=origin) == "refused"
    assert await _socket_verdict(token) == "ready"  # the control: an allowed Origin
