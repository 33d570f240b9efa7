"""Electronic signatures: re-authentication, failures audited and counted, manifestation and
validity."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory as HttpRequestFactory

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.compliance.signing import signature_is_valid, signature_record, signature_verify
from strongroom.core.errors import ApplicationError
from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.models import Request
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(roles_synced: None, units):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="goa1-approver", full_name="Asha Rao", role_name=roles.APPROVER, units=[units[0]]
    )


@pytest.fixture
def request_(roles_synced: None, units) -> Request:  # type: ignore[no-untyped-def]
    return RequestFactory(crate=CrateFactory(unit=units[0]))


def http() -> object:
    return HttpRequestFactory().post("/api/v1/requests/1/approve/", REMOTE_ADDR="10.1.2.3")


@pytest.mark.compliance("11.200(a)", "11.300(d)")
def test_a_wrong_password_is_refused_audited_and_counted(approver, request_: Request) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as excinfo:
        signature_verify(
            http_request=http(),
            signer=approver,
            username=approver.username,
            password="wrong-password",
            meaning="APPROVED",
            object_type="request",
            object_id=request_.pk,
            unit=request_.unit,
        )
    assert excinfo.value.code == "signature_invalid"
    assert excinfo.value.status_code == 403
    failed = AuditEvent.objects.get(action="signature.failed")
    assert failed.actor == approver
    assert failed.object_id == str(request_.pk)
    assert failed.unit == request_.unit
    assert AccessAttempt.objects.get(username=approver.username).failures_since_start == 1
    assert not Signature.objects.exists()


@pytest.mark.compliance("11.300(d)")
def test_five_wrong_signature_passwords_lock_the_account(approver, request_: Request) -> None:  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(6):
        try:
            signature_verify(
                http_request=http(),
                signer=approver,
                username=approver.username,
                password="wrong-password",
                meaning="APPROVED",
                object_type="request",
                object_id=request_.pk,
            )
        except ApplicationError as exc:
            codes.append(exc.code)
    assert codes[-1] == "account_locked"
    with pytest.raises(ApplicationError, match="locked"):
        signature_verify(
            http_request=http(),
            signer=approver,
            username=approver.username,
            password=TEST_PASSWORD,
            meaning="APPROVED",
            object_type="request",
            object_id=request_.pk,
        )


@pytest.mark.compliance("11.200(a)")
def test_an_empty_password_never_signs(approver, request_: Request) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError, match="required"):
        signature_verify(
            http_request=http(),
            signer=approver,
            username=approver.username,
            password="",
            meaning="APPROVED",
            object_type="request",
            object_id=request_.pk,
        )


@pytest.mark.compliance("11.10(a)", "11.50", "11.70", "A11-8", "A11-14")
def test_signature_records_manifestation_and_becomes_invalid_when_the_record_changes(
    approver,
    request_: Request,
    api_client_for,  # type: ignore[no-untyped-def]
) -> None:
    signature_verify(
        http_request=http(),
        signer=approver,
        username=approver.username,
        password=TEST_PASSWORD,
        meaning="APPROVED",
        object_type="request",
        object_id=request_.pk,
    )
    signature = signature_record(
        signer=approver, meaning="APPROVED", request=request_, reason="Looks right"
    )
    assert signature.printed_name == "Asha Rao"
    assert signature_is_valid(signature)
    client = api_client_for(approver)
    shown = client.get(f"/api/v1/signatures/{signature.pk}/").json()
    assert shown["valid"] is True
    assert shown["meaning"] == "APPROVED"
    assert shown["manifestation"].startswith("Asha Rao — Approved — ")
    assert shown["manifestation"].endswith("UTC")
    assert shown["request_number"] == request_.number

    # Workflow progress does not touch the signed content …
    Request.objects.filter(pk=request_.pk).update(status="APPROVED", version=2)
    assert client.get(f"/api/v1/signatures/{signature.pk}/").json()["valid"] is True
    # … an edit of what was signed does.
    Request.objects.filter(pk=request_.pk).update(purpose="Something else entirely")
    assert client.get(f"/api/v1/signatures/{signature.pk}/").json()["valid"] is False


@pytest.mark.compliance("11.10(g)")
def test_a_signature_outside_your_units_is_not_found(
    request_: Request, units, api_client_for
) -> None:  # type: ignore[no-untyped-def]
    signer = UserFactory(role_name=roles.APPROVER, units=[units[0]])
    signature = signature_record(signer=signer, meaning="APPROVED", request=request_)
    outsider = UserFactory(role_name=roles.APPROVER, units=[units[1]])
    assert api_client_for(outsider).get(f"/api/v1/signatures/{signature.pk}/").status_code == 404
