"""The retention schedule, event dates and service tokens through the API."""

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from strongroom.accounts import roles
from strongroom.accounts.models import ServiceToken
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import VALID, signature_check
from strongroom.records.models import Document, DocumentEvent, RetentionRule
from strongroom.records.tests.retention_fixtures import Site, site_create

pytestmark = pytest.mark.django_db

RULES = "/api/v1/retention-rules/"
EVENTS = "/api/v1/document-events/"
INTEGRATION = "/api/v1/integrations/document-events/"
TOKENS = "/api/v1/service-tokens/"


@pytest.fixture
def site(roles_synced: None) -> Site:
    return site_create()


def _draft(client: Any, site: Site, code: str = "LOG-7Y", **fields: Any) -> dict[str, Any]:
    body = {
        "code": code,
        "title": "Logbooks",
        "doc_type": site.log.pk,
        "trigger": "PREPARED",
        "period_years": 7,
        "action": "DESTROY",
        "citation": "21 CFR 211.182",
    } | fields
    response = client.post(RULES, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _sign(version: int, password: str = TEST_PASSWORD) -> dict[str, Any]:
    return {"version": version, "signature": {"password": password}}


@pytest.mark.compliance("11.50", "11.70", "11.10(f)", "11.200(a)")
def test_rule_versions_are_drafted_approved_with_a_signature_and_superseded(
    site: Site, api_client_for: Any
) -> None:
    drafter, approver = api_client_for(site.drafter), api_client_for(site.approver)
    document = site.document(site.crate(), site.log)
    v1 = _draft(drafter, site)
    assert (v1["revision"], v1["status"], v1["version"]) == (1, "DRAFT", 1)

    own = drafter.post(f"{RULES}{v1['id']}/approve/", _sign(1), format="json")
    assert own.status_code == 403  # Document Managers do not approve rules
    RetentionRule.objects.filter(pk=v1["id"]).update(drafted_by=site.approver)
    mine = approver.post(f"{RULES}{v1['id']}/approve/", _sign(1), format="json")
    assert mine.status_code == 403
    assert mine.json()["error"]["code"] == "separation_of_duties"
    RetentionRule.objects.filter(pk=v1["id"]).update(drafted_by=site.drafter)

    wrong = approver.post(f"{RULES}{v1['id']}/approve/", _sign(1, "wrong-one"), format="json")
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "signature_invalid"
    assert AuditEvent.objects.filter(
        action="signature.failed", object_type="retention_rule", object_id=str(v1["id"])
    ).exists()
    stale = approver.post(f"{RULES}{v1['id']}/approve/", _sign(7), format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert RetentionRule.objects.get(pk=v1["id"]).status == "DRAFT"

    approved = approver.post(f"{RULES}{v1['id']}/approve/", _sign(1), format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["rule"]["status"] == "APPROVED"
    assert approved.json()["recomputed"]["documents"] == 1
    document.refresh_from_db()
    assert document.retention_until == dt.date(2017, 1, 1)
    signature = Signature.objects.get(meaning="RULE_APPROVED")
    assert (signature.object_type, signature.object_id) == ("retention_rule", str(v1["id"]))

    edit = drafter.patch(f"{RULES}{v1['id']}/", {"version": 2, "period_years": 10}, format="json")
    assert edit.status_code == 201, edit.json()
    v2 = edit.json()
    assert (v2["code"], v2["revision"], v2["status"], v2["period_years"]) == (
        "LOG-7Y",
        2,
        "DRAFT",
        10,
    )
    assert RetentionRule.objects.get(pk=v1["id"]).status == "APPROVED"  # governs meanwhile
    twice = drafter.patch(f"{RULES}{v1['id']}/", {"version": 2, "period_years": 9}, format="json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "rule_draft_exists"
    scope = drafter.patch(f"{RULES}{v2['id']}/", {"version": 1, "unit": site.goa.pk}, format="json")
    assert scope.status_code == 400
    assert scope.json()["error"]["code"] == "rule_scope_fixed"

    second = approver.post(f"{RULES}{v2['id']}/approve/", _sign(1), format="json")
    assert second.status_code == 200, second.json()
    assert RetentionRule.objects.get(pk=v1["id"]).status == "SUPERSEDED"
    document.refresh_from_db()
    assert (document.retention_until, document.retention_rule_id) == (
        dt.date(2020, 1, 1),
        v2["id"],
    )
    assert signature_check(signature) == VALID  # a superseded version's signature stands
    event = AuditEvent.objects.filter(action="retention_rule.approve").last()
    assert event is not None
    assert event.changes["supersedes"] == [None, "LOG-7Y v1"]
    superseded = drafter.patch(f"{RULES}{v1['id']}/", {"version": 3, "title": "x"}, format="json")
    assert superseded.status_code == 409


def test_a_draft_is_discarded_with_a_reason(site: Site, api_client_for: Any) -> None:
    drafter = api_client_for(site.drafter)
    rule = _draft(drafter, site)
    no_reason = drafter.post(f"{RULES}{rule['id']}/discard/", {"version": 1, "reason": ""})
    assert no_reason.status_code == 400
    discarded = drafter.post(
        f"{RULES}{rule['id']}/discard/", {"version": 1, "reason": "Wrong period"}, format="json"
    )
    assert discarded.status_code == 200
    assert discarded.json()["status"] == "DISCARDED"
    listed = drafter.get(RULES, {"code": "LOG-7Y"}).json()["results"]
    assert [r["status"] for r in listed] == ["DISCARDED"]


def test_event_dates_one_by_one_and_by_csv(site: Site, api_client_for: Any) -> None:
    crate = site.crate()
    pending = Document.objects.filter(pk=site.document(crate, site.bmr).pk)
    other = site.document(crate, site.bmr)
    site.approve(
        site.rule("BMR-EXP+1Y", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    )
    assert pending.get().retention_basis == "PENDING_EVENT"
    client = api_client_for(site.drafter)

    created = client.post(
        EVENTS,
        {"document": pending.get().pk, "event": "BATCH_EXPIRY", "date": "2018-05-31"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert pending.get().retention_until == dt.date(2019, 5, 31)
    recorded = client.get(EVENTS, {"document": pending.get().pk}).json()["results"]
    assert [(r["event_code"], r["date"], r["source"]) for r in recorded] == [
        ("BATCH_EXPIRY", "2018-05-31", "MANUAL")
    ]
    changed = client.patch(
        f"{EVENTS}{recorded[0]['id']}/", {"date": "2019-05-31", "version": 1}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert pending.get().retention_until == dt.date(2020, 5, 31)
    stale = client.patch(
        f"{EVENTS}{recorded[0]['id']}/", {"date": "2019-06-30", "version": 1}, format="json"
    )
    assert stale.status_code == 409

    bad = (
        "unit,document_number,event,date\n"
        "GOA1,{},BATCH_EXPIRY,2019-01-31\n"
        "GOA1,NOPE,BATCH_EXPIRY,x\n"
    )
    refused = client.post(
        f"{EVENTS}import/",
        {"file": SimpleUploadedFile("e.csv", bad.format(other.number).encode())},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_events"
    assert set(refused.json()["error"]["details"]["events"]) == {"3"}
    assert not DocumentEvent.objects.filter(document=other).exists()
    good = f"document_number;event;date\n{other.number};BATCH_EXPIRY;2019-01-31\n"
    imported = client.post(
        f"{EVENTS}import/",
        {"file": SimpleUploadedFile("e.csv", good.encode())},
        format="multipart",
    )
    assert imported.status_code == 201, imported.json()
    assert DocumentEvent.objects.get(document=other).source == "CSV"

    outsider = api_client_for(UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[site.mum]))
    hidden = outsider.post(
        EVENTS, {"document": other.pk, "event": "BATCH_EXPIRY", "date": "2019-01-31"}, format="json"
    )
    assert hidden.status_code == 404
    assert outsider.get(f"{EVENTS}{recorded[0]['id']}/").status_code == 404


def _token(client: Any, site: Site, **fields: Any) -> dict[str, Any]:
    body = {"name": "LIMS", "units": [site.goa.pk], "scopes": ["document_events:write"]} | fields
    response = client.post(TOKENS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _integration(secret: str, rows: list[dict[str, Any]]) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client.post(INTEGRATION, {"events": rows}, format="json")


@pytest.mark.compliance("11.10(d)", "A11-12.1")
def test_service_tokens_are_hashed_scoped_and_refused_when_revoked_or_expired(
    site: Site, api_client_for: Any
) -> None:
    admin = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    goa_doc = site.document(site.crate(), site.bmr)
    mum_doc = site.document(site.crate(site.mum), site.bmr)
    site.approve(
        site.rule("BMR-EXP+1Y", site.bmr, trigger="EVENT", event=site.expiry, period_years=1)
    )
    created = _token(admin, site)
    secret = created["secret"]
    token = ServiceToken.objects.get(pk=created["id"])
    assert secret.startswith("srv_")
    assert len(secret) > 40
    assert token.sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert "secret" not in admin.get(f"{TOKENS}{token.pk}/").json()
    assert api_client_for(site.drafter).get(TOKENS).status_code == 403

    row = {"document_number": goa_doc.number, "unit": "GOA1", "event": "BATCH_EXPIRY"}
    done = _integration(secret, [row | {"date": "2020-01-31"}])
    assert done.status_code == 201, done.json()
    assert Document.objects.get(pk=goa_doc.pk).retention_until == dt.date(2021, 1, 31)
    recorded = DocumentEvent.objects.get(document=goa_doc)
    assert (recorded.source, recorded.recorded_by_token_id) == ("INTEGRATION", token.pk)
    assert (
        AuditEvent.objects.filter(action="service_token.use", object_id=str(token.pk)).count() == 1
    )
    same = _integration(secret, [row | {"date": "2020-01-31"}])
    assert (same.status_code, same.json()["unchanged"]) == (200, 1)
    assert AuditEvent.objects.filter(action="service_token.use").count() == 1  # nothing changed

    outside = _integration(
        secret,
        [
            row | {"date": "2020-02-29"},
            {**row, "document_number": mum_doc.number, "unit": "MUM1", "date": "2020-01-31"},
        ],
    )
    assert outside.status_code == 400
    errors = outside.json()["error"]["details"]["events"]
    assert errors[0] == {}
    assert "unit" in errors[1]
    assert DocumentEvent.objects.get(document=goa_doc).date == dt.date(
        2020, 1, 31
    )  # all or nothing
    no_unit = _integration(secret, [row | {"unit": "", "date": "2020-01-31"}])
    assert no_unit.json()["error"]["details"]["events"][0] == {"unit": ["Required."]}

    jwt_only = APIClient()
    jwt_only.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert jwt_only.get("/api/v1/crates/").status_code == 401  # people's endpoints refuse it
    people = api_client_for(site.drafter).post(INTEGRATION, {"events": [row]}, format="json")
    assert people.status_code == 401  # and the integration refuses a person's session
    assert _integration("srv_not-a-token", [row]).status_code == 401

    ServiceToken.objects.filter(pk=token.pk).update(scopes=["something:else"])
    assert _integration(secret, [row | {"date": "2020-01-31"}]).status_code == 403
    ServiceToken.objects.filter(pk=token.pk).update(
        scopes=["document_events:write"], expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _integration(secret, [row | {"date": "2020-01-31"}]).status_code == 401
    ServiceToken.objects.filter(pk=token.pk).update(expires_at=None)
    revoked = admin.post(f"{TOKENS}{token.pk}/revoke/", {"reason": "Rotated"}, format="json")
    assert revoked.status_code == 200
    assert _integration(secret, [row | {"date": "2020-01-31"}]).status_code == 401
    assert AuditEvent.objects.filter(action="service_token.revoke", reason="Rotated").exists()


def test_rule_and_event_date_lists_cost_the_same_queries_for_one_row_or_many(
    site: Site, api_client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(site.drafter)
    crate = site.crate()

    def counts() -> tuple[int, int]:
        found = []
        for path in (RULES, EVENTS):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found[0], found[1]

    def add(n: int) -> None:
        site.rule(f"R-{n}", site.log, unit=site.goa if n % 2 else None)
        DocumentEvent.objects.create(
            document=site.document(crate, site.bmr),
            event=site.expiry,
            date=dt.date(2020, 1, 1),
            recorded_by=site.drafter,
        )

    add(0)
    one = counts()
    for n in range(1, 6):
        add(n)
    assert counts() == one


def test_integration_calls_are_limited_per_token(
    site: Site, api_client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strongroom.accounts.throttles import ServiceTokenThrottle

    monkeypatch.setattr(ServiceTokenThrottle, "rate", "2/minute", raising=False)
    admin = api_client_for(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR))
    first, second = _token(admin, site, name="LIMS")["secret"], _token(admin, site, name="ERP")
    row = {"document_number": "NONE", "unit": "GOA1", "event": "BATCH_EXPIRY", "date": "2020-01-31"}
    statuses = [_integration(first, [row]).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert _integration(second["secret"], [row]).status_code == 400  # another token's own count


def test_document_types_say_which_rule_governs_a_department(
    site: Site, api_client_for: Any
) -> None:
    """The storage form asks, per department, which approved rule a new document of each type
    gets (it takes precedence over the type's default years): the rule filing applies."""
    drafter, approver = api_client_for(site.drafter), api_client_for(site.approver)
    general = _draft(drafter, site, code="LOG-7Y")
    approver.post(f"{RULES}{general['id']}/approve/", _sign(1), format="json")
    qc = _draft(drafter, site, code="LOG-QC-2Y", unit=site.goa.pk, department=site.goa_qc.pk)
    drafter_rule = RetentionRule.objects.get(pk=qc["id"])
    RetentionRule.objects.filter(pk=drafter_rule.pk).update(period_years=2)
    approver.post(f"{RULES}{qc['id']}/approve/", _sign(1), format="json")

    def governing(department: Any) -> dict[str, Any]:
        response = drafter.get("/api/v1/document-types/", {"department": department})
        assert response.status_code == 200, response.json()
        return {t["code"]: t["retention_rule"] for t in response.json()}

    in_qa, in_qc = governing(site.goa_qa.pk), governing(site.goa_qc.pk)
    assert in_qa[site.log.code]["code"] == "LOG-7Y"
    assert in_qc[site.log.code]["code"] == "LOG-QC-2Y"  # the department's rule is more specific
    assert in_qc[site.log.code]["period_years"] == 2
    assert in_qa[site.val.code] is None  # no approved rule for validation files here
    without = drafter.get("/api/v1/document-types/").json()
    assert all(t["retention_rule"] is None for t in without)
    # Outside the caller's units the department is not found; a non-number is refused on its field.
    goa_only = api_client_for(UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[site.goa]))
    outside = goa_only.get("/api/v1/document-types/", {"department": site.mum_qa.pk})
    assert outside.status_code == 404
    bad = drafter.get("/api/v1/document-types/", {"department": "qa"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == {"department": ["A whole number."]}


@pytest.mark.compliance("11.10(g)")
def test_a_rule_of_every_unit_is_approved_only_by_an_approver_of_every_unit(
    site: Site, api_client_for: Any
) -> None:
    """A rule without a unit governs every unit's records: a unit's approver approves their
    unit's rules (and the department rules in it), not the plant's schedule."""
    from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory

    drafter = api_client_for(site.drafter)
    goa_approver = UserFactory(role_name=roles.APPROVER, units=[site.goa])
    goa_client = api_client_for(goa_approver)
    everywhere = _draft(drafter, site)
    in_goa = _draft(drafter, site, code="LOG-GOA", unit=site.goa.pk)

    refused = goa_client.post(f"{RULES}{everywhere['id']}/approve/", _sign(1), format="json")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "rule_beyond_your_units"
    assert "MUM1" in error["message"]
    assert error["details"] == {"unit": ["Not one of your units: MUM1."]}
    assert RetentionRule.objects.get(pk=everywhere["id"]).status == "DRAFT"
    assert not Signature.objects.filter(meaning="RULE_APPROVED").exists()

    # Their own unit's rule, yes.
    mine = goa_client.post(f"{RULES}{in_goa['id']}/approve/", _sign(1), format="json")
    assert mine.status_code == 200, mine.json()

    # A closed unit that still holds records of the type counts; one without them does not.
    closed = UnitFactory(code="PUN1", is_active=False)
    UnitFactory(code="HYD1", is_active=False)
    site.document(site.crate(closed, DepartmentFactory(unit=closed, code="QA")), site.log)
    approver = api_client_for(site.approver)
    closed_refused = approver.post(f"{RULES}{everywhere['id']}/approve/", _sign(1), format="json")
    assert closed_refused.status_code == 403
    assert closed_refused.json()["error"]["details"] == {"unit": ["Not one of your units: PUN1."]}
    site.approver.units.add(closed)
    approved = approver.post(f"{RULES}{everywhere['id']}/approve/", _sign(1), format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["rule"]["unit"] is None
