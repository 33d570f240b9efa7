"""Secrets kept at rest sealed (encrypted and authenticated), for the few values Strongroom must
read back, such as an identity provider's refresh token.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with a key derived per purpose from
``SECRET_KEY`` by HKDF-SHA256; ``SECRET_KEY_FALLBACKS`` still open what older keys sealed, so
rotating the key keeps sealed values readable until they are sealed again.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealBroken(Exception):  # noqa: N818 (a verdict)
    """The sealed value was not made with any current key for this purpose, or was altered."""


def _fernet(secret: str, purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"strongroom:{purpose}".encode()
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(purpose: str) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(str(secret), purpose) for secret in secrets if secret])


def seal(value: str, *, purpose: str) -> str:
    """``value`` encrypted and authenticated for ``purpose`` (text, safe to store)."""
    return _keys(purpose).encrypt(value.encode()).decode("ascii")


def unseal(sealed: str, *, purpose: str) -> str:
    """What :func:`seal` sealed for the same purpose; :class:`SealBroken` otherwise."""
    try:
        return _keys(purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SealBroken(purpose) from exc
