"""The one destruction-eligibility predicate and the listeners told when crates leave it."""

import datetime as dt

import pytest

from strongroom.records import disposal
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory, shelf_create

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def crate(roles_synced: None) -> Crate:
    crate = CrateFactory(destroy_after=DAY)
    shelf = shelf_create(unit=crate.unit)
    Crate.objects.filter(pk=crate.pk).update(status=Crate.Status.IN_STORAGE, location=shelf)
    crate.refresh_from_db()
    return crate


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, None),
        ({"destroy_after": DAY + dt.timedelta(days=1)}, "retention_not_reached"),
        ({"destroy_after": None}, "retention_pending_event"),
        ({"destroy_after": None, "retain_permanently": True}, "retention_permanent"),
    ],
)
def test_refusal_and_queryset_agree(
    crate: Crate, changes: dict[str, object], code: str | None
) -> None:
    Crate.objects.filter(pk=crate.pk).update(**changes)
    crate.refresh_from_db()
    refusal = disposal.crate_destruction_refusal(crate, on=DAY)
    assert (refusal.code if refusal else None) == code
    assert disposal.crates_eligible(on=DAY).filter(pk=crate.pk).exists() is (code is None)


def test_a_crate_on_hold_or_not_in_storage_is_not_eligible(crate: Crate) -> None:
    Crate.objects.filter(pk=crate.pk).update(status=Crate.Status.ISSUED, location=None)
    assert not disposal.crates_eligible(on=DAY).filter(pk=crate.pk).exists()


def test_listeners_hear_each_crate_once_and_a_name_registers_once() -> None:
    heard: list[tuple[list[int], str, str]] = []
    disposal.ineligibility_listen(
        "test", lambda ids, code, reason: heard.append((ids, code, reason))
    )
    disposal.ineligibility_listen(
        "test", lambda ids, code, reason: heard.append((ids, code, reason))
    )
    try:
        disposal.crates_left_eligibility([3, 1, 3], code="crate_on_hold", reason="Hold placed")
        disposal.crates_left_eligibility([], code="crate_on_hold", reason="nothing")
    finally:
        disposal._LISTENERS.pop("test")
    assert heard == [([1, 3], "crate_on_hold", "Hold placed")]
