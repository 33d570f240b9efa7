"""Changes made in the Django admin reach the audit trail with old and new values, field by field,
in the transaction of the change — Strongroom's own models and the Celery Beat schedule alike —
and every admin that does not audit cannot change anything.

Each test drives the real admin through Django's test client: it reads the change form as a
browser would (every input, select and text area with its current value), edits what a person
would edit, and posts it."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import UserFactory
from strongroom.compliance.admin_audit import AuditedAdmin
from strongroom.compliance.models import AuditEvent
from strongroom.core.models import PendingTask
from strongroom.records.models import DocumentType

CLAUSES = ("11.10(e)", "A11-9", "A11-12.4")
VERIFY_TASK = "strongroom.compliance.tasks.verify_audit_chain"


class _FormReader(HTMLParser):
    """What a browser would submit from the form with the given id, unchanged."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_options: list[str] = []
        self._select_chosen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.data.setdefault(name, []).append(attributes.get("value") or "on")
            elif kind not in ("submit", "button", "image", "file", "reset"):
                self.data[name] = [attributes.get("value") or ""]
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select, self._select_options, self._select_chosen = name, [], []
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            self._select_options.append(value)
            if "selected" in attributes:
                self._select_chosen.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>.
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = self._select_chosen or self._select_options[:1]
            self.data[self._select] = chosen
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def _change_form(client: Client, url: str, form_id: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.data, f"no form {form_id} on {url}"
    return dict(reader.data)


@pytest.fixture
def system_administrator(roles_synced: None) -> Client:
    client = Client()
    client.force_login(UserFactory(role_name=roles.SYSTEM_ADMINISTRATOR, is_staff=True))
    return client


@pytest.fixture
def superuser_client(roles_synced: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _crontab(hour: str, minute: str = "0") -> CrontabSchedule:
    return CrontabSchedule.objects.create(
        minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*"
    )


def _task(name: str, crontab: CrontabSchedule, **fields: Any) -> PeriodicTask:
    return PeriodicTask.objects.create(name=name, task=VERIFY_TASK, crontab=crontab, **fields)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_a_periodic_task_edit_is_audited_with_old_and_new_schedule_and_enabled(
    system_administrator: Client,
) -> None:
    nightly, later = _crontab("2"), _crontab("4", minute="30")
    task = _task("Verify audit chain", nightly)
    url = f"/admin/django_celery_beat/periodictask/{task.pk}/change/"
    data = _change_form(system_administrator, url, "periodictask_form")
    assert data["enabled"] == ["on"]
    assert data["crontab"] == [str(nightly.pk)]
    data["crontab"] = [str(later.pk)]
    del data["enabled"]  # the box unticked

    response = system_administrator.post(url, data)

    assert response.status_code == 302, response.content[:2000]
    task.refresh_from_db()
    assert (task.enabled, task.crontab_id) == (False, later.pk)
    [event] = AuditEvent.objects.filter(object_type="periodic_task", object_id=str(task.pk))
    assert event.action == "periodic_task.update"
    assert event.changes == {"crontab": [str(nightly), str(later)], "enabled": [True, False]}
    assert event.actor is not None
    assert event.actor.role.name == roles.SYSTEM_ADMINISTRATOR
    assert event.reason == "admin"


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_a_crontab_edit_is_audited_with_old_and_new_values(system_administrator: Client) -> None:
    crontab = _crontab("2")
    _task("Verify audit chain", crontab)  # shown as an inline on the crontab's page
    url = f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/change/"
    data = _change_form(system_administrator, url, "crontabschedule_form")
    data["hour"] = ["23"]

    response = system_administrator.post(url, data)

    assert response.status_code == 302, response.content[:2000]
    [event] = _events("crontab_schedule.update")
    assert event.object_id == str(crontab.pk)
    assert event.changes == {"hour": ["2", "23"]}
    assert event.reason == "admin"


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_bulk_disable_and_run_are_audited_per_task_and_toggle_is_gone(
    system_administrator: Client,
) -> None:
    from django.utils import timezone

    crontab = _crontab("2")
    ran = timezone.now().replace(microsecond=0)
    verify = _task("Verify audit chain", crontab, last_run_at=ran)
    digest = _task("Retention due digest", crontab)
    already_off = _task("Prune outbox", crontab, enabled=False)
    url = "/admin/django_celery_beat/periodictask/"
    changelist = system_administrator.get(url).content.decode()
    assert 'value="disable_tasks"' in changelist
    assert 'value="enable_tasks"' in changelist
    assert "toggle_tasks" not in changelist
    selected = [str(verify.pk), str(digest.pk), str(already_off.pk)]

    response = system_administrator.post(
        url, {"action": "disable_tasks", "_selected_action": selected, "index": "0"}
    )

    assert response.status_code == 302
    assert not PeriodicTask.objects.filter(enabled=True).exists()
    events = {e.object_id: e for e in _events("periodic_task.update")}
    assert events.keys() == {str(verify.pk), str(digest.pk)}  # nothing changed on the third
    assert events[str(verify.pk)].changes == {
        "enabled": [True, False],
        "last_run_at": [ran.isoformat().replace("+00:00", "Z"), None],  # Beat clears it
    }
    assert events[str(digest.pk)].changes == {"enabled": [True, False]}
    assert all(e.reason == "admin" and e.actor is not None for e in events.values())

    response = system_administrator.post(
        url, {"action": "run_tasks", "_selected_action": [str(verify.pk)], "index": "0"}
    )

    assert response.status_code == 302
    [run] = _events("periodic_task.run")
    assert run.object_id == str(verify.pk)
    assert run.changes == {"task": [None, VERIFY_TASK], "args": [None, []]}
    assert list(PendingTask.objects.values_list("task", flat=True)) == [VERIFY_TASK]


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_a_bulk_change_and_its_audit_event_commit_or_roll_back_together(
    system_administrator: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = _task("Verify audit chain", _crontab("2"))

    def audit_store_down(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("strongroom.compliance.admin_audit.audit_event_record", audit_store_down)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        system_administrator.post(
            "/admin/django_celery_beat/periodictask/",
            {"action": "disable_tasks", "_selected_action": [str(task.pk)], "index": "0"},
        )

    task.refresh_from_db()
    assert task.enabled  # no audit event, no change


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_delete_selected_audits_each_strongroom_object_with_its_old_values(
    superuser_client: Client,
) -> None:
    logbook = DocumentType.objects.create(code="LOGX", name="Logbook X", default_retention_years=7)
    report = DocumentType.objects.create(code="RPTX", name="Report X")
    url = "/admin/records/documenttype/"
    selected = {"action": "delete_selected", "_selected_action": [logbook.pk, report.pk]}
    confirm = superuser_client.post(url, selected)
    assert confirm.status_code == 200
    assert b"Are you sure" in confirm.content
    assert not _events("document_type.delete")  # nothing deleted, nothing audited yet

    response = superuser_client.post(url, {**selected, "post": "yes"})

    assert response.status_code == 302
    assert not DocumentType.objects.filter(pk__in=[logbook.pk, report.pk]).exists()
    events = {e.object_id: e for e in _events("document_type.delete")}
    assert events[str(logbook.pk)].changes == {
        "code": ["LOGX", None],
        "name": ["Logbook X", None],
        "default_retention_years": [7, None],
        "is_active": [True, None],
    }
    assert events[str(report.pk)].changes["name"] == ["Report X", None]
    assert {e.actor.username for e in events.values() if e.actor} == {"root"}


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_deleting_a_crontab_audits_the_tasks_deleted_with_it(superuser_client: Client) -> None:
    crontab = _crontab("2")
    task = _task("Verify audit chain", crontab)
    url = f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/delete/"

    response = superuser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()
    [schedule_event] = _events("crontab_schedule.delete")
    assert schedule_event.changes["hour"] == ["2", None]
    [task_event] = _events("periodic_task.delete")
    assert task_event.object_id == str(task.pk)
    assert task_event.changes["name"] == ["Verify audit chain", None]
    assert task_event.changes["task"] == [VERIFY_TASK, None]


@pytest.mark.django_db
@pytest.mark.compliance(*CLAUSES)
def test_every_admin_either_audits_its_changes_or_cannot_change_anything(
    roles_synced: None,
) -> None:
    """Every registered admin audits its changes or cannot change anything.

    The admin log (field names only) is not the audit trail: an admin that is not an
    AuditedAdmin must refuse add, change and delete even to a superuser, and offer no actions;
    an AuditedAdmin offers only actions that audit, and inlines that only show."""
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = superuser
    audited_actions = {"delete_selected", "enable_tasks", "disable_tasks", "run_tasks"}
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        actions = set(model_admin.get_actions(request))
        if isinstance(model_admin, AuditedAdmin):
            if not actions <= audited_actions:
                unaudited.append(f"{model._meta.label}: actions {sorted(actions)}")
            # Inline rows are not audited: an audited admin's inlines only show.
            for inline in model_admin.get_inline_instances(request):
                editable = set(flatten_fieldsets(inline.get_fieldsets(request))) - set(
                    inline.get_readonly_fields(request)
                )
                if editable or inline.can_delete or inline.has_add_permission(request, None):
                    unaudited.append(f"{model._meta.label}: inline {type(inline).__name__}")
            continue
        can = [
            verb
            for verb, allowed in (
                ("add", model_admin.has_add_permission(request)),
                ("change", model_admin.has_change_permission(request)),
                ("delete", model_admin.has_delete_permission(request)),
                ("act", bool(actions)),
            )
            if allowed
        ]
        if can:
            unaudited.append(f"{model._meta.label}: {', '.join(can)}")
    assert unaudited == []
    # The schedule is audited; the roles (auth groups) are shown only.
    assert isinstance(admin.site._registry[PeriodicTask], AuditedAdmin)
    assert not admin.site._registry[Group].has_change_permission(request)
