"""E-mail for notifications.

Delivery is at-least-once with the duplicate window made as small as it can be: the task holds
the notification's row lock while it talks to the mail server and records the send in the same
transaction, so two deliveries of one task never both send, and a retried task whose send was
recorded sends nothing. Only a crash between the server's "accepted" and the commit could repeat
a mail; it then carries the same Message-ID, which mail systems use to drop duplicates.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from strongroom.notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_message_id(notification: Notification) -> str:
    domain = settings.STRONGROOM_PUBLIC_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    return f"<notification-{notification.pk}@{domain or 'strongroom'}>"


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
        link = f"{settings.STRONGROOM_PUBLIC_URL.rstrip('/')}/{notification.link.lstrip('/')}"
        message = EmailMessage(
            subject=f"[Strongroom] {notification.title}",
            body=f"{notification.body}\n\nOpen in Strongroom: {link}\n",
            to=[recipient.email],
            headers={"Message-ID": notification_message_id(notification)},
        )
        message.send(fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    logger.info("notification %s e-mailed", notification_id)
    return True
