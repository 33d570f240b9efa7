"""The audited admin: every add, change and delete made in the Django admin writes an audit event
with old and new values, field by field, in the transaction of the change (Part 11 §11.10(e),
Annex 11 §12.4: the admin is no back door around the audit trail).

The apps' admin classes that can change anything derive from :class:`AuditedAdmin`; those that
cannot derive from :class:`strongroom.core.admin.ReadOnlyAdmin`. The Celery Beat schedule's admin
is replaced here by audited ones (registered when the admin loads compliance/admin.py).
"""

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.utils.translation import ngettext
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from strongroom.compliance.audit import audit_event_record
from strongroom.core.admin import admin_replace
from strongroom.core.task_queue import task_enqueue_on_commit

ADMIN_REASON = "admin"


def audit_object_type(model: type[models.Model]) -> str:
    """The object type an audit event names: ``DocumentType`` → ``document_type``, as the API's
    services and ``initial_setup`` name it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model._meta.object_name or "").lower()


def _plain(value: Any) -> Any:
    """A value the audit trail can store: related objects and values JSON cannot hold (a
    crontab's time zone, for one) by their text."""
    if isinstance(value, models.Model):
        return str(value)
    try:
        json.dumps(value, cls=DjangoJSONEncoder)
    except TypeError:
        return str(value)
    return value


def admin_snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's values field by field: columns, related objects by name, many-to-many as a
    sorted list. The primary key (the event's object id) and ``auto_now`` stamps (the event's
    time) are left out."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False):
            continue
        if field.is_relation:
            values[field.name] = _plain(getattr(obj, field.name))
        else:
            values[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            values[m2m.name] = sorted(str(item) for item in getattr(obj, m2m.name).all())
    return values


def admin_change_audit(
    *,
    request: HttpRequest,
    obj: models.Model,
    verb: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """One audit event for an admin change of ``obj``: every field whose value differs, as
    ``[old, new]``; the caller's transaction is the change's."""
    changes = {
        name: [before.get(name), after.get(name)]
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }
    object_type = audit_object_type(type(obj))
    unit = getattr(obj, "unit", None) if hasattr(obj, "unit_id") else None
    audit_event_record(
        action=f"{object_type}.{verb}",
        actor=request.user if request.user.is_authenticated else None,
        object_type=object_type,
        object_id=obj.pk,
        unit=unit,
        changes=changes,
        reason=ADMIN_REASON,
    )


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit event, with old and new values field by field, for every add, change and
    delete made in the admin — the change form, list editing, "delete selected" (each object,
    cascades included) and the actions built on :meth:`audited_bulk_change` — in the transaction
    of the change (Part 11 §11.10(e), Annex 11 §12.4: the admin is no back door around the audit
    trail)."""

    _BEFORE = "_strongroom_admin_before"

    def _db(self) -> str:
        return router.db_for_write(self.model)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has already written its values onto obj: the old ones come from the database
        # (the admin's view holds the transaction open since it read the object).
        before = (
            admin_snapshot(type(obj)._base_manager.using(self._db()).get(pk=obj.pk))
            if change
            else {}
        )
        setattr(obj, self._BEFORE, before)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Django calls this right after save_model, in the same transaction; many-to-many values
        # are saved here, so the new values are read after it.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = obj.__dict__.pop(self._BEFORE, {})
        admin_change_audit(
            request=request,
            obj=obj,
            verb="update" if change else "create",
            before=before,
            after=admin_snapshot(obj),
        )

    def _audit_deletion(self, request: HttpRequest, objs: Iterable[models.Model]) -> None:
        """An event with the old values of each object the deletion removes, cascades too."""
        objs = list(objs)
        collector = Collector(using=self._db())
        collector.collect(objs)
        doomed: list[models.Model] = list(objs)
        for model, instances in collector.data.items():
            if not model._meta.auto_created:  # many-to-many rows: in their owner's values
                doomed.extend(i for i in instances if i not in objs)
        for batch in collector.fast_deletes:
            if not batch.model._meta.auto_created:
                doomed.extend(batch)
        for obj in doomed:
            admin_change_audit(
                request=request, obj=obj, verb="delete", before=admin_snapshot(obj), after={}
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=self._db()):  # a savepoint inside delete_view's transaction
            self._audit_deletion(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # "Delete selected": Django's action calls this outside any transaction.
        with transaction.atomic(using=self._db()):
            self._audit_deletion(request, queryset)
            super().delete_queryset(request, queryset)

    def audited_bulk_change(
        self, request: HttpRequest, queryset: Any, change: Callable[[Any], None]
    ) -> int:
        """For admin actions: apply ``change`` to each selected object, save it (its model's
        save() and signals run, unlike ``queryset.update``) and audit it, all in one
        transaction. Returns how many objects were changed."""
        changed = 0
        with transaction.atomic(using=self._db()):
            # Locked afresh by primary key: the changelist's queryset may join nullable relations
            # or be DISTINCT, which PostgreSQL cannot lock.
            pks = list(queryset.values_list("pk", flat=True))
            manager = self.model._base_manager.using(self._db())
            for obj in manager.filter(pk__in=pks).order_by("pk").select_for_update():
                before = admin_snapshot(obj)
                change(obj)
                after = admin_snapshot(obj)
                if after == before:
                    continue
                obj.save()
                admin_change_audit(
                    request=request,
                    obj=obj,
                    verb="update",
                    before=before,
                    after=admin_snapshot(obj),
                )
                changed += 1
        return changed


# --- The Celery Beat schedule -------------------------------------------------------------------


class PeriodicTaskAdmin(AuditedAdmin, beat_admin.PeriodicTaskAdmin):
    """The Celery Beat schedule: each edit audited with old and new values.

    Of django-celery-beat's bulk actions, "enable" and "disable" stay, rewritten to change each
    task through its model (so Beat notices) with one audit event per task carrying the old and
    new ``enabled``: a System Administrator who disables the nightly chain verification leaves a
    record of it. "Toggle" is removed: over a mixed selection it enables some tasks and disables
    others, an outcome nobody chose on purpose; enable and disable say what they do. "Run" stays
    (a check on demand is useful) and is audited per task; the task is queued through the
    transactional outbox, so it is sent only once the audit event is committed.
    """

    actions = ("enable_tasks", "disable_tasks", "run_tasks")

    def _set_enabled(self, request: HttpRequest, queryset: Any, enabled: bool) -> int:
        def change(task: PeriodicTask) -> None:
            task.enabled = enabled

        return self.audited_bulk_change(request, queryset, change)

    @admin.action(description="Enable selected tasks", permissions=["change"])
    def enable_tasks(self, request: HttpRequest, queryset: Any) -> None:
        count = self._set_enabled(request, queryset, True)
        self.message_user(request, ngettext("%d task enabled.", "%d tasks enabled.", count) % count)

    @admin.action(description="Disable selected tasks", permissions=["change"])
    def disable_tasks(self, request: HttpRequest, queryset: Any) -> None:
        count = self._set_enabled(request, queryset, False)
        self.message_user(
            request, ngettext("%d task disabled.", "%d tasks disabled.", count) % count
        )

    @admin.action(description="Run selected tasks now", permissions=["change"])
    def run_tasks(self, request: HttpRequest, queryset: Any) -> None:
        self.celery_app.loader.import_default_modules()
        tasks = list(queryset)
        for periodic in tasks:
            task = self.celery_app.tasks.get(periodic.task)
            if task is None or json.loads(periodic.kwargs or "{}"):
                # Strongroom's periodic tasks take no keyword arguments (core/periodic.py); the
                # outbox carries positional ones only.
                self.message_user(
                    request,
                    f'"{periodic.name}" cannot be run from here: its task is unknown or takes '
                    "keyword arguments. Nothing was run.",
                    level=messages.ERROR,
                )
                return
        with transaction.atomic(using=self._db()):
            for periodic in tasks:
                args = json.loads(periodic.args or "[]")
                task_enqueue_on_commit(self.celery_app.tasks[periodic.task], *args)
                audit_event_record(
                    action="periodic_task.run",
                    actor=request.user,  # type: ignore[arg-type]
                    object_type=audit_object_type(PeriodicTask),
                    object_id=periodic.pk,
                    changes={"task": [None, periodic.task], "args": [None, args]},
                    reason=ADMIN_REASON,
                )
        self.message_user(
            request, ngettext("%d task queued.", "%d tasks queued.", len(tasks)) % len(tasks)
        )


class ClockedScheduleAdmin(AuditedAdmin, beat_admin.ClockedScheduleAdmin):
    pass


class CrontabScheduleAdmin(AuditedAdmin, beat_admin.CrontabScheduleAdmin):
    pass


class SolarScheduleAdmin(AuditedAdmin, beat_admin.SolarScheduleAdmin):
    pass


class IntervalScheduleAdmin(AuditedAdmin, beat_admin.IntervalScheduleAdmin):
    pass


admin_replace(PeriodicTask, PeriodicTaskAdmin)
admin_replace(ClockedSchedule, ClockedScheduleAdmin)
admin_replace(CrontabSchedule, CrontabScheduleAdmin)
admin_replace(SolarSchedule, SolarScheduleAdmin)
admin_replace(IntervalSchedule, IntervalScheduleAdmin)
