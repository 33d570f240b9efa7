"""What the modules of a chaos run share: its log, its errors, its settings."""

from __future__ import annotations

from dataclasses import dataclass

from lib.topology import make_logger

log = make_logger("chaos")

FAULTS = ("redis", "postgres", "daphne", "worker")
TARGETS = {
    "redis_events_s": 10.0,  # PRODUCT.md §7: every client back with every committed event
    "postgres_api_s": 5.0,  # PRODUCT.md §7: API recovers
}
SUBSCRIBER_USERS = (
    "sysadmin",
    "goa1-viewer",
    "mum1-viewer",
    "goa1-approver",
    "mum1-storehead",
    "goa1-manager",
    "mum1-manager",
    "goa1-unitadmin",
)


class ChaosError(Exception):
    pass


class Stop(BaseException):
    """SIGINT / SIGTERM: a BaseException, like KeyboardInterrupt, so that no ``except Exception``
    on the way swallows it; everything started is stopped on the way out."""


@dataclass
class UnitRef:
    id: int
    code: str
    department_id: int
    shelves: list[int]
