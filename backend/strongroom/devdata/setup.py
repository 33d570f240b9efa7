"""The demo data step of ``manage.py initial_setup --demo`` (strongroom.core.setup)."""

from django.conf import settings
from django.core.exceptions import ValidationError

from strongroom.accounts.setup import generate_password
from strongroom.core.errors import ApplicationError
from strongroom.core.setup import SetupOptions, StepResult, setup_step_register
from strongroom.devdata.demo import demo_seed


def _demo_step(options: SetupOptions) -> StepResult:
    password = settings.STRONGROOM_DEMO_PASSWORD
    generated = not password
    if generated:
        password = generate_password()
    try:
        report = demo_seed(password=password)
    except ValidationError as exc:
        raise ApplicationError(
            f"STRONGROOM_DEMO_PASSWORD is too weak: {' '.join(exc.messages)}",
            code="demo_password_too_weak",
        ) from exc
    result = StepResult(changes=report.changes)
    if generated and not report.changes:
        result.notes.append("  (demo users existed already; their passwords were not changed)")
        return result
    result.notes.append("Demo logins (one per role and unit, and an approver of every unit):")
    result.notes.extend(f"  {username:<20} {role}" for username, role in report.logins)
    result.notes.append(f"  password for all of them: {password}")
    return result


def setup_steps_register() -> None:
    """From DevdataConfig.ready(): the last step, with ``--demo`` only."""
    setup_step_register(order=90, title="Demo data", run=_demo_step, demo_only=True)
