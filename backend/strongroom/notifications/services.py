"""Creating in-app notifications. One per recipient and ``dedupe_key``, so a task that runs twice
(or is retried) never notifies twice."""

from collections.abc import Iterable

from django.db import transaction

from strongroom.accounts.models import Unit, User
from strongroom.core.task_queue import task_enqueue_on_commit
from strongroom.notifications.models import Notification, NotificationKind


def notification_create_many(
    *,
    recipients: Iterable[User],
    kind: NotificationKind,
    title: str,
    body: str = "",
    dedupe_key: str,
    unit: Unit | None = None,
    object_type: str = "",
    object_id: str = "",
    link: str = "",
) -> list[Notification]:
    """Notify each recipient once for ``dedupe_key``; returns only the newly created ones.
    ``object_type``/``object_id`` say what it is about and ``link`` is the path of its page in the
    app (``/requests/42``): the sender's domain knows them, notifications do not."""
    created = []
    with transaction.atomic():
        for recipient in recipients:
            notification, is_new = Notification.objects.get_or_create(
                recipient=recipient,
                dedupe_key=dedupe_key,
                defaults={
                    "kind": kind,
                    "title": title,
                    "body": body,
                    "unit": unit,
                    "object_type": object_type,
                    "object_id": object_id,
                    "link": link,
                },
            )
            if is_new:
                created.append(notification)
                if recipient.email:  # no address, no e-mail task
                    _email_later(notification.pk)
    return created


def _email_later(notification_id: int) -> None:
    """Queued in this transaction, so that a broker outage delays the e-mail but never loses
    it (strongroom.core.task_queue)."""
    from strongroom.notifications.tasks import send_notification_email

    task_enqueue_on_commit(send_notification_email, notification_id)


def notification_mark_read(*, user: User, ids: list[int] | None) -> int:
    """Mark the user's notifications read (the given ones, or all). Returns how many changed.
    Saved one by one so that each change reaches the user's other screens live."""
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    now = timezone.now()
    with transaction.atomic():
        changed = 0
        for notification in unread.select_for_update():
            notification.read_at = now
            notification.save(update_fields=["read_at"])
            changed += 1
    return changed
