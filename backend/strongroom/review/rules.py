"""The rules that flag audit events by exception (PRODUCT.md §8 "Audit-trail review").

Each rule is a pure function over the audit events of one unit and period (``AuditEvent``
objects, saved or not) and a :class:`RuleContext` holding what the events alone do not say
(which records were signed and since when, who was deactivated since, who administers users and
the addresses they signed in from before the period). It returns :class:`FlagDraft` s, each with
a ``key`` that identifies the exception: computing the flags again (a refresh) adds only the
keys the review does not have yet.

The actions the rules look for are the ones the code writes (``audit_event_record``):

* changes outside working hours: every event with an actor but sign-ins, sign-outs, failed
  sign-ins or signatures, exports and verifications (:data:`NOT_CHANGES`), at a local time
  (``STRONGROOM_REVIEW_TIME_ZONE``) outside ``STRONGROOM_REVIEW_WORKING_HOURS`` or on a day not
  in ``STRONGROOM_REVIEW_WORKING_DAYS``; one flag per person and local day;
* edits of signed records: an edit (``*.update``, ``*.delete``, ``batch.items_add`` /
  ``batch.items_remove``, …) of a record that had a signature before the edit;
* configuration and permission changes: roles, units, departments, locations, document types,
  event types, periodic tasks, service tokens, the audit key, a person's access, activation,
  unlock or password reset, and anything changed through the Django admin (reason ``admin``);
* bursts of failed logins: at least ``STRONGROOM_REVIEW_FAILED_LOGIN_THRESHOLD``
  ``auth.login_failed`` for one username within
  ``STRONGROOM_REVIEW_FAILED_LOGIN_WINDOW_MINUTES``; one flag per burst;
* refused self-approvals: ``request.refused`` / ``batch.refused`` with reason
  ``separation_of_duties`` (someone tried to decide on what they raised or prepared);
* actions by accounts deactivated since: events of a person deactivated after the event; one
  flag per person;
* an administrator (a role that manages users) signing in (``auth.login``) from an address not
  seen for them before, in the period or earlier.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from strongroom.compliance.models import AuditEvent
from strongroom.review.models import FlagRule

ADMIN_REASON = "admin"  # compliance.admin_audit.ADMIN_REASON: a change made in the Django admin

# Events that change nothing (access, reads, signatures of a change audited on its own).
NOT_CHANGES = frozenset(
    {
        "auth.login",
        "auth.logout",
        "auth.login_failed",
        "auth.refresh_reuse",
        "auth.password_change_failed",
        "signature.sign",
        "signature.failed",
        "report.export",
        "audit.export",
        "audit.verify",
        "service_token.use",
        "request.refused",
        "batch.refused",
    }
)
EDIT_VERBS = frozenset({"update", "delete", "items_add", "items_remove"})
CONFIGURATION_PREFIXES = (
    "role.",
    "unit.",
    "department.",
    "location.",
    "document_type.",
    "retention_event.",
    "schedule.",
    "periodic_task.",
    "service_token.",
    "audit_key.",
)
CONFIGURATION_ACTIONS = frozenset(
    {
        "user.create",
        "user.access_change",
        "user.activate",
        "user.deactivate",
        "user.unlock",
        "user.password_reset",
    }
)
REFUSED_ACTIONS = frozenset({"request.refused", "batch.refused"})


@dataclass(frozen=True)
class ReviewSettings:
    time_zone: ZoneInfo
    day_start: dt.time
    day_end: dt.time
    working_days: frozenset[int]  # ISO weekdays, 1 = Monday
    failed_login_threshold: int
    failed_login_window: dt.timedelta

    @classmethod
    def from_settings(cls) -> "ReviewSettings":
        start, end = settings.STRONGROOM_REVIEW_WORKING_HOURS
        return cls(
            time_zone=ZoneInfo(settings.STRONGROOM_REVIEW_TIME_ZONE),
            day_start=start,
            day_end=end,
            working_days=frozenset(settings.STRONGROOM_REVIEW_WORKING_DAYS),
            failed_login_threshold=settings.STRONGROOM_REVIEW_FAILED_LOGIN_THRESHOLD,
            failed_login_window=dt.timedelta(
                minutes=settings.STRONGROOM_REVIEW_FAILED_LOGIN_WINDOW_MINUTES
            ),
        )


@dataclass(frozen=True)
class RuleContext:
    settings: ReviewSettings
    # (object_type, object_id) -> when the record was first signed
    first_signed: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    # person id -> when they were deactivated (people deactivated now only)
    deactivated_at: dict[int, dt.datetime] = field(default_factory=dict)
    # people whose role manages users (System Administrators, Unit Admins)
    administrators: frozenset[int] = frozenset()
    # administrator id -> addresses they signed in from before the period
    known_addresses: dict[int, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FlagDraft:
    rule: FlagRule
    key: str
    summary: str
    events: tuple[AuditEvent, ...]

    @property
    def event_ids(self) -> list[int]:
        return [e.id for e in self.events]

    @property
    def occurred_at(self) -> dt.datetime:
        return min(e.at for e in self.events)

    @property
    def actor_username(self) -> str:
        names = {e.actor_username for e in self.events}
        return names.pop() if len(names) == 1 else ""


def _ordered(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    return sorted(events, key=lambda e: (e.at, e.id))


def _who(event: AuditEvent) -> str:
    return event.actor_username or "(system)"


def is_change(event: AuditEvent) -> bool:
    return event.actor_id is not None and event.action not in NOT_CHANGES


def outside_working_hours(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Changes made outside working hours, one flag per person and local day."""
    rules = context.settings
    groups: dict[tuple[int, dt.date], list[AuditEvent]] = defaultdict(list)
    for event in _ordered(events):
        actor_id = event.actor_id
        if actor_id is None or not is_change(event):
            continue
        local = event.at.astimezone(rules.time_zone)
        working_day = local.isoweekday() in rules.working_days
        if working_day and rules.day_start <= local.time() < rules.day_end:
            continue
        groups[(actor_id, local.date())].append(event)
    drafts = []
    for (actor_id, day), group in groups.items():
        first, last = (e.at.astimezone(rules.time_zone) for e in (group[0], group[-1]))
        drafts.append(
            FlagDraft(
                FlagRule.OUTSIDE_HOURS,
                f"{FlagRule.OUTSIDE_HOURS}:{actor_id}:{day.isoformat()}",
                f"{_who(group[0])}: {len(group)} change(s) on {day:%a %Y-%m-%d} outside working "
                f"hours ({first:%H:%M} to {last:%H:%M} {first.tzname()})",
                tuple(group),
            )
        )
    return drafts


def signed_record_edits(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Edits of a record that carried a signature when it was edited."""
    drafts = []
    for event in _ordered(events):
        if event.action.rsplit(".", 1)[-1] not in EDIT_VERBS:
            continue
        signed = context.first_signed.get((event.object_type, str(event.object_id)))
        if signed is None or signed >= event.at:
            continue
        drafts.append(
            FlagDraft(
                FlagRule.SIGNED_RECORD_EDIT,
                f"{FlagRule.SIGNED_RECORD_EDIT}:{event.id}",
                f"{_who(event)}: {event.action} of {event.object_type} {event.object_id}, "
                f"signed since {signed:%Y-%m-%d %H:%M} UTC",
                (event,),
            )
        )
    return drafts


def is_configuration_change(event: AuditEvent) -> bool:
    if event.action in NOT_CHANGES:
        return False
    return (
        event.action.startswith(CONFIGURATION_PREFIXES)
        or event.action in CONFIGURATION_ACTIONS
        or event.reason == ADMIN_REASON
    )


def configuration_changes(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Configuration and permission changes, one flag each."""
    return [
        FlagDraft(
            FlagRule.CONFIGURATION_CHANGE,
            f"{FlagRule.CONFIGURATION_CHANGE}:{event.id}",
            f"{_who(event)}: {event.action} {event.object_type} {event.object_id}".rstrip()
            + (" (Django admin)" if event.reason == ADMIN_REASON else ""),
            (event,),
        )
        for event in _ordered(events)
        if is_configuration_change(event)
    ]


def failed_login_bursts(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """At least the threshold of failed logins for one username within the window; one flag
    per burst (failures closer than the window to the burst's last one join it)."""
    threshold = max(1, context.settings.failed_login_threshold)
    window = context.settings.failed_login_window
    by_username: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in _ordered(events):
        if event.action != "auth.login_failed":
            continue
        typed = (event.changes or {}).get("username") or [None, None]
        username = str(typed[-1] or event.actor_username or "")
        by_username[username].append(event)
    drafts = []
    for username, failures in by_username.items():
        in_burst: set[int] = set()
        start = 0
        for end in range(len(failures)):
            while failures[end].at - failures[start].at > window:
                start += 1
            if end - start + 1 >= threshold:
                in_burst.update(range(start, end + 1))
        bursts: list[list[AuditEvent]] = []
        for index in sorted(in_burst):
            event = failures[index]
            if bursts and event.at - bursts[-1][-1].at <= window:
                bursts[-1].append(event)
            else:
                bursts.append([event])
        for burst in bursts:
            drafts.append(
                FlagDraft(
                    FlagRule.FAILED_LOGIN_BURST,
                    f"{FlagRule.FAILED_LOGIN_BURST}:{username[:80]}:{burst[0].id}",
                    f"{len(burst)} failed logins for {username or '(no username)'} between "
                    f"{burst[0].at:%Y-%m-%d %H:%M:%S} and {burst[-1].at:%H:%M:%S} UTC",
                    tuple(burst),
                )
            )
    return drafts


def refused_self_approvals(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Someone tried to decide on what they raised or prepared and was refused."""
    return [
        FlagDraft(
            FlagRule.SELF_APPROVAL_REFUSED,
            f"{FlagRule.SELF_APPROVAL_REFUSED}:{event.id}",
            f"{_who(event)} tried to {((event.changes or {}).get('transition') or [None, '?'])[-1]}"
            f" their own {event.object_type} {event.object_id}; refused",
            (event,),
        )
        for event in _ordered(events)
        if event.action in REFUSED_ACTIONS and event.reason == "separation_of_duties"
    ]


def deactivated_actors(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Events of people deactivated after them, one flag per person."""
    groups: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in _ordered(events):
        actor_id = event.actor_id
        deactivated = None if actor_id is None else context.deactivated_at.get(actor_id)
        if actor_id is not None and deactivated is not None and deactivated > event.at:
            groups[actor_id].append(event)
    return [
        FlagDraft(
            FlagRule.DEACTIVATED_ACTOR,
            f"{FlagRule.DEACTIVATED_ACTOR}:{actor_id}",
            f"{_who(group[0])}: {len(group)} action(s) in the period; account deactivated "
            f"{context.deactivated_at[actor_id]:%Y-%m-%d}",
            tuple(group),
        )
        for actor_id, group in groups.items()
    ]


def admin_new_addresses(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """An administrator's sign-in from an address not seen for them before."""
    seen = {k: set(v) for k, v in context.known_addresses.items()}
    drafts = []
    for event in _ordered(events):
        actor_id = event.actor_id
        if event.action != "auth.login" or actor_id not in context.administrators:
            continue
        if actor_id is None or not event.ip_address:
            continue
        addresses = seen.setdefault(actor_id, set())
        if event.ip_address in addresses:
            continue
        addresses.add(event.ip_address)
        drafts.append(
            FlagDraft(
                FlagRule.ADMIN_NEW_ADDRESS,
                f"{FlagRule.ADMIN_NEW_ADDRESS}:{event.id}",
                f"Administrator {_who(event)} signed in from {event.ip_address}, an address "
                "not seen for them before",
                (event,),
            )
        )
    return drafts


Rule = Callable[[Sequence[AuditEvent], RuleContext], list[FlagDraft]]
RULES: tuple[Rule, ...] = (
    outside_working_hours,
    signed_record_edits,
    configuration_changes,
    failed_login_bursts,
    refused_self_approvals,
    deactivated_actors,
    admin_new_addresses,
)


def flags_compute(events: Sequence[AuditEvent], context: RuleContext) -> list[FlagDraft]:
    """Every rule's flags, in the order of their first event."""
    drafts = [draft for rule in RULES for draft in rule(events, context)]
    return sorted(drafts, key=lambda d: (d.occurred_at, d.key))
