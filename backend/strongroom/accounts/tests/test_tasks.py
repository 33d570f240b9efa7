import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from strongroom.accounts.models import User
from strongroom.accounts.tasks import flush_expired_tokens, password_expiry_reminders
from strongroom.accounts.tests.factories import UserFactory
from strongroom.notifications.models import Notification

pytestmark = pytest.mark.django_db


@override_settings(STRONGROOM_PASSWORD_EXPIRY_DAYS=90)
@pytest.mark.compliance("11.300(b)")
def test_reminds_users_whose_password_expires_within_a_week_once(roles_synced: None) -> None:
    now = timezone.now()
    expiring = UserFactory(password_changed_at=now - dt.timedelta(days=85))
    UserFactory(password_changed_at=now - dt.timedelta(days=10))
    UserFactory(
        password_changed_at=now - dt.timedelta(days=85), is_active=False, deactivated_at=now
    )
    assert password_expiry_reminders() == 1
    assert password_expiry_reminders() == 0
    assert Notification.objects.get().recipient == expiring


def test_flush_removes_expired_refresh_tokens_only(roles_synced: None) -> None:
    user: User = UserFactory()
    RefreshToken.for_user(user)
    expired = RefreshToken.for_user(user)
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    OutstandingToken.objects.filter(jti=expired["jti"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert flush_expired_tokens() == 1
    assert OutstandingToken.objects.count() == 1
