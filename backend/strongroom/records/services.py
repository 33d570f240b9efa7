"""Writes over records."""

from django.utils import timezone

from strongroom.accounts.models import Department, Unit
from strongroom.core.models import Sequence
from strongroom.records.codes import format_code


def crate_code_allocate(
    *, unit: Unit, department: Department, year: int | None = None
) -> tuple[int, int, str]:
    """Take the next serial for (unit, department, year) and return ``(year, serial, code)``.

    Race-free: the counter row stays locked until the caller's transaction ends (see
    :class:`strongroom.core.models.Sequence`); the unique constraint on ``code`` backs it up.
    """
    year = year or timezone.now().year
    serial = Sequence.next_value(f"crate:{unit.code}:{department.code}:{year}")
    return (
        year,
        serial,
        format_code(unit_code=unit.code, department_code=department.code, year=year, serial=serial),
    )
