import datetime as dt

import pytest
from django.utils import timezone

from strongroom.core.testing import assert_update_rejected, assert_violates
from strongroom.records.models import Attachment, Crate
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def crate(roles_synced: None) -> Crate:
    return CrateFactory()


def test_crate_code_is_generated_with_a_check_digit(crate: Crate) -> None:
    assert crate.code.startswith(f"{crate.unit.code}-{crate.department.code}-{crate.year}-")
    assert crate.serial == 1


def test_crate_code_is_unique(crate: Crate) -> None:
    other = CrateFactory(unit=crate.unit, department=crate.department)
    assert_update_rejected(other, "code (unique=True)", code=crate.code)
    assert_update_rejected(other, "crate_serial_unique", serial=crate.serial)


def test_crate_status_must_be_known(crate: Crate) -> None:
    assert_update_rejected(crate, "crate_status_valid", status="LOST")


def test_a_stored_crate_stands_on_a_shelf_and_only_a_stored_one(crate: Crate) -> None:
    assert_update_rejected(crate, "crate_location_matches_status", status="IN_STORAGE")
    shelf = shelf_create(unit=crate.unit)
    assert_update_rejected(crate, "crate_location_matches_status", location=shelf)


def test_destroyed_at_goes_with_the_destroyed_status(crate: Crate) -> None:
    assert_update_rejected(crate, "crate_destroyed_at_matches_status", status="DESTROYED")
    assert_update_rejected(crate, "crate_destroyed_at_matches_status", destroyed_at=timezone.now())


def test_retention_is_a_date_or_permanent(crate: Crate) -> None:
    assert_update_rejected(
        crate,
        "crate_retention_either_date_or_permanent",
        retain_permanently=True,
        destroy_after=dt.date(2030, 1, 1),
    )


@pytest.mark.compliance("A11-5")
def test_a_legal_hold_needs_reason_who_and_when(crate: Crate) -> None:
    assert_update_rejected(crate, "crate_legal_hold_has_reason", legal_hold=True)
    assert_update_rejected(
        crate,
        "crate_legal_hold_has_reason",
        legal_hold=True,
        legal_hold_at=timezone.now(),
        legal_hold_by=crate.created_by,
        legal_hold_reason="",
    )


def test_a_destroyed_crate_cannot_be_on_hold(crate: Crate) -> None:
    assert_update_rejected(
        crate,
        "crate_destroyed_not_on_hold",
        status="DESTROYED",
        destroyed_at=timezone.now(),
        legal_hold=True,
        legal_hold_at=timezone.now(),
        legal_hold_by=crate.created_by,
        legal_hold_reason="Inquiry",
    )


def test_crate_version_and_year(crate: Crate) -> None:
    assert_update_rejected(crate, "crate_version_positive", version=0)
    assert_update_rejected(crate, "crate_year_plausible", year=1999)


def test_document_number_is_unique_within_the_unit(roles_synced: None) -> None:
    first = DocumentFactory(number="BMR-1")
    second = DocumentFactory(crate=first.crate)
    assert_update_rejected(second, "document_number_unique_in_unit", number="BMR-1")


@pytest.mark.compliance("A11-5", "A11-6")
def test_document_retention_rules(roles_synced: None) -> None:
    document = DocumentFactory()
    assert_update_rejected(document, "document_retention_date_or_permanent", retention_until=None)
    assert_update_rejected(
        document, "document_retention_date_or_permanent", retain_permanently=True
    )
    assert_update_rejected(
        document, "document_retention_after_preparation", retention_until=dt.date(2019, 1, 1)
    )
    assert_update_rejected(document, "document_status_valid", status="LOST")
    assert_update_rejected(document, "document_number_not_empty", number="")


def test_attachment_rules(roles_synced: None) -> None:
    document = DocumentFactory()
    sha = "a" * 64
    attachment = Attachment.objects.create(
        document=document,
        file="attachments/aa/x.pdf",
        original_name="scan.pdf",
        extension=".pdf",
        content_type="application/pdf",
        size=10,
        sha256=sha,
        uploaded_by=document.crate.created_by,
    )
    assert_update_rejected(attachment, "attachment_not_empty", size=0)
    assert_update_rejected(attachment, "attachment_sha256_format", sha256="XYZ")
    with assert_violates(Attachment, "attachment_unique_per_document"):
        Attachment.objects.create(
            document=document,
            file="attachments/aa/y.pdf",
            original_name="again.pdf",
            extension=".pdf",
            content_type="application/pdf",
            size=10,
            sha256=sha,
            uploaded_by=document.crate.created_by,
        )
