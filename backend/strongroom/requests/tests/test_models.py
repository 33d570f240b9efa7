import datetime as dt

import pytest
from django.utils import timezone

from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.testing import assert_update_rejected, assert_violates
from strongroom.records.tests.factories import CrateFactory, shelf_create
from strongroom.requests.models import Request, RequestStatus, RequestType, SendBack
from strongroom.requests.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage_request(roles_synced: None) -> Request:
    return RequestFactory()


@pytest.mark.parametrize("open_status", ["SUBMITTED", "APPROVED", "SENT_BACK"])
@pytest.mark.compliance("11.10(f)")
def test_a_second_open_request_for_a_crate_fails_at_the_database(
    storage_request: Request, open_status: str
) -> None:
    Request.objects.filter(pk=storage_request.pk).update(status=open_status)
    with assert_violates(Request, "request_one_open_per_crate"):
        RequestFactory(
            crate=storage_request.crate,
            type=RequestType.TRANSFER,
            target_location=shelf_create(unit=storage_request.unit),
        )


@pytest.mark.parametrize("final_status", ["COMPLETED", "REJECTED", "CANCELLED"])
def test_a_closed_request_frees_the_crate_for_the_next(
    storage_request: Request, final_status: str
) -> None:
    Request.objects.filter(pk=storage_request.pk).update(
        status=final_status, completed_at=timezone.now()
    )
    RequestFactory(crate=storage_request.crate)
    assert Request.objects.filter(crate=storage_request.crate).count() == 2


@pytest.mark.compliance("11.10(f)")
def test_reopening_a_closed_request_beside_an_open_one_fails(storage_request: Request) -> None:
    Request.objects.filter(pk=storage_request.pk).update(status="REJECTED")
    RequestFactory(crate=storage_request.crate)
    assert_update_rejected(storage_request, "request_one_open_per_crate", status="SUBMITTED")


def test_type_and_status_must_be_known(storage_request: Request) -> None:
    assert_update_rejected(storage_request, "request_type_valid", type="LOAN")
    assert_update_rejected(storage_request, "request_status_valid", status="LOST")


def test_only_withdrawals_have_a_return_date(storage_request: Request) -> None:
    assert_update_rejected(
        storage_request,
        "request_return_date_only_for_withdrawal",
        expected_return_on=dt.date(2030, 1, 1),
    )
    assert_update_rejected(
        storage_request, "request_return_date_only_for_withdrawal", type="WITHDRAWAL"
    )


def test_transfer_needs_a_target(storage_request: Request) -> None:
    assert_update_rejected(storage_request, "request_transfer_has_target", type="TRANSFER")


@pytest.mark.compliance("11.10(f)")
def test_issued_is_for_withdrawals_that_were_issued(storage_request: Request) -> None:
    assert_update_rejected(storage_request, "request_issued_only_withdrawal", status="ISSUED")


@pytest.mark.compliance("11.10(f)")
def test_return_after_issue_and_overdue_only_for_withdrawals(storage_request: Request) -> None:
    now = timezone.now()
    assert_update_rejected(
        storage_request,
        "request_returned_after_issued",
        issued_at=now,
        returned_at=now - dt.timedelta(hours=1),
    )
    assert_update_rejected(storage_request, "request_returned_after_issued", returned_at=now)
    assert_update_rejected(storage_request, "request_overdue_only_withdrawal", is_overdue=True)


@pytest.mark.compliance("11.10(f)")
def test_destruction_witness_rules(storage_request: Request) -> None:
    assert_update_rejected(
        storage_request,
        "request_destruction_witnessed",
        type="DESTRUCTION",
        status="COMPLETED",
        completed_at=timezone.now(),
    )
    assert_update_rejected(
        storage_request, "request_witness_not_requester", witness=storage_request.requester
    )


def test_dates_version_and_purpose(storage_request: Request) -> None:
    assert_update_rejected(
        storage_request,
        "request_completed_after_submitted",
        completed_at=storage_request.submitted_at - dt.timedelta(days=1),
    )
    assert_update_rejected(storage_request, "request_version_positive", version=0)
    assert_update_rejected(storage_request, "request_purpose_not_empty", purpose="")


def test_request_number_is_unique(storage_request: Request) -> None:
    other = RequestFactory(crate=CrateFactory(unit=storage_request.unit))
    assert other.number != storage_request.number
    assert_update_rejected(other, "number (unique=True)", number=storage_request.number)


def test_send_back_rules(storage_request: Request) -> None:
    approver = UserFactory()
    now = timezone.now()
    send_back = SendBack.objects.create(
        request=storage_request,
        sent_by=approver,
        reason="Fix it",
        sent_at=now,
        from_status=RequestStatus.SUBMITTED,
    )
    assert_update_rejected(send_back, "sendback_reason_required", reason="")
    assert_update_rejected(send_back, "sendback_from_open_status", from_status="COMPLETED")
    assert_update_rejected(send_back, "sendback_resolution_consistent", resolved_at=now)
    assert_update_rejected(
        send_back,
        "sendback_resolution_consistent",
        resolved_at=now - dt.timedelta(days=1),
        resolved_by=storage_request.requester,
    )
    with assert_violates(SendBack, "sendback_one_open_per_request"):
        SendBack.objects.create(
            request=storage_request,
            sent_by=approver,
            reason="Again",
            sent_at=now,
            from_status=RequestStatus.SUBMITTED,
        )
