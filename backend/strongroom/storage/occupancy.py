"""What stands on the shelves: storage counts a location's occupants without knowing what they are.

The app whose objects take a shelf slot (records: crates) registers them once, from its
``AppConfig.ready()``, with :func:`occupants_register`; storage imports no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

Occupants = Callable[[], QuerySet[Any]]


@dataclass(frozen=True)
class Registered:
    # The objects that take a slot now (a crate in storage): occupancy and capacity checks.
    stored: Occupants
    # The objects that still stand on a location or will come back to it (not destroyed):
    # a location holding any cannot be deactivated.
    present: Occupants


_REGISTERED: list[Registered] = []


def occupants_register(*, stored: Occupants, present: Occupants) -> None:
    """Declare what occupies shelves. Both querysets are of a model with a ``location`` foreign
    key to the shelf. Call it from the owning app's ``AppConfig.ready()`` (a second call, as when
    the app registry is set up again, replaces the first)."""
    _REGISTERED[:] = [Registered(stored=stored, present=present)]


def occupants() -> Registered:
    if not _REGISTERED:
        raise RuntimeError("no app registered shelf occupants (records.apps.RecordsConfig.ready)")
    return _REGISTERED[0]
