"""The Django admin under the API's password rules: a user who must change their password
(forced after a reset, or expired) can do nothing else until they have (``permissions.py`` for
the API, ``consumers.py`` for the WebSocket)."""

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from strongroom.accounts.models import User
from strongroom.accounts.passwords import password_change_required

ADMIN_CHANGE_FIRST_MESSAGE = (
    "You must change your password before you continue: sign in to Strongroom, change it there, "
    "then come back to the administration."
)


class AdminPasswordPolicyMiddleware:
    """Ends the admin session of a user whose password must be changed and sends them to the
    admin's sign-in page (which refuses them with the same message until they have changed it).
    Catches a session that was open when the password expired or was reset."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and request.path.startswith(reverse("admin:index"))
            and password_change_required(user)
        ):
            logout(request)
            messages.error(request, ADMIN_CHANGE_FIRST_MESSAGE)
            login = reverse("admin:login")
            return HttpResponseRedirect(f"{login}?next={quote(request.path)}")
        return self.get_response(request)
