from django.db.models import QuerySet

from strongroom.accounts.models import User
from strongroom.notifications.models import Notification


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """A user's own notifications only."""
    return Notification.objects.filter(recipient=user).select_related("unit").order_by("-id")
