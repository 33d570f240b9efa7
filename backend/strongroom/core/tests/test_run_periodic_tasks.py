from io import StringIO

import pytest
from django.core.management import call_command

from strongroom.core.periodic import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


def test_every_registered_periodic_task_is_queued(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.celery import app

    call_command("initial_setup", stdout=StringIO())
    sent: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, **kwargs: sent.append(name))
    out = StringIO()
    call_command("run_periodic_tasks", stdout=out)
    assert sorted(sent) == sorted(spec.task for spec in PERIODIC_TASKS)
    assert "queued Verify audit chain" in out.getvalue()
