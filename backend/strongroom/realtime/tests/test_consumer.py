"""The events socket: authentication and its failures, scope, replay, live delivery, closes."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.signals import access_changed, sessions_revoked
from strongroom.accounts.tests.factories import DepartmentFactory
from strongroom.realtime import services
from strongroom.realtime.models import Event
from strongroom.realtime.tasks import prune_outbox
from strongroom.realtime.tests.conftest import Client, access_token, adb, make_crate, make_user
from strongroom.records.models import Crate

pytestmark = pytest.mark.django_db(transaction=True)
Clients = Callable[..., Client]


@pytest.fixture(autouse=True)
def _layer_only(settings: Any) -> None:
    """No outbox poller: live events must come through the channel layer (the poller's own
    tests turn it on)."""
    settings.STRONGROOM_REALTIME_POLL_SECONDS = 0


async def ready_client(clients: Clients, user: User, **auth: Any) -> tuple[Client, dict]:
    client = clients()
    assert await client.connect()
    token, _ = await adb(access_token, user)
    ready = await client.auth(token, **auth)
    assert ready["type"] == "ready", ready
    return client, ready


async def crate_in(unit: Unit) -> Crate:
    return await adb(make_crate, unit)


# --- authentication -----------------------------------------------------------------------------


async def test_auth_answers_ready_with_user_and_cursor(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"], role=roles.APPROVER)
    client, ready = await ready_client(clients, user)
    assert ready["user"] == {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "role": roles.APPROVER,
        "units": [units["GOA1"].pk],
    }
    latest = await adb(lambda: Event.objects.order_by("-id").values_list("id", flat=True).first())
    assert ready["last_event_id"] == (latest or 0)
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}
    await client.send({"type": "dance"})
    assert await client.receive() == {"type": "error", "code": "unknown_type"}


async def test_no_auth_in_time_closes_4408(
    units: dict[str, Unit], clients: Clients, settings: Any
) -> None:
    settings.STRONGROOM_WS_AUTH_TIMEOUT = 0.2
    client = clients()
    assert await client.connect()
    assert await client.closed_with(timeout=2) == 4408


@pytest.mark.parametrize("token", ["not-a-jwt", "", 42])
@pytest.mark.compliance("11.10(d)")
async def test_a_bad_token_closes_4401(
    units: dict[str, Unit], clients: Clients, token: Any
) -> None:
    client = clients()
    assert await client.connect()
    await client.send({"type": "auth", "token": token})
    assert await client.closed_with() == 4401


@pytest.mark.compliance("11.300(d)")
async def test_a_two_factor_challenge_is_no_token_4401(
    units: dict[str, Unit], clients: Clients
) -> None:
    """The challenge between the password and the code of a sign-in never opens the stream."""
    from strongroom.accounts.two_factor import challenge_issue

    user = await adb(make_user, units["GOA1"])
    for purpose in ("verify", "enrol"):
        challenge = (await adb(challenge_issue, user=user, purpose=purpose)).challenge
        client = clients()
        assert await client.connect()
        assert await client.auth(challenge) == {"type": "closed", "code": 4401}


async def test_a_first_message_that_is_not_auth_closes_4401(
    units: dict[str, Unit], clients: Clients
) -> None:
    client = clients()
    assert await client.connect()
    await client.send({"type": "ping"})
    assert await client.closed_with() == 4401


@pytest.mark.compliance("11.10(d)")
async def test_an_expired_token_closes_4401(units: dict[str, Unit], clients: Clients) -> None:
    user = await adb(make_user, units["GOA1"])
    token, _ = await adb(access_token, user, timedelta(seconds=-5))
    client = clients()
    assert await client.connect()
    assert await client.auth(token) == {"type": "closed", "code": 4401}


@pytest.mark.compliance("11.10(d)")
async def test_a_deactivated_user_closes_4401(units: dict[str, Unit], clients: Clients) -> None:
    user = await adb(make_user, units["GOA1"])
    token, _ = await adb(access_token, user)
    await adb(User.objects.filter(pk=user.pk).update, is_active=False)
    client = clients()
    assert await client.connect()
    assert await client.auth(token) == {"type": "closed", "code": 4401}


@pytest.mark.compliance("11.10(d)")
async def test_a_user_who_must_change_password_is_forbidden_4403(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"], must_change_password=True)
    token, _ = await adb(access_token, user)
    client = clients()
    assert await client.connect()
    assert await client.auth(token) == {"type": "closed", "code": 4403}


@pytest.mark.compliance("11.10(d)")
async def test_a_user_whose_password_expired_is_forbidden_4403(
    units: dict[str, Unit], clients: Clients, settings: Any
) -> None:
    settings.STRONGROOM_PASSWORD_EXPIRY_DAYS = 90
    user = await adb(
        make_user, units["GOA1"], password_changed_at=timezone.now() - timedelta(days=91)
    )
    token, _ = await adb(access_token, user)
    client = clients()
    assert await client.connect()
    assert await client.auth(token) == {"type": "closed", "code": 4403}


async def test_deeply_nested_json_is_a_protocol_error_not_a_crash(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"])
    client, _ = await ready_client(clients, user)
    await client.communicator.send_to(text_data="[" * 100_000)
    assert await client.receive() == {"type": "error", "code": "unknown_type"}
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}
    # Before authentication the same frame is a first message that is not auth.
    other = clients()
    assert await other.connect()
    await other.communicator.send_to(text_data="{" * 100_000)
    assert await other.closed_with() == 4401


@pytest.mark.compliance("11.10(d)")
async def test_a_foreign_origin_is_refused(units: dict[str, Unit], clients: Clients) -> None:
    client = clients(origin=(b"origin", b"https://evil.example"))
    assert not await client.connect()


# --- scope ---------------------------------------------------------------------------------------


@pytest.mark.compliance("11.10(g)")
async def test_a_mum1_user_never_receives_a_goa1_event(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa_user = await adb(make_user, units["GOA1"])
    mum_user = await adb(make_user, units["MUM1"])
    admin = await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR)
    goa_client, _ = await ready_client(clients, goa_user)
    mum_client, mum_ready = await ready_client(clients, mum_user)
    admin_client, _ = await ready_client(clients, admin)

    crate = await crate_in(units["GOA1"])
    event = await goa_client.receive()
    assert (event["type"], event["topic"], event["object_id"]) == ("event", "crate", str(crate.pk))
    assert event["unit_id"] == units["GOA1"].pk
    assert (await admin_client.receive())["id"] == event["id"]
    assert await mum_client.nothing(0.6)

    # Not by replay either.
    await mum_client.disconnect()
    again = clients()
    assert await again.connect()
    token, _ = await adb(access_token, mum_user)
    assert (await again.auth(token, last_event_id=mum_ready["last_event_id"]))["type"] == "ready"
    assert await again.nothing(0.4)


async def test_notifications_reach_only_their_recipient(
    units: dict[str, Unit], clients: Clients
) -> None:
    from strongroom.notifications.models import Notification

    alice = await adb(make_user, units["GOA1"])
    bob = await adb(make_user, units["GOA1"])
    alice_client, _ = await ready_client(clients, alice)
    bob_client, _ = await ready_client(clients, bob)
    await adb(
        Notification.objects.create,
        recipient=alice,
        kind="REQUEST_APPROVED",
        title="t",
        dedupe_key="k",
        unit=units["GOA1"],
    )
    event = await alice_client.receive()
    assert (event["topic"], event["unit_id"]) == ("notification", None)
    assert await bob_client.nothing(0.6)


async def test_a_cross_unit_transfer_reaches_both_units_once(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    crate = await crate_in(goa)
    goa_client, _ = await ready_client(clients, await adb(make_user, goa))
    mum_client, _ = await ready_client(clients, await adb(make_user, mum))
    both_client, _ = await ready_client(clients, await adb(make_user, goa, mum))

    def transfer() -> None:
        with transaction.atomic():
            moved = Crate.objects.get(pk=crate.pk)
            moved.unit, moved.department = mum, DepartmentFactory(unit=mum)
            moved.version += 1
            moved.save()

    await adb(transfer)
    seen = [await c.receive() for c in (goa_client, mum_client, both_client)]
    assert {e["id"] for e in seen} == {seen[0]["id"]}
    assert seen[0]["unit_id"] == mum.pk
    assert await both_client.nothing(0.6)  # two groups, one delivery


@pytest.mark.compliance("11.10(g)")
async def test_access_changed_rescopes_the_open_socket(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    user = await adb(make_user, goa)
    client, _ = await ready_client(clients, user)

    await adb(lambda: user.units.set([mum]))
    await adb(access_changed.send, sender=None, user_id=user.pk)
    assert await client.receive() == {"type": "resync"}

    await crate_in(goa)
    mum_crate = await crate_in(mum)
    event = await client.receive()
    assert (event["object_id"], event["unit_id"]) == (str(mum_crate.pk), mum.pk)
    assert await client.nothing(0.6)


async def test_access_changed_to_forbidden_closes_4403(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"])
    client, _ = await ready_client(clients, user)
    await adb(User.objects.filter(pk=user.pk).update, must_change_password=True)
    access_changed.send(sender=None, user_id=user.pk)  # from the event loop's own thread
    assert await client.closed_with() == 4403


# --- replay --------------------------------------------------------------------------------------


async def test_replay_after_reconnect_has_no_gap_and_no_duplicate(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    user = await adb(make_user, goa)
    client, ready = await ready_client(clients, user)
    first = await crate_in(goa)
    live = await client.receive()
    assert live["object_id"] == str(first.pk)
    await client.disconnect()

    missed = [await crate_in(goa) for _ in range(3)]
    await crate_in(mum)

    again, ready = await ready_client(
        clients, user, last_event_id=live["id"], recent_event_ids=[live["id"]]
    )
    replayed = await again.events(3)
    assert [e["object_id"] for e in replayed] == [str(c.pk) for c in missed]
    assert [e["id"] for e in replayed] == sorted(e["id"] for e in replayed)
    assert all(e["id"] > live["id"] for e in replayed)
    assert ready["last_event_id"] >= replayed[-1]["id"]
    assert await again.nothing(0.6)

    # Caught up: reconnecting from the last id with the ids it holds replays nothing.
    await again.disconnect()
    held = [live["id"], *(e["id"] for e in replayed)]
    third, _ = await ready_client(
        clients, user, last_event_id=replayed[-1]["id"], recent_event_ids=held
    )
    assert await third.nothing(0.4)


async def test_replay_includes_a_lower_id_that_committed_after_a_higher_one(
    units: dict[str, Unit], clients: Clients
) -> None:
    """Ids are allocated at insert, visibility comes at commit: a client can see id N+1 before
    id N exists for it. Resuming from N+1 must still bring N (and not N+1 again)."""
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    late, seen = await crate_in(goa), await crate_in(goa)
    ids = await adb(
        lambda: list(
            Event.objects.filter(topic="crate", object_id__in=[str(late.pk), str(seen.pk)])
            .order_by("id")
            .values_list("id", flat=True)
        )
    )
    # The client held only the higher id when its socket dropped.
    client, _ = await ready_client(clients, user, last_event_id=ids[-1], recent_event_ids=ids[1:])
    replayed = await client.events(1)
    assert [e["object_id"] for e in replayed] == [str(late.pk)]
    assert await client.nothing(0.4)

    # Without recent ids the overlap comes again (the client drops what it holds) ...
    await client.disconnect()
    bare, _ = await ready_client(clients, user, last_event_id=ids[-1])
    assert [e["id"] for e in await bare.events(2)] == ids
    await bare.disconnect()

    # ... and an event inserted long before the one resumed from is not replayed.
    def age_the_late_one() -> None:
        Event.objects.filter(id=ids[0]).update(at=timezone.now() - timedelta(minutes=1))

    await adb(age_the_late_one)
    old, _ = await ready_client(clients, user, last_event_id=ids[-1], recent_event_ids=ids[1:])
    assert await old.nothing(0.4)


@pytest.mark.parametrize("recent", ["1,2", [True, "3"], {"a": 1}, [-1, 0]])
async def test_malformed_recent_ids_are_ignored(
    units: dict[str, Unit], clients: Clients, recent: Any
) -> None:
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    crate = await crate_in(goa)
    last = await adb(lambda: Event.objects.order_by("-id").values_list("id", flat=True).first())
    client, _ = await ready_client(clients, user, last_event_id=last, recent_event_ids=recent)
    assert [e["object_id"] for e in await client.events(1)] == [str(crate.pk)]


async def test_replay_beyond_the_window_answers_resync(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    client, ready = await ready_client(clients, user)
    await client.disconnect()
    old = [await crate_in(goa) for _ in range(2)]
    await crate_in(goa)

    def prune_the_old_ones() -> None:
        expired = timezone.now() - timedelta(days=django_settings.STRONGROOM_EVENT_REPLAY_DAYS + 1)
        Event.objects.filter(object_id__in=[str(c.pk) for c in old]).update(at=expired)
        assert prune_outbox() == 2

    await adb(prune_the_old_ones)
    again, _ = await ready_client(clients, user, last_event_id=ready["last_event_id"])
    assert await again.receive() == {"type": "resync"}
    assert await again.nothing(0.4)


async def test_too_many_missed_events_answer_resync(
    units: dict[str, Unit], clients: Clients, settings: Any
) -> None:
    settings.STRONGROOM_REALTIME_REPLAY_LIMIT = 2
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    start = await adb(lambda: Event.objects.order_by("-id").values_list("id", flat=True).first())
    start = start or 0
    for _ in range(3):
        await crate_in(goa)
    client, _ = await ready_client(clients, user, last_event_id=start)
    assert await client.receive() == {"type": "resync"}


# --- expiry, re-authentication and revocation ----------------------------------------------------


@pytest.mark.compliance("11.10(d)")
async def test_expiry_closes_4401_unless_reauthenticated(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"])
    # A JWT's exp is whole seconds: a 1-second token may have expired before it is first used.
    # Three leave at least two for the two authentications below, however loaded the machine.
    short, _ = await adb(access_token, user, timedelta(seconds=3))
    expiring = clients()
    assert await expiring.connect()
    assert (await expiring.auth(short))["type"] == "ready"

    renewed = clients()
    assert await renewed.connect()
    assert (await renewed.auth(short))["type"] == "ready"
    fresh, _ = await adb(access_token, user)
    await renewed.send({"type": "auth", "token": fresh})
    assert (await renewed.receive())["type"] == "reauthenticated"

    assert await expiring.closed_with(timeout=6) == 4401
    assert await renewed.nothing(0.5)
    await renewed.send({"type": "ping"})
    assert await renewed.receive() == {"type": "pong"}


async def test_reauth_with_another_users_token_closes_4401(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"])
    other = await adb(make_user, units["GOA1"])
    client, _ = await ready_client(clients, user)
    token, _ = await adb(access_token, other)
    await client.send({"type": "auth", "token": token})
    assert await client.closed_with() == 4401


@pytest.mark.compliance("11.10(d)", "11.300(c)")
async def test_revoking_a_session_closes_its_sockets_only(
    units: dict[str, Unit], clients: Clients
) -> None:
    user = await adb(make_user, units["GOA1"])
    first = clients()
    assert await first.connect()
    token, session_id = await adb(access_token, user)
    assert (await first.auth(token))["type"] == "ready"
    second, _ = await ready_client(clients, user)

    await adb(sessions_revoked.send, sender=None, user_id=user.pk, session_id=session_id)
    assert await first.closed_with() == 4401
    assert await second.nothing(0.3)

    await adb(sessions_revoked.send, sender=None, user_id=user.pk, session_id=None)
    assert await second.closed_with() == 4401


# --- the outbox poller (make dev: events written by the Celery worker) --------------------------


async def test_events_another_process_wrote_arrive_through_the_poller_once(
    units: dict[str, Unit], clients: Clients, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.STRONGROOM_REALTIME_POLL_SECONDS = 0.2
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    client, _ = await ready_client(clients, user)

    # As if committed by another process: the row exists, nobody published it here.
    monkeypatch.setattr(services, "event_publish", lambda event: None)
    crate = await crate_in(goa)
    event = await client.receive(timeout=2)
    assert event["object_id"] == str(crate.pk)
    monkeypatch.undo()

    # Published here and seen by the poller too: still one delivery.
    other = await crate_in(goa)
    assert (await client.receive())["object_id"] == str(other.pk)
    assert await client.nothing(0.7)


async def test_live_and_replayed_text_are_the_same(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa = units["GOA1"]
    user = await adb(make_user, goa)
    client, ready = await ready_client(clients, user)
    await crate_in(goa)
    live = await client.receive()
    await client.disconnect()
    again, _ = await ready_client(clients, user, last_event_id=ready["last_event_id"])
    assert await again.receive() == live
    assert set(live) == {
        "type",
        "id",
        "topic",
        "action",
        "object_id",
        "unit_id",
        "version",
        "data",
        "at",
    }
    assert json.dumps(live)  # plain JSON


# --- retention rules and event dates --------------------------------------------------------------


def _rule(code: str, unit: Unit | None) -> Any:
    from strongroom.records.tests.factories import retention_rule_create

    return retention_rule_create(code=code, unit=unit)


def _event_date(unit: Unit) -> Any:
    from strongroom.records.models import DocumentEvent, RetentionEvent
    from strongroom.records.tests.factories import DocumentFactory

    document = DocumentFactory(crate=make_crate(unit))
    event, _ = RetentionEvent.objects.get_or_create(code="BATCH_EXPIRY", name="Batch expiry")
    return DocumentEvent.objects.create(
        document=document, event=event, date="2027-03-31", recorded_by=make_user(unit)
    )


@pytest.mark.compliance("11.10(g)")
async def test_a_rule_without_a_unit_reaches_every_unit_and_a_units_rule_only_that_unit(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa, mum = units["GOA1"], units["MUM1"]
    mum_user = await adb(make_user, mum)
    goa_client, _ = await ready_client(clients, await adb(make_user, goa))
    mum_client, mum_ready = await ready_client(clients, mum_user)
    admin_client, _ = await ready_client(
        clients, await adb(make_user, role=roles.SYSTEM_ADMINISTRATOR)
    )
    unitless_client, _ = await ready_client(clients, await adb(make_user))  # a role, no unit

    everywhere = await adb(_rule, "BMR-ALL", None)
    seen = [await c.receive() for c in (goa_client, mum_client, admin_client, unitless_client)]
    assert {(e["topic"], e["object_id"], e["unit_id"]) for e in seen} == {
        ("rule", str(everywhere.pk), None)
    }
    assert len({e["id"] for e in seen}) == 1
    assert seen[0]["data"]["status"] == "DRAFT"

    goa_rule = await adb(_rule, "BMR-GOA", goa)
    event = await goa_client.receive()
    assert (event["topic"], event["object_id"], event["unit_id"]) == (
        "rule",
        str(goa_rule.pk),
        goa.pk,
    )
    assert (await admin_client.receive())["id"] == event["id"]
    assert await mum_client.nothing(0.4)
    assert await unitless_client.nothing(0.1)

    # Replayed the same way: MUM1 gets the rule of every unit back, never GOA1's.
    await mum_client.disconnect()
    again, _ = await ready_client(clients, mum_user, last_event_id=mum_ready["last_event_id"])
    assert (await again.receive())["object_id"] == str(everywhere.pk)
    assert await again.nothing(0.4)


async def test_an_event_date_reaches_its_documents_unit_only(
    units: dict[str, Unit], clients: Clients
) -> None:
    goa_client, _ = await ready_client(clients, await adb(make_user, units["GOA1"]))
    mum_client, _ = await ready_client(clients, await adb(make_user, units["MUM1"]))
    recorded = await adb(_event_date, units["GOA1"])
    while (event := await goa_client.receive())["topic"] != "event_date":
        pass  # the crate the document was filed in comes first
    assert (event["object_id"], event["unit_id"], event["data"]["date"]) == (
        str(recorded.pk),
        units["GOA1"].pk,
        "2027-03-31",
    )
    assert await mum_client.nothing(0.6)


def _review(unit: Unit, opener: User) -> Any:
    from strongroom.review.models import AuditReview

    now = timezone.now()
    return AuditReview.objects.create(
        unit=unit,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        opened_by=opener,
        opened_at=now,
        flags_computed_at=now,
    )


def _review_save(review: Any) -> None:
    review.version += 1
    review.save()


@pytest.mark.compliance("11.10(g)")
async def test_a_review_reaches_only_its_units_readers_of_the_audit_trail(
    units: dict[str, Unit], clients: Clients
) -> None:
    """An audit-trail review reaches only the users of its unit who may read the audit trail.

    Approver and Viewer get it; a Store Head of the same unit never does, live or replayed,
    until their role lets them."""
    goa = units["GOA1"]
    approver = await adb(make_user, goa, role=roles.APPROVER)
    store_head = await adb(make_user, goa, role=roles.STORE_HEAD)
    approver_client, _ = await ready_client(clients, approver)
    viewer_client, _ = await ready_client(clients, await adb(make_user, goa, role=roles.VIEWER))
    head_client, head_ready = await ready_client(clients, store_head)

    review = await adb(_review, goa, approver)
    event = await approver_client.receive()
    assert (event["topic"], event["object_id"], event["unit_id"]) == (
        "review",
        str(review.pk),
        goa.pk,
    )
    assert event["data"] == {"period": "2026-10", "status": "OPEN"}
    assert (await viewer_client.receive())["id"] == event["id"]
    assert await head_client.nothing(0.6)

    # Nor by replay, while a crate of the unit still reaches the Store Head.
    crate = await crate_in(goa)
    assert (await head_client.receive())["object_id"] == str(crate.pk)
    await head_client.disconnect()
    again, _ = await ready_client(clients, store_head, last_event_id=head_ready["last_event_id"])
    assert (await again.receive())["object_id"] == str(crate.pk)
    assert await again.nothing(0.4)

    # Given a role that reads the audit trail, the open socket re-scopes and hears the review.
    await adb(lambda: User.objects.filter(pk=store_head.pk).update(role=approver.role))
    await adb(access_changed.send, sender=None, user_id=store_head.pk)
    assert await again.receive() == {"type": "resync"}
    await adb(_review_save, review)
    assert (await again.receive())["object_id"] == str(review.pk)
