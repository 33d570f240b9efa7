"""Service tokens: how a LIMS or an ERP calls the integration endpoints.

A token is created by a System Administrator (``service_token_create``: the secret is returned
once and only its SHA-256 is kept), acts within its units and scopes, and ends when revoked or
expired. :class:`ServiceTokenAuthentication` reads ``Authorization: Bearer srv_…`` and is
declared by the integration views alone; the default (JWT) authentication of every other view
does not know these tokens, so they open nothing else. :class:`HasServiceScope` checks a view's
``required_scope``.
"""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from strongroom.accounts.models import ServiceToken, Unit, User
from strongroom.compliance.audit import audit_event_record
from strongroom.core.errors import ApplicationError, ConflictError

PREFIX = "srv_"
SCOPE_DOCUMENT_EVENTS_WRITE = "document_events:write"
SCOPES = {SCOPE_DOCUMENT_EVENTS_WRITE: "Record documents' retention event dates"}


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def service_token_create(
    *,
    actor: User,
    name: str,
    units: list[Unit],
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ServiceToken, str]:
    """A new token and its secret (shown this once; only the digest is stored)."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "A name is required.", code="invalid", details={"name": ["Required."]}
        )
    if ServiceToken.objects.filter(name=name).exists():
        raise ApplicationError(
            "A token has this name.", code="name_taken", details={"name": ["Already used."]}
        )
    unknown = sorted(set(scopes) - SCOPES.keys())
    if unknown or not scopes:
        raise ApplicationError(
            "Unknown scope." if unknown else "At least one scope.",
            code="invalid_scope",
            details={"scopes": [f"Unknown: {', '.join(unknown)}." if unknown else "Required."]},
        )
    if not units:
        raise ApplicationError(
            "At least one unit.", code="invalid", details={"units": ["Required."]}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(
            "The expiry is in the past.",
            code="invalid",
            details={"expires_at": ["Must be in the future."]},
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ServiceToken.objects.create(
        name=name,
        scopes=sorted(set(scopes)),
        sha256=secret_digest(secret),
        prefix=secret[:10],
        created_by=actor,
        expires_at=expires_at,
    )
    token.units.set(units)
    audit_event_record(
        action="service_token.create",
        actor=actor,
        object_type="service_token",
        object_id=token.pk,
        changes={
            "name": [None, token.name],
            "units": [None, sorted(u.code for u in units)],
            "scopes": [None, token.scopes],
            "expires_at": [None, expires_at],
            "prefix": [None, token.prefix],
        },
    )
    return token, secret


@transaction.atomic
def service_token_revoke(*, actor: User, token: ServiceToken, reason: str) -> ServiceToken:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "A reason is required.", code="reason_required", details={"reason": ["Required."]}
        )
    token = ServiceToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ConflictError("The token is already revoked.", code="token_revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(
        action="service_token.revoke",
        actor=actor,
        object_type="service_token",
        object_id=token.pk,
        changes={"revoked_at": [None, token.revoked_at]},
        reason=reason,
    )
    return token


class ServiceTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer srv_…``: the token, if it is known, not revoked and not expired
    (else 401). ``request.user`` stays anonymous: the token is ``request.auth``."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ServiceToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed service token.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed service token.") from exc
        if not secret.startswith(PREFIX):
            raise exceptions.AuthenticationFailed("Not a service token.")
        token = (
            ServiceToken.objects.filter(sha256=secret_digest(secret))
            .prefetch_related("units")
            .first()
        )
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Unknown or revoked service token.")
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed("The service token has expired.")
        ServiceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="integrations"'


class HasServiceScope(BasePermission):
    """The request carries a service token holding the view's ``required_scope``."""

    message = "The service token does not have the scope this endpoint needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ServiceToken):
            raise exceptions.NotAuthenticated("A service token is required.")
        return getattr(view, "required_scope", None) in (token.scopes or [])


def service_token_unit_ids(token: ServiceToken) -> frozenset[int]:
    return frozenset(unit.pk for unit in token.units.all())
