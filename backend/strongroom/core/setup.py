"""The steps of ``manage.py initial_setup``, registered by the apps that own them.

Each app registers its idempotent steps once, from its ``AppConfig.ready()``, with
:func:`setup_step_register` (accounts: roles, the first System Administrator, periodic tasks, the
audit signing key; records: document types; devdata: the demo data, with ``--demo`` only). The
command (core/management/commands/initial_setup.py) runs them in ``order`` and imports no app.

A step returns the changes it made (none when everything was in place) and the lines to show
after them (a generated password shown once, a public key to publish); it refuses bad
configuration with an :class:`~strongroom.core.errors.ApplicationError`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SetupOptions:
    admin_username: str
    demo: bool = False


@dataclass
class StepResult:
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown highlighted, after the changes
    notes: list[str] = field(default_factory=list)  # shown after the warnings


@dataclass(frozen=True)
class SetupStep:
    order: int
    title: str
    run: Callable[[SetupOptions], StepResult]
    demo_only: bool = False


_STEPS: dict[str, SetupStep] = {}


def setup_step_register(
    *, order: int, title: str, run: Callable[[SetupOptions], StepResult], demo_only: bool = False
) -> None:
    """Declare a step (a second registration under the same title replaces the first)."""
    _STEPS[title] = SetupStep(order=order, title=title, run=run, demo_only=demo_only)


def setup_steps(*, demo: bool) -> list[SetupStep]:
    return sorted(
        (step for step in _STEPS.values() if demo or not step.demo_only),
        key=lambda step: (step.order, step.title),
    )
