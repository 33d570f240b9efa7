"""Every role against every endpoint: the allowed set must be exactly the matrix of PRODUCT.md.

"Allowed" means the call succeeded (2xx: each call carries valid data for a fresh object), not
merely that it got past the permission check; "refused" means exactly 403. Each role acts inside
its own unit (GOA1), so unit scoping does not interfere; scoping has its own tests.
"""

from collections.abc import Callable
from typing import Any

import pytest

from strongroom.accounts import roles
from strongroom.accounts.tests.factories import DepartmentFactory, UserFactory
from strongroom.core.testing import Endpoint, permission_mismatches

SA, UA, DM, AP, SH, VW = (
    roles.SYSTEM_ADMINISTRATOR,
    roles.UNIT_ADMIN,
    roles.DOCUMENT_MANAGER,
    roles.APPROVER,
    roles.STORE_HEAD,
    roles.VIEWER,
)
EVERYONE = frozenset(roles.ROLES)


ENDPOINTS = [
    Endpoint("get", "/api/v1/auth/me/", EVERYONE),
    Endpoint("get", "/api/v1/roles/", EVERYONE),
    Endpoint("get", "/api/v1/units/", EVERYONE),
    Endpoint("get", "/api/v1/units/{unit}/", EVERYONE),
    Endpoint("post", "/api/v1/units/", frozenset({SA}), {"code": "NEW1", "name": "New"}),
    Endpoint("patch", "/api/v1/units/{unit}/", frozenset({SA}), {"name": "Renamed"}),
    Endpoint("get", "/api/v1/departments/", EVERYONE),
    Endpoint(
        "post",
        "/api/v1/departments/",
        frozenset({SA, UA}),
        {"unit": "{unit}", "code": "ENG", "name": "Engineering"},
    ),
    Endpoint("patch", "/api/v1/departments/{department}/", frozenset({SA, UA}), {"name": "QA2"}),
    Endpoint("get", "/api/v1/users/", frozenset({SA, UA})),
    Endpoint("get", "/api/v1/users/{target}/", frozenset({SA, UA})),
    Endpoint(
        "post",
        "/api/v1/users/",
        frozenset({SA, UA}),
        {"username": "{new_username}", "full_name": "X", "role": VW, "units": ["{unit}"]},
    ),
    Endpoint("patch", "/api/v1/users/{target}/", frozenset({SA, UA}), {"full_name": "Y"}),
    Endpoint("post", "/api/v1/users/{target}/deactivate/", frozenset({SA, UA}), {"reason": "r"}),
    Endpoint("post", "/api/v1/users/{target}/activate/", frozenset({SA, UA}), {"reason": "r"}),
    Endpoint(
        "post", "/api/v1/users/{target}/reset-password/", frozenset({SA, UA}), {"reason": "r"}
    ),
    Endpoint("post", "/api/v1/users/{target}/unlock/", frozenset({SA, UA}), {"reason": "r"}),
    Endpoint("get", "/api/v1/audit-events/", frozenset({SA, UA, AP, VW})),
    Endpoint("post", "/api/v1/audit-events/verify/", frozenset({SA})),
    Endpoint("get", "/api/v1/notifications/", EVERYONE),
    Endpoint("get", "/api/v1/document-types/", EVERYONE),
    Endpoint("post", "/api/v1/notifications/mark-read/", EVERYONE, {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.compliance("11.10(g)", "A11-12.1")
def test_every_role_against_every_endpoint(
    role: str, roles_synced: None, units: Any, api_client_for: Callable[..., Any]
) -> None:
    goa = units[0]
    department = DepartmentFactory(unit=goa, code="QA").pk
    caller = UserFactory(role_name=role, units=[] if role == SA else [goa])

    def ids() -> dict[str, Any]:
        target = UserFactory(role_name=VW, units=[goa])
        return {
            "unit": goa.pk,
            "department": department,
            "target": target.pk,
            "new_username": f"goa1-new-{target.pk}",
        }

    mismatches = permission_mismatches(api_client_for(caller), ENDPOINTS, role, ids)
    assert mismatches == [], f"{role}: {mismatches}"
