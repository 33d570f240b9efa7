"""Two people placing a legal hold on the same crate at once: one wins, the other gets 409,
and there is one signature and one audit event (PostgreSQL; SQLite serialises writers)."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import RequestFactory

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import TEST_PASSWORD, UserFactory
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.core.errors import ApplicationError
from strongroom.records.models import Crate
from strongroom.records.services.holds import crate_hold_place
from strongroom.records.tests.factories import CrateFactory, shelf_create


@pytest.mark.django_db(transaction=True)
@pytest.mark.compliance("11.10(f)")
def test_concurrent_holds_one_wins(roles_synced: None, units: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    goa = units[0]
    crate = CrateFactory(unit=goa, status=Crate.Status.IN_STORAGE, location=shelf_create(unit=goa))
    admins = [UserFactory(role_name=roles.UNIT_ADMIN, units=[goa]) for _ in range(2)]
    barrier = threading.Barrier(len(admins))
    outcomes: list[str] = []
    unexpected: list[BaseException] = []

    def place(actor: Any) -> None:
        try:
            barrier.wait()
            crate_hold_place(
                http_request=RequestFactory().post("/"),
                actor=actor,
                crate=Crate.objects.get(pk=crate.pk),
                version=1,
                reason=f"Hold by {actor.username}",
                password=TEST_PASSWORD,
                username=actor.username,
            )
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(f"{exc.status_code}:{exc.code}")
        except BaseException as exc:
            unexpected.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=place, args=(admin,)) for admin in admins]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert unexpected == []
    assert sorted(outcomes) == ["409:stale_version", "ok"]
    crate.refresh_from_db()
    assert (crate.legal_hold, crate.version) == (True, 2)
    assert Signature.objects.filter(crate=crate, meaning="HOLD_PLACED").count() == 1
    assert AuditEvent.objects.filter(action="crate.hold_place").count() == 1
