"""Secrets sealed at rest (strongroom.core.sealed): authenticated encryption per purpose, key
rotation through SECRET_KEY_FALLBACKS, and the columns that use it hold no clear text."""

from typing import Any

import pytest
from django.db import connection

from strongroom.accounts.models import TwoFactorDevice
from strongroom.accounts.tests.factories import UserFactory
from strongroom.core.sealed import SealBroken, seal, unseal


def test_a_sealed_value_opens_for_its_purpose_only_and_not_once_altered() -> None:
    sealed = seal("JBSWY3DPEHPK3PXP", purpose="totp-secret")

    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert unseal(sealed, purpose="totp-secret") == "JBSWY3DPEHPK3PXP"
    assert seal("JBSWY3DPEHPK3PXP", purpose="totp-secret") != sealed  # randomised
    with pytest.raises(SealBroken):
        unseal(sealed, purpose="oidc-refresh-token")
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealBroken):
        unseal(altered, purpose="totp-secret")


def test_a_rotated_key_still_opens_what_the_old_one_sealed_through_the_fallbacks(
    settings: Any,
) -> None:
    sealed = seal("refresh-token", purpose="oidc-refresh-token")
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SealBroken):
        unseal(sealed, purpose="oidc-refresh-token")

    settings.SECRET_KEY_FALLBACKS = [old]

    assert unseal(sealed, purpose="oidc-refresh-token") == "refresh-token"


@pytest.mark.django_db
@pytest.mark.compliance("11.300(c)")
def test_an_authenticator_secret_is_stored_sealed(roles_synced: None) -> None:
    device = TwoFactorDevice.objects.create(
        user=UserFactory(), secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]

    assert "JBSWY3DPEHPK3PXP" not in stored
    assert unseal(stored, purpose="totp-secret") == device.secret
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
