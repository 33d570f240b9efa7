"""``initial_setup`` runs the steps the apps register (strongroom.core.setup), in their order,
and the demo step only with ``--demo``."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

STEPS = [
    "Roles and permissions…",
    "Document types…",
    "Retention schedule…",
    "System Administrator…",
    "Periodic tasks…",
    "Audit signing key…",
]


def _titles(*args: str) -> list[str]:
    out = StringIO()
    call_command("initial_setup", *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if line.endswith("…")]


def test_the_registered_steps_run_in_order_and_the_demo_only_when_asked() -> None:
    assert _titles() == STEPS
    with override_settings(STRONGROOM_DEMO_PASSWORD="demo-password-for-tests-1"):
        assert _titles("--demo") == [*STEPS, "Demo data…"]
