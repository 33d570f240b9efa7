"""Building blocks of the LDAP / Active Directory settings (base.py reads the environment; the
tests build the same settings for their own directory server)."""

from typing import Any

import ldap
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPGroupType,
    NestedActiveDirectoryGroupType,
    NestedGroupOfNamesType,
    PosixGroupType,
)

GROUP_TYPES: dict[str, type[LDAPGroupType]] = {
    "groupOfNames": GroupOfNamesType,
    "groupOfUniqueNames": GroupOfUniqueNamesType,
    "nestedGroupOfNames": NestedGroupOfNamesType,
    "posixGroup": PosixGroupType,
    "activeDirectory": ActiveDirectoryGroupType,
    "nestedActiveDirectory": NestedActiveDirectoryGroupType,
}


def group_type(name: str) -> LDAPGroupType:
    """The group schema by name (STRONGROOM_LDAP_GROUP_TYPE)."""
    try:
        return GROUP_TYPES[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"STRONGROOM_LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}; not {name!r}."
        ) from None


def connection_options(*, timeout: float, ca_file: str = "") -> dict[Any, Any]:
    """Options of every connection: network and operation timeouts, no referral chasing (Active
    Directory's referrals would be followed anonymously), the server certificate always
    verified, against ``ca_file`` when given (a new TLS context is made last, so they apply)."""
    options: dict[Any, Any] = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
    }
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    options[ldap.OPT_X_TLS_NEWCTX] = 0
    return options
