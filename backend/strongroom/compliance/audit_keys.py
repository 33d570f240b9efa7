"""The Ed25519 key that signs the audit chain's checkpoints, kept outside the database.

The private key comes from the settings (a PEM file, or the PEM itself from the environment);
the public key, and its fingerprint (``key_id``: SHA-256 of the 32 raw public-key bytes, in
hex), is published in the API and the admin so that anybody holding it can check a checkpoint.
Earlier public keys stay accepted after a rotation when listed in
``STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES``.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from strongroom.core.errors import ApplicationError


@dataclass(frozen=True)
class AuditPublicKey:
    key_id: str
    pem: str
    key: Ed25519PublicKey


def public_key_describe(key: Ed25519PublicKey) -> AuditPublicKey:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return AuditPublicKey(key_id=hashlib.sha256(raw).hexdigest(), pem=pem, key=key)


def public_key_parse(pem: bytes | str) -> AuditPublicKey:
    """A public key from PEM; a private key's PEM gives its public half."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise ApplicationError(
                "Not a PEM-encoded Ed25519 key.", code="audit_key_invalid"
            ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ApplicationError("The audit key must be an Ed25519 key.", code="audit_key_invalid")
    return public_key_describe(key)


def _private_key_parse(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ApplicationError(
            f"The audit signing key in {source} is not an unencrypted PEM private key.",
            code="audit_signing_key_invalid",
            status_code=503,
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ApplicationError(
            f"The audit signing key in {source} is not an Ed25519 key.",
            code="audit_signing_key_invalid",
            status_code=503,
        )
    return key


def signing_key_load() -> Ed25519PrivateKey:
    """The configured private key. Raises ApplicationError when none is configured or readable."""
    pem: str = settings.STRONGROOM_AUDIT_SIGNING_KEY_PEM
    if pem:
        return _private_key_parse(pem.encode(), "STRONGROOM_AUDIT_SIGNING_KEY")
    path = Path(settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ApplicationError(
            f"No audit signing key at {path}: run `manage.py initial_setup` to create one, or "
            "set STRONGROOM_AUDIT_SIGNING_KEY_FILE.",
            code="audit_signing_key_missing",
            status_code=503,
        ) from exc
    except OSError as exc:
        raise ApplicationError(
            f"The audit signing key at {path} cannot be read ({exc.strerror}).",
            code="audit_signing_key_missing",
            status_code=503,
        ) from exc
    return _private_key_parse(data, str(path))


def signing_public_key() -> AuditPublicKey:
    return public_key_describe(signing_key_load().public_key())


def accepted_public_keys() -> dict[str, AuditPublicKey]:
    """Every public key whose checkpoints verify, by key id: the signing key's own, and the
    earlier keys listed in the settings (rotation). Without a signing key, the listed ones."""
    keys: dict[str, AuditPublicKey] = {}
    for path in settings.STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES:
        try:
            described = public_key_parse(Path(path).read_bytes())
        except OSError as exc:
            raise ApplicationError(
                f"The trusted audit public key {path} cannot be read ({exc.strerror}).",
                code="audit_key_invalid",
            ) from exc
        keys[described.key_id] = described
    try:
        current = signing_public_key()
    except ApplicationError:
        if not keys:
            raise
    else:
        keys[current.key_id] = current
    return keys


def signing_key_ensure() -> tuple[bool, AuditPublicKey]:
    """Create the key file (mode 0600) unless a key is configured already; return whether it was
    created, and the public key. Never overwrites a file."""
    if settings.STRONGROOM_AUDIT_SIGNING_KEY_PEM:
        return False, signing_public_key()
    path = Path(settings.STRONGROOM_AUDIT_SIGNING_KEY_FILE)
    if path.exists():
        return False, signing_public_key()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: two processes starting at once never overwrite each other's key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True, public_key_describe(key.public_key())
