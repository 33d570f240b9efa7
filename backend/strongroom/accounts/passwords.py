"""Password policy: 12+ characters, Django's validators, none of the last five reused, expiry."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from strongroom.accounts.models import User


class NotRecentlyUsedValidator:
    """Refuses the user's current password and the previous ones kept in the history."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        recent = settings.STRONGROOM_PASSWORD_HISTORY
        hashes = [user.password, *user.password_history.values_list("password", flat=True)[:recent]]
        if any(h and check_password(password, h) for h in hashes[:recent]):
            raise ValidationError(
                f"This password was used recently; choose one you have not used in your last "
                f"{recent} changes.",
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return f"Your password cannot be one of your last {settings.STRONGROOM_PASSWORD_HISTORY}."


def password_expires_at(user: User) -> dt.datetime | None:
    days = settings.STRONGROOM_PASSWORD_EXPIRY_DAYS
    if days <= 0 or user.password_changed_at is None:
        return None
    return user.password_changed_at + dt.timedelta(days=days)


def password_change_required(user: User) -> bool:
    if user.must_change_password:
        return True
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()
