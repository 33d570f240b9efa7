"""Signals other apps listen to, so that accounts need not know them (STYLE.md rule 2).

Both are sent after the changing transaction commits.

``sessions_revoked(user_id, session_id)``
    Sessions of the user were revoked: all of them (``session_id`` is None: deactivation,
    password change or reset) or one (logout). Open WebSockets of those sessions must close.
``access_changed(user_id)``
    The user's role, units or activity changed: open WebSockets must re-scope (or close).
"""

from django.dispatch import Signal

sessions_revoked = Signal()
access_changed = Signal()
