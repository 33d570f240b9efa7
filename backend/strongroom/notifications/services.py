"""Creating in-app notifications. One per recipient and ``dedupe_key``, so a task that runs twice
(or is retried) never notifies twice.

The notifications of one event are written together (one query to find who has it already, one
INSERT, one INSERT of their live events) and cost no task per recipient: a recipient with an
address gets the e-mail in the next flush of pending e-mails (strongroom.notifications.email),
which puts everything pending for one person in one message. A flush is queued, through the
task outbox, to run ``STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS`` after the first e-mail that
finds none queued (or only one that is lost); the e-mails that come meanwhile ride along.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from strongroom.accounts.models import Unit, User
from strongroom.core.task_queue import task_enqueue_on_commit
from strongroom.notifications.models import EmailFlush, Notification, NotificationKind
from strongroom.realtime.signals import outbox_record_bulk_created


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
    users = list({user.pk: user for user in recipients}.values())
    if not users:
        return []
    now = timezone.now()
    email_due = now + dt.timedelta(seconds=settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS)
    with transaction.atomic():
        notified = _already_notified(dedupe_key=dedupe_key, user_ids=[user.pk for user in users])
        rows = [
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                body=body,
                unit=unit,
                object_type=object_type,
                object_id=object_id,
                link=link,
                dedupe_key=dedupe_key,
                # No address (or no account any more), no e-mail.
                email_due_at=email_due if user.email and user.is_active else None,
            )
            for user in users
            if user.pk not in notified
        ]
        if not rows:
            return []
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(rows)
        except IntegrityError:
            # The same notification, written meanwhile by another run of the same task (a
            # redelivery): one by one (each save records its live event), keeping only the ones
            # this run created.
            created = [row for row in rows if _create_unless_exists(row)]
        else:
            outbox_record_bulk_created(created)  # bulk_create sends no post_save
        if any(row.email_due_at is not None for row in created):
            # After the commit, in a short transaction of its own: the flush's row lock is never
            # held while the caller's transaction takes other locks.
            transaction.on_commit(_email_flush_queue_now, robust=True)
    return created


def _email_flush_queue_now() -> None:
    with transaction.atomic():
        email_flush_queue()


def _already_notified(*, dedupe_key: str, user_ids: list[int]) -> set[int]:
    return set(
        Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=user_ids).values_list(
            "recipient_id", flat=True
        )
    )


def _create_unless_exists(row: Notification) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)  # post_save: its live event
    except IntegrityError:
        return False
    return True


# How long after its due time an e-mail counts as forgotten (no flush on its way to it).
LATE_AFTER_SECONDS = 30
# How long after its due time a queued flush that has not started counts as lost.
FLUSH_LATE_SECONDS = 10


def email_flush_queue(*, delay: float | None = None) -> bool:
    """In the caller's transaction: queue a flush of the pending e-mails after commit to run in
    ``delay`` seconds (default ``STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS``), unless one is
    queued that has not started and is due by then (see :class:`EmailFlush`). Returns whether
    one was queued.

    Called once the notifications have committed: a flush that has not started will read them;
    one that has cleared the mark queues no more, so this queues the next. A process that stops
    between the commit and this call leaves e-mails with no flush on its way:
    :func:`email_flush_queue_if_late` (Beat, every minute) queues one for them.

    A queued flush more than :data:`FLUSH_LATE_SECONDS` past its due time covers nothing: the
    broker lost it (a message lost in a Redis restart, a worker killed as it took it, or a
    broker no worker reads, as ``initial_setup --demo`` in scripts/check_production_topology.py
    uses). Its outbox row lives on until ``STRONGROOM_TASK_RESEND_SECONDS`` (15 minutes) sends
    it again, so neither that row nor the mark may stand for a flush on its way. Nor does a
    flush due later than this one would be (queued by a process with a longer delay). A flush
    queued in excess (the first was only late, behind a backlog) costs two queries and sends
    nothing twice; the mark still allows one per delay at most."""
    from strongroom.notifications.tasks import send_notification_emails

    flush = EmailFlush.objects.select_for_update().filter(pk=1).first()
    if flush is None:
        flush, _ = EmailFlush.objects.get_or_create(pk=1)
        flush = EmailFlush.objects.select_for_update().get(pk=1)
    if delay is None:
        delay = settings.STRONGROOM_NOTIFICATION_EMAIL_DELAY_SECONDS
    now = timezone.now()
    due = now + dt.timedelta(seconds=delay)
    lost = now - dt.timedelta(seconds=FLUSH_LATE_SECONDS)
    if flush.due_at is not None and lost < flush.due_at <= due:
        return False
    flush.due_at = due
    flush.save(update_fields=["due_at"])
    task_enqueue_on_commit(send_notification_emails, countdown=delay)
    return True


def email_flush_queue_if_late() -> bool:
    """Queue a flush when e-mails are past their due time and no flush task is outstanding (queued,
    running or retrying: its outbox row lives until it has run), or the one queued is lost (its
    mark overdue, see :func:`email_flush_queue`). Returns whether it queued one."""
    from strongroom.core.models import PendingTask
    from strongroom.notifications.tasks import send_notification_emails

    now = timezone.now()
    late = now - dt.timedelta(seconds=LATE_AFTER_SECONDS)
    if not Notification.objects.filter(email_due_at__lt=late, email_sent_at__isnull=True).exists():
        return False
    lost = EmailFlush.objects.filter(due_at__lt=now - dt.timedelta(seconds=FLUSH_LATE_SECONDS))
    outstanding = PendingTask.objects.filter(task=send_notification_emails.name)
    if outstanding.exists() and not lost.exists():
        return False
    with transaction.atomic():
        EmailFlush.objects.filter(pk=1).update(due_at=None)  # the queued one was lost
        return email_flush_queue(delay=0)


def notification_mark_read(*, user: User, ids: list[int] | None) -> int:
    """Mark the user's notifications read (the given ones, or all). Returns how many changed.
    Saved one by one so that each change reaches the user's other screens live."""
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
