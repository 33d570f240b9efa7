import threading

import pytest
from django.db import close_old_connections, connection, transaction

from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory, UserFactory
from strongroom.core.models import Sequence
from strongroom.records.models import Crate
from strongroom.records.services.crates import crate_code_allocate


@pytest.mark.django_db
def test_next_value_counts_up_per_key() -> None:
    assert [Sequence.next_value("a") for _ in range(3)] == [1, 2, 3]
    assert Sequence.next_value("b") == 1


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back() -> None:
    Sequence.next_value("k")

    def take_then_fail() -> None:
        with transaction.atomic():
            Sequence.next_value("k")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        take_then_fail()
    assert Sequence.next_value("k") == 2


@pytest.mark.django_db(transaction=True)
def test_crate_codes_stay_unique_under_concurrent_creation(roles_synced: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    unit = UnitFactory(code="GOA1")
    department = DepartmentFactory(unit=unit, code="QA")
    creator = UserFactory()
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def create_crates() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    year, serial, code = crate_code_allocate(unit=unit, department=department)
                    Crate.objects.create(
                        unit=unit,
                        department=department,
                        code=code,
                        year=year,
                        serial=serial,
                        created_by=creator,
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=create_crates) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    serials = sorted(Crate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, threads * per_thread + 1))
    assert Crate.objects.values("code").distinct().count() == threads * per_thread
