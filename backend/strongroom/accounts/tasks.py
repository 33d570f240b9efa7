import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from strongroom.accounts.models import User
from strongroom.notifications.models import NotificationKind
from strongroom.notifications.services import notification_create_many

logger = logging.getLogger(__name__)
REMINDER_DAYS = 7


@shared_task
def flush_expired_tokens() -> int:
    """Delete expired refresh tokens (and, by cascade, their blacklist entries)."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    logger.info("flush_expired_tokens: removed %d expired token rows", deleted)
    return deleted


@shared_task
def password_expiry_reminders() -> int:
    """Remind users whose password expires within 7 days (once per password)."""
    expiry_days = settings.STRONGROOM_PASSWORD_EXPIRY_DAYS
    if expiry_days <= 0:
        return 0
    now = timezone.now()
    window_start = now - dt.timedelta(days=expiry_days)
    window_end = window_start + dt.timedelta(days=REMINDER_DAYS)
    sent = 0
    users = User.objects.filter(
        is_active=True, password_changed_at__gt=window_start, password_changed_at__lte=window_end
    )
    for user in users:
        assert user.password_changed_at is not None
        expires = user.password_changed_at + dt.timedelta(days=expiry_days)
        sent += len(
            notification_create_many(
                recipients=[user],
                kind=NotificationKind.PASSWORD_EXPIRING,
                title=f"Your password expires on {expires:%Y-%m-%d}",
                body="Change it before then under your profile; an expired password must be "
                "changed at the next sign-in.",
                dedupe_key=f"password-expiry:{user.password_changed_at.isoformat()}",
            )
        )
    logger.info("password_expiry_reminders: %d reminder(s)", sent)
    return sent
