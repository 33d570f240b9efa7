"""Writes over requests. The transition services join this module with the workflow API."""

from django.utils import timezone

from strongroom.core.models import Sequence


def request_number_allocate(*, year: int | None = None) -> str:
    """``REQ-2026-000042``: the next number of the year, race-free like crate codes."""
    year = year or timezone.now().year
    return f"REQ-{year}-{Sequence.next_value(f'request:{year}'):06d}"
