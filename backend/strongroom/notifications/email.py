"""E-mail for notifications.

:func:`notification_emails_flush` (the task ``send_notification_emails``, queued by
strongroom.notifications.services) sends every pending e-mail, one message per recipient that
lists all of theirs. :func:`notification_email_send` sends one notification's e-mail alone (the
task ``send_notification_email``, which notifications created before the flush still have queued).

Delivery is at-least-once with the duplicate window made as small as it can be: the sender holds
the notifications' row locks while it talks to the mail server and records the send in the same
transaction, so two flushes (or two deliveries of one task) never both send, and a retried one
whose send was recorded sends nothing. Only a crash between the server's "accepted" and the
commit could repeat a mail; it then carries the same Message-ID, which mail systems use to drop
duplicates.
"""

import logging
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from strongroom.notifications.models import EmailFlush, Notification

logger = logging.getLogger(__name__)


def _domain() -> str:
    domain = settings.STRONGROOM_PUBLIC_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    return domain or "strongroom"


def notification_message_id(notification: Notification) -> str:
    return f"<notification-{notification.pk}@{_domain()}>"


def notification_email_send(*, notification_id: int) -> bool:
    """Send the notification's e-mail once. Returns whether a mail went out now."""
    # Counted outside the sending transaction, so failed attempts stay counted.
    Notification.objects.filter(pk=notification_id, email_sent_at__isnull=True).update(
        email_attempts=F("email_attempts") + 1
    )
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_sent_at is not None:
            return False
        recipient = notification.recipient
        if not recipient.email or not recipient.is_active:
            return False
        message = _single_message(notification, recipient.email)
        message.send(fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    logger.info("notification %s e-mailed", notification_id)
    return True


# One message lists at most this many notifications (the rest go in the next one); one flush
# mails at most FLUSH_RECIPIENTS people and queues another for the rest.
DIGEST_MAX = 50
FLUSH_RECIPIENTS = 500
# A recipient the mail server refuses is tried again in later flushes, this many times in all.
MAX_ATTEMPTS = 8


def _pending() -> QuerySet[Notification]:
    return Notification.objects.filter(email_due_at__isnull=False, email_sent_at__isnull=True)


def notification_emails_flush() -> int:
    """Send every pending e-mail: per recipient, one message listing their pending notifications.
    Returns how many messages went out. A mail server that is down raises (the task retries with
    backoff); one that refuses a recipient is logged, and that recipient is tried again by a
    later flush, :data:`MAX_ATTEMPTS` times in all."""
    # From now on, a new pending e-mail queues another flush (notifications.services); the
    # UPDATE waits for a transaction that found this one queued and has not committed yet.
    EmailFlush.objects.filter(pk=1).update(due_at=None)
    recipient_ids = list(
        _pending()
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:FLUSH_RECIPIENTS]
    )
    sent = 0
    more, refused = len(recipient_ids) == FLUSH_RECIPIENTS, False
    for recipient_id in recipient_ids:
        outcome = _digest_send(recipient_id=recipient_id)
        sent += outcome in (SENT, SENT_MORE_LEFT)
        more = more or outcome == SENT_MORE_LEFT
        refused = refused or outcome == REFUSED
    if more or refused:
        from strongroom.notifications.services import email_flush_queue

        with transaction.atomic():
            email_flush_queue(delay=0 if more else None)
    return sent


SENT, SENT_MORE_LEFT, REFUSED, NOTHING = "sent", "sent, more left", "refused", "nothing"


def _digest_send(*, recipient_id: int) -> str:
    pending = _pending().filter(recipient_id=recipient_id)
    # Counted outside the sending transaction, so failed attempts stay counted.
    pending.update(email_attempts=F("email_attempts") + 1)
    with transaction.atomic():
        rows = list(
            pending.select_for_update(of=("self",))
            .select_related("recipient")
            .order_by("id")[: DIGEST_MAX + 1]
        )
        if not rows:
            return NOTHING  # another flush sent them
        more_left = len(rows) > DIGEST_MAX
        rows = rows[:DIGEST_MAX]
        ids = [row.pk for row in rows]
        recipient = rows[0].recipient
        if not recipient.email or not recipient.is_active:
            Notification.objects.filter(pk__in=ids).update(email_due_at=None)
            return NOTHING
        try:
            _digest_message(rows, recipient.email).send(fail_silently=False)
        except SMTPRecipientsRefused:
            given_up = [row.pk for row in rows if row.email_attempts >= MAX_ATTEMPTS]
            Notification.objects.filter(pk__in=given_up).update(email_due_at=None)
            logger.error(
                "notification e-mail to user %s refused (%d notification(s)%s)",
                recipient_id,
                len(ids),
                ", given up" if given_up else "",
            )
            return REFUSED
        Notification.objects.filter(pk__in=ids).update(email_sent_at=timezone.now())
    logger.info("notification(s) %s e-mailed in one message", ids)
    return SENT_MORE_LEFT if more_left else SENT


def _digest_message(rows: list[Notification], address: str) -> EmailMessage:
    if len(rows) == 1:
        return _single_message(rows[0], address)
    base = settings.STRONGROOM_PUBLIC_URL.rstrip("/")
    parts = []
    for row in rows:
        text = f"- {row.title}\n"
        if row.body:
            text += "".join(f"  {line}\n" for line in row.body.splitlines())
        text += f"  Open in Strongroom: {base}/{row.link.lstrip('/')}\n"
        parts.append(text)
    domain = _domain()
    return EmailMessage(
        subject=f"[Strongroom] {len(rows)} notifications: {rows[0].title}"[:200],
        body="\n".join(parts),
        to=[address],
        # The same notifications give the same Message-ID (see the module docstring).
        headers={"Message-ID": f"<notifications-{rows[0].pk}-{rows[-1].pk}-{len(rows)}@{domain}>"},
    )


def _single_message(notification: Notification, address: str) -> EmailMessage:
    link = f"{settings.STRONGROOM_PUBLIC_URL.rstrip('/')}/{notification.link.lstrip('/')}"
    return EmailMessage(
        subject=f"[Strongroom] {notification.title}",
        body=f"{notification.body}\n\nOpen in Strongroom: {link}\n",
        to=[address],
        headers={"Message-ID": notification_message_id(notification)},
    )
