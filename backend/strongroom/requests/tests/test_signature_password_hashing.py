"""Signatures with production password hashing (Argon2id, config/settings/base.py): the password
typed with a signature is checked against an Argon2id hash, an older PBKDF2 hash is verified and
rewritten with Argon2id by the signature that proves it, and wrong passwords are refused, audited
and counted towards the lockout exactly as before (21 CFR 11.200(a), 11.300(d))."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password

from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import TEST_PASSWORD
from strongroom.accounts.tests.test_password_hashing import (
    assert_owasp_argon2id,
    older_hash,
    production_hashing,
)
from strongroom.compliance.models import AuditEvent, Signature
from strongroom.requests.models import Request
from strongroom.requests.tests.conftest import Plant, act, withdrawal

pytestmark = pytest.mark.django_db


def _password(user: User) -> str:
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


@pytest.mark.compliance("11.200(a)", "11.300(d)")
def test_a_signature_verifies_against_argon2id_and_upgrades_an_older_hash(
    plant: Plant, api_client_for: Any
) -> None:
    body = withdrawal(plant)  # signed by the manager, hashed as the rest of the suite
    User.objects.filter(pk=plant.approver.pk).update(
        password=older_hash("pbkdf2_sha256", TEST_PASSWORD)
    )
    old = _password(plant.approver)
    client = api_client_for(plant.approver)
    with production_hashing:
        wrong = act(client, body, "approve", password="not-my-password")
        assert wrong.status_code == 403, wrong.content
        assert wrong.json()["error"]["code"] == "signature_invalid"
        assert _password(plant.approver) == old  # a wrong password upgrades nothing
        assert AccessAttempt.objects.get(username=plant.approver.username).failures_since_start == 1

        approved = act(client, body, "approve")
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "APPROVED"
        upgraded = _password(plant.approver)
        assert_owasp_argon2id(upgraded)

        # The next signature checks the Argon2id hash, which stays as it is.
        wrong_again = act(client, approved.json(), "send-back", password="not-my-password",
                          reason="Wrong crate")  # fmt: skip
        assert wrong_again.status_code == 403
        assert wrong_again.json()["error"]["code"] == "signature_invalid"
        # Counted as before: a signature is no sign-in, so the success between left the count.
        assert AccessAttempt.objects.get(username=plant.approver.username).failures_since_start == 2
        sent_back = act(client, approved.json(), "send-back", reason="Wrong crate")
        assert sent_back.status_code == 200, sent_back.content
        assert sent_back.json()["status"] == "SENT_BACK"
        assert _password(plant.approver) == upgraded

    assert AuditEvent.objects.filter(action="signature.failed", actor=plant.approver).count() == 2
    assert list(
        Signature.objects.filter(signer=plant.approver)
        .order_by("pk")
        .values_list("meaning", flat=True)
    ) == ["APPROVED", "SENT_BACK"]
    assert Request.objects.get(pk=body["id"]).status == "SENT_BACK"


@pytest.mark.compliance("11.300(d)")
def test_five_wrong_signature_passwords_lock_an_argon2id_account(
    plant: Plant, api_client_for: Any
) -> None:
    body = withdrawal(plant)
    client = api_client_for(plant.approver)
    with production_hashing:
        User.objects.filter(pk=plant.approver.pk).update(password=make_password(TEST_PASSWORD))
        for _ in range(4):
            assert act(client, body, "approve", password="not-my-password").status_code == 403
        fifth = act(client, body, "approve", password="not-my-password")
        assert fifth.json()["error"]["code"] == "account_locked"
        locked = act(client, body, "approve")  # the right password too, now
        assert locked.status_code == 403
        assert locked.json()["error"]["code"] == "account_locked"
    assert Request.objects.get(pk=body["id"]).status == "SUBMITTED"
