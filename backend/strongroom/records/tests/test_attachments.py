"""Scans attached to documents: validation on upload, hash-derived storage, download."""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.models import AuditEvent
from strongroom.core.testing import list_request_queries
from strongroom.records.models import Attachment
from strongroom.records.services.attachments import safe_original_name
from strongroom.records.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TIFF = b"II*\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


@pytest.fixture
def document(roles_synced: None, units: Any) -> Any:
    return DocumentFactory(crate__unit=units[0])


@pytest.fixture
def manager(roles_synced: None, units: Any) -> Any:
    return UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[units[0]])


@pytest.fixture
def client(api_client_for: Callable[..., Any], manager: Any) -> Any:
    return api_client_for(manager)


def _upload(client: Any, document: Any, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/v1/documents/{document.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("scan.pdf", PDF, ".pdf"),
        ("scan.PNG", PNG, ".png"),
        ("scan.jpeg", JPEG, ".jpg"),
        ("scan.jpg", JPEG, ".jpg"),
        ("scan.tiff", TIFF, ".tif"),
    ],
)
@pytest.mark.compliance("A11-5", "A11-12.4")
def test_upload_accepts_allowed_types(
    client: Any, document: Any, manager: Any, name: str, content: bytes, extension: str
) -> None:
    response = _upload(client, document, name, content)
    assert response.status_code == 201, response.json()
    body = response.json()
    sha = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == sha
    assert body["size"] == len(content)
    assert body["original_name"] == name
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.file.name == f"attachments/{sha[:2]}/{sha}{extension}"
    assert attachment.uploaded_by == manager
    event = AuditEvent.objects.get(action="attachment.create")
    assert event.changes["sha256"] == [None, sha]
    assert event.unit_id == document.crate.unit_id


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.pdf", EXE, "file_type_mismatch"),
        ("scan.pdf", ELF, "file_type_mismatch"),
        ("scan.png", PDF, "file_type_mismatch"),
        ("scan.pdf", b"just some text, not a PDF", "file_type_mismatch"),
        ("setup.exe", EXE, "file_type_not_allowed"),
        ("scan.pdf.exe", PDF, "file_type_not_allowed"),
        ("scan.docx", PDF, "file_type_not_allowed"),
        ("noextension", PDF, "file_type_not_allowed"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
@pytest.mark.compliance("A11-5")
def test_upload_refuses_bad_files(
    client: Any, document: Any, name: str, content: bytes, code: str
) -> None:
    response = _upload(client, document, name, content)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == code
    assert not Attachment.objects.exists()


@override_settings(STRONGROOM_ATTACHMENT_MAX_BYTES=1024)
@pytest.mark.compliance("A11-5")
def test_upload_refuses_oversize_files(client: Any, document: Any) -> None:
    response = _upload(client, document, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert not Attachment.objects.exists()


@pytest.mark.compliance("A11-5")
def test_path_traversal_in_the_name_never_reaches_the_storage(client: Any, document: Any) -> None:
    response = _upload(client, document, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert ".." not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/abs/path/scan.pdf", "scan.pdf"),
        ("na\x00me\n.pdf", "name.pdf"),
        ("..pdf", "pdf"),
    ],
)
def test_safe_original_name(raw: str, safe: str) -> None:
    assert safe_original_name(raw) == safe


def test_the_same_file_twice_on_one_document_is_a_conflict(client: Any, document: Any) -> None:
    assert _upload(client, document, "a.pdf", PDF).status_code == 201
    response = _upload(client, document, "b.pdf", PDF)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "attachment_duplicate"


def test_same_content_on_two_documents_shares_the_stored_file(
    client: Any, document: Any, units: Any
) -> None:
    other = DocumentFactory(crate=document.crate)
    assert _upload(client, document, "a.pdf", PDF).status_code == 201
    assert _upload(client, other, "b.pdf", PDF).status_code == 201
    names = set(Attachment.objects.values_list("file", flat=True))
    assert len(names) == 1


def test_upload_needs_a_file(client: Any, document: Any) -> None:
    response = client.post(
        f"/api/v1/documents/{document.pk}/attachments/", {"note": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_required"


@pytest.mark.compliance("11.10(b)")
def test_list_and_download(client: Any, document: Any, api_client_for: Any, units: Any) -> None:
    created = _upload(client, document, "../scan 1.pdf", PDF).json()
    viewer = api_client_for(UserFactory(role_name=roles.VIEWER, units=[units[0]]))
    listed = viewer.get(f"/api/v1/documents/{document.pk}/attachments/")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == [created["id"]]
    response = viewer.get(created["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="scan 1.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    as_image = viewer.get(created["download_url"], HTTP_ACCEPT="image/png")
    assert as_image.status_code == 200


def test_download_streams_the_file_when_x_accel_is_off(client: Any, document: Any) -> None:
    created = _upload(client, document, "scan.pdf", PDF).json()
    response = client.get(created["download_url"])
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


@override_settings(STRONGROOM_ATTACHMENT_X_ACCEL=True)
def test_download_hands_the_file_to_nginx_when_x_accel_is_on(
    client: Any, document: Any, api_client_for: Any, units: Any
) -> None:
    created = _upload(client, document, "../Scan 1 (Zoë).pdf", PDF).json()
    attachment = Attachment.objects.get(pk=created["id"])
    viewer = api_client_for(UserFactory(role_name=roles.VIEWER, units=[units[0]]))
    response = viewer.get(created["download_url"])
    assert response.status_code == 200
    # No body: nginx sends the file from its internal location for the media volume.
    assert response.content == b""
    sha = hashlib.sha256(PDF).hexdigest()
    assert attachment.file.name == f"attachments/{sha[:2]}/{sha}.pdf"
    assert response["X-Accel-Redirect"] == f"/protected-media/attachments/{sha[:2]}/{sha}.pdf"
    # nginx passes these on from the API's answer to the client.
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Scan%201%20%28Zo%C3%AB%29.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Type"] == "application/pdf"
    # Authorisation is unchanged: no redirect for someone outside the unit.
    outsider = api_client_for(UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[units[1]]))
    refused = outsider.get(created["download_url"])
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused
    assert client.get("/api/v1/attachments/999999/download/").status_code == 404


@override_settings(STRONGROOM_ATTACHMENT_X_ACCEL=True)
def test_x_accel_download_needs_a_session(client: Any, document: Any) -> None:
    created = _upload(client, document, "scan.pdf", PDF).json()
    response = APIClient().get(created["download_url"])
    assert response.status_code == 401
    assert "X-Accel-Redirect" not in response


@pytest.mark.compliance("11.10(g)")
def test_attachments_of_other_units_are_not_found(
    client: Any, document: Any, api_client_for: Any, units: Any
) -> None:
    created = _upload(client, document, "scan.pdf", PDF).json()
    outsider = api_client_for(UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[units[1]]))
    assert outsider.get(created["download_url"]).status_code == 404
    assert outsider.get(f"/api/v1/documents/{document.pk}/attachments/").status_code == 404
    assert _upload(outsider, document, "x.pdf", PDF + b"1").status_code == 404


@pytest.mark.compliance("11.10(g)")
def test_only_document_managers_upload(document: Any, api_client_for: Any, units: Any) -> None:
    for role in (roles.VIEWER, roles.STORE_HEAD, roles.APPROVER, roles.UNIT_ADMIN):
        other = api_client_for(UserFactory(role_name=role, units=[units[0]]))
        assert _upload(other, document, "scan.pdf", PDF).status_code == 403, role
        assert other.get(f"/api/v1/documents/{document.pk}/attachments/").status_code == 200


@pytest.mark.parametrize("page_size", [1, 50])
def test_attachment_list_query_count_is_constant(
    client: Any, document: Any, page_size: int
) -> None:
    for n in range(4):
        assert _upload(client, document, f"s{n}.pdf", PDF + bytes([n])).status_code == 201
    url = f"/api/v1/documents/{document.pk}/attachments/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 4)
    assert len(queries) == list_request_queries(), [q["sql"] for q in queries]


def test_attachment_list_of_a_document_without_scans(client: Any, document: Any) -> None:
    response = client.get(f"/api/v1/documents/{document.pk}/attachments/")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert client.get("/api/v1/documents/999999/attachments/").status_code == 404
