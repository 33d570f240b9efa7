"""The request status machine as the API serves it: the transition table
(``GET /api/v1/requests/transitions/``) and, per request, the transitions the caller may perform
now (``available_actions``). Both read :data:`strongroom.requests.transitions.TRANSITIONS`; the
frontend and scripts/chaos read them instead of keeping a copy.

A transition is available exactly when
:func:`~strongroom.requests.transitions.transition_refused_by` (the rules of the check the
transition endpoint raises) has no answer for it. What may still refuse it then is the call
itself: the signature, the version, a reason, a shelf, a witness, the crate's state."""

from typing import Any

from strongroom.accounts.models import User
from strongroom.compliance.models import SignatureMeaning
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.notifying import REQUEST_EVENT_ROUTES
from strongroom.requests.services import (
    SUBMISSION_EVENT,
    SUBMISSION_MEANING,
    SUBMISSION_PERMISSION,
)
from strongroom.requests.transitions import (
    TRANSITIONS,
    Transition,
    refusal_facts,
    transition_refused_by,
)


def _requester_rule(transition: Transition) -> str:
    if transition.requester_only:
        return "only"
    return "never" if transition.not_requester else "any"


def _action(transition: Transition) -> dict[str, Any]:
    """How a client asks for the transition: its URL segment, words and dialog fields."""
    return {
        "name": transition.name,
        "path": transition.name.replace("_", "-"),
        "label": transition.label,
        "meaning": transition.meaning.value,
        "meaning_label": SignatureMeaning(transition.meaning).label,
        "reason_required": transition.reason_required,
        "shelf": transition.shelf,
        "witness": transition.witness,
    }


def _notifies(event: str | None) -> list[dict[str, str]]:
    """The notifications a request event creates after commit, and for whom: the requester, or
    everyone of the request's unit who holds the permission named."""
    routes = REQUEST_EVENT_ROUTES.get(event or "", ())
    return [{"kind": route.kind.value, "audience": route.audience} for route in routes]


def transition_table() -> list[dict[str, Any]]:
    """Every transition: from which statuses to which, for which request types, the permission
    it needs, whether only (or never) the requester may perform it, how it is asked for, and the
    notification event it queues with the notifications that event creates. The first row,
    "submit", is filing a request (POST /api/v1/requests/): it starts from no status. A status no
    transition starts from is final."""
    submit = {
        "name": "submit",
        "path": "",
        "label": "Submit",
        "meaning": SUBMISSION_MEANING.value,
        "meaning_label": SUBMISSION_MEANING.label,
        "reason_required": False,
        "shelf": "none",
        "witness": False,
        "sources": [],
        "target": RequestStatus.SUBMITTED.value,
        "types": list(RequestType.values),
        "permission": SUBMISSION_PERMISSION,
        "requester": "any",
        "event": SUBMISSION_EVENT,
        "notifies": _notifies(SUBMISSION_EVENT),
    }
    return [submit] + [
        {
            **_action(t),
            "sources": list(t.sources),
            "target": t.target,
            "types": list(t.types),
            "permission": t.permission,
            "requester": _requester_rule(t),
            "event": t.event,
            "notifies": _notifies(t.event),
        }
        for t in TRANSITIONS.values()
    ]


def request_available_actions(
    *, actor: User, request: Request, memo: dict[Any, list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """The transitions ``actor`` may perform on ``request`` now, in the table's order. No query
    of its own: the caller's permissions and units are cached on the user object.

    ``memo`` (one per response, for one actor) keeps the answer per
    :func:`~strongroom.requests.transitions.refusal_facts`: the rows of a page that share them
    share one list, which nobody may change."""
    if memo is None:
        return _available(actor, request)
    facts = refusal_facts(actor=actor, request=request)
    actions = memo.get(facts)
    if actions is None:
        actions = memo[facts] = _available(actor, request)
    return actions


def _available(actor: User, request: Request) -> list[dict[str, Any]]:
    return [
        _action(t)
        for t in TRANSITIONS.values()
        if transition_refused_by(t, actor=actor, request=request) is None
    ]
