"""Users, units, departments and roles over HTTP: who may do what, and unit scope."""

import pytest

from strongroom.accounts import roles
from strongroom.accounts.models import User
from strongroom.accounts.tests.factories import DepartmentFactory, UserFactory
from strongroom.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(roles_synced: None, units):  # type: ignore[no-untyped-def]
    goa, mum = units
    return {
        "sysadmin": UserFactory(username="sysadmin", role_name=roles.SYSTEM_ADMINISTRATOR),
        "goa_admin": UserFactory(
            username="goa1-unitadmin", role_name=roles.UNIT_ADMIN, units=[goa]
        ),
        "goa_manager": UserFactory(
            username="goa1-manager", role_name=roles.DOCUMENT_MANAGER, units=[goa]
        ),
        "mum_manager": UserFactory(
            username="mum1-manager", role_name=roles.DOCUMENT_MANAGER, units=[mum]
        ),
        "goa_viewer": UserFactory(username="goa1-viewer", role_name=roles.VIEWER, units=[goa]),
    }


@pytest.mark.compliance("11.10(g)")
def test_a_unit_admin_sees_only_users_of_their_units(people, api_client_for) -> None:  # type: ignore[no-untyped-def]
    client = api_client_for(people["goa_admin"])
    listed = {u["username"] for u in client.get("/api/v1/users/").json()["results"]}
    assert listed == {"goa1-unitadmin", "goa1-manager", "goa1-viewer"}
    assert client.get(f"/api/v1/users/{people['mum_manager'].pk}/").status_code == 404
    assert client.get(f"/api/v1/users/{people['sysadmin'].pk}/").status_code == 404
    every = api_client_for(people["sysadmin"]).get("/api/v1/users/").json()["results"]
    assert len(every) == 5


@pytest.mark.compliance("11.300(b)", "A11-12.3")
def test_create_returns_a_one_time_password_and_forces_a_change(
    people, units, api_client_for
) -> None:  # type: ignore[no-untyped-def]
    response = api_client_for(people["goa_admin"]).post(
        "/api/v1/users/",
        {
            "username": "goa1-newbie",
            "full_name": "New Person",
            "email": "n@example.com",
            "role": roles.APPROVER,
            "units": [units[0].pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    created = User.objects.get(username="goa1-newbie")
    assert created.check_password(body["one_time_password"])
    assert created.must_change_password
    assert body["user"]["role"] == roles.APPROVER
    event = AuditEvent.objects.get(action="user.create", object_id=str(created.pk))
    assert body["one_time_password"] not in str(event.changes)


@pytest.mark.parametrize("role", [roles.SYSTEM_ADMINISTRATOR])
@pytest.mark.compliance("11.10(g)")
def test_a_unit_admin_cannot_grant_a_role_above_their_own(
    people, units, api_client_for, role
) -> None:  # type: ignore[no-untyped-def]
    client = api_client_for(people["goa_admin"])
    response = client.post(
        "/api/v1/users/",
        {"username": "goa1-boss", "full_name": "Boss", "role": role, "units": [units[0].pk]},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_not_grantable"
    promote = client.patch(f"/api/v1/users/{people['goa_manager'].pk}/", {"role": role})
    assert promote.status_code == 403
    assert not User.objects.filter(username="goa1-boss").exists()


@pytest.mark.compliance("11.10(g)")
def test_a_unit_admin_cannot_assign_other_units(people, units, api_client_for) -> None:  # type: ignore[no-untyped-def]
    response = api_client_for(people["goa_admin"]).patch(
        f"/api/v1/users/{people['goa_manager'].pk}/", {"units": [units[1].pk]}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unit_not_allowed"
    assert "units" in response.json()["error"]["details"]


@pytest.mark.compliance("11.10(g)", "11.100(a)")
def test_flags_and_username_are_not_writable(people, api_client_for) -> None:  # type: ignore[no-untyped-def]
    target = people["goa_manager"]
    response = api_client_for(people["sysadmin"]).patch(
        f"/api/v1/users/{target.pk}/",
        {
            "username": "renamed",
            "is_superuser": True,
            "is_staff": True,
            "is_active": False,
            "full_name": "Renamed Person",
        },
    )
    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert target.username == "goa1-manager"
    assert not target.is_superuser
    assert not target.is_staff
    assert target.is_active
    assert target.full_name == "Renamed Person"


@pytest.mark.compliance("11.10(c)", "11.100(a)", "11.300(a)")
def test_users_are_never_deleted_and_usernames_never_reused(people, units, api_client_for) -> None:  # type: ignore[no-untyped-def]
    client = api_client_for(people["sysadmin"])
    assert client.delete(f"/api/v1/users/{people['goa_viewer'].pk}/").status_code == 405
    client.post(f"/api/v1/users/{people['goa_viewer'].pk}/deactivate/", {"reason": "Left"})
    again = client.post(
        "/api/v1/users/",
        {
            "username": "GOA1-VIEWER",
            "full_name": "Someone",
            "role": roles.VIEWER,
            "units": [units[0].pk],
        },
    )
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "username_taken"


@pytest.mark.compliance("11.10(e)", "A11-9", "A11-12.3", "A11-12.4")
def test_role_changes_are_audited_with_old_and_new_values(people, api_client_for) -> None:  # type: ignore[no-untyped-def]
    target = people["goa_viewer"]
    api_client_for(people["goa_admin"]).patch(
        f"/api/v1/users/{target.pk}/", {"role": roles.APPROVER, "reason": "Promotion"}
    )
    event = AuditEvent.objects.get(action="user.access_change", object_id=str(target.pk))
    assert event.changes["role"] == [roles.VIEWER, roles.APPROVER]
    assert event.actor == people["goa_admin"]
    assert event.reason == "Promotion"


@pytest.mark.compliance("11.10(g)")
def test_departments_are_scoped_and_managed_within_units(people, units, api_client_for) -> None:  # type: ignore[no-untyped-def]
    goa, mum = units
    DepartmentFactory(unit=goa, code="QA")
    DepartmentFactory(unit=mum, code="QA")
    admin = api_client_for(people["goa_admin"])
    assert [d["unit_code"] for d in admin.get("/api/v1/departments/").json()["results"]] == ["GOA1"]
    created = admin.post("/api/v1/departments/", {"unit": goa.pk, "code": "QC", "name": "QC"})
    assert created.status_code == 201, created.content
    refused = admin.post("/api/v1/departments/", {"unit": mum.pk, "code": "QC", "name": "QC"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "unit_not_allowed"
    assert list(refused.json()["error"]["details"]) == ["unit"]
    assert AuditEvent.objects.filter(action="department.create").count() == 1


def test_unit_and_department_codes_are_upper_cased_or_refused_per_field(
    people, units, api_client_for
) -> None:  # type: ignore[no-untyped-def]
    client = api_client_for(people["sysadmin"])
    created = client.post("/api/v1/units/", {"code": " pun1 ", "name": "Pune Plant 1"})
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "PUN1"
    for bad in ("P", "PUNE-1", "TOOLONGCODE1"):
        refused = client.post("/api/v1/units/", {"code": bad, "name": "x"})
        assert refused.status_code == 400, refused.content
        error = refused.json()["error"]
        assert error["code"] == "validation_error"
        assert "code" in error["details"]
    taken = client.post("/api/v1/units/", {"code": "goa1", "name": "x"})
    assert taken.status_code == 400
    assert taken.json()["error"]["details"]["code"] == ["A unit with this code already exists."]
    renamed = client.patch(f"/api/v1/units/{units[0].pk}/", {"code": "goa1", "name": "Goa"})
    assert renamed.status_code == 200, renamed.content

    department = client.post(
        "/api/v1/departments/", {"unit": units[0].pk, "code": "qa", "name": "Quality"}
    )
    assert department.status_code == 201, department.content
    assert department.json()["code"] == "QA"
    refused = client.post("/api/v1/departments/", {"unit": units[0].pk, "code": "Q A", "name": "x"})
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["code"] == ["1 to 10 letters or digits."]
    twice = client.post("/api/v1/departments/", {"unit": units[0].pk, "code": "qa", "name": "x"})
    assert twice.status_code == 400
    assert "non_field_errors" in twice.json()["error"]["details"]
