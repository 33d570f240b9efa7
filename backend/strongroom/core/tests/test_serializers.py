"""FastRepresentationMixin gives exactly DRF's output, on the demo data's real rows and on the
kinds of field it must leave to DRF."""

import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from strongroom.accounts.models import User
from strongroom.core.serializers import FastRepresentationMixin, _conversion
from strongroom.records import selectors as records
from strongroom.records.models import Document
from strongroom.records.serializers import (
    CrateDetailSerializer,
    CrateSerializer,
    DocumentInCrateSerializer,
    DocumentSerializer,
)
from strongroom.requests.selectors import request_list_for_user
from strongroom.requests.serializers import RequestListSerializer

pytestmark = pytest.mark.django_db


def drf(serializer_class: type[serializers.Serializer], rows: list[Any], **kw: Any) -> list[Any]:
    """The plain DRF rendering: Serializer.to_representation, past the mixin."""
    plain = serializer_class(**kw)
    return [serializers.Serializer.to_representation(plain, row) for row in rows]


@pytest.fixture
def admin(roles_synced: None, settings: Any) -> User:
    settings.STRONGROOM_DEMO_PASSWORD = "Serializer-Test-Pass-2026"
    call_command("initial_setup", "--demo", stdout=io.StringIO())
    return User.objects.get(username="sysadmin")


def test_list_serializers_render_exactly_what_drf_renders(admin: User) -> None:
    cases: list[tuple[Any, list[Any], dict[str, Any]]] = [
        (RequestListSerializer, list(request_list_for_user(user=admin)), {"user": admin}),
        (CrateSerializer, list(records.crate_list_for_user(user=admin)), {}),
        (DocumentSerializer, list(records.document_list_for_user(user=admin)), {}),
    ]
    for serializer_class, rows, context in cases:
        assert len(rows) >= 5, serializer_class
        fast = serializer_class(rows, many=True, context=context).data
        expected = drf(serializer_class, rows, context=context)
        assert [dict(row) for row in fast] == expected, serializer_class
    # The demo data has the nulls the plan must pass through as None.
    crates = cases[1][1]
    assert any(c.location_id is None for c in crates)
    assert any(c.location_id is not None for c in crates)


def test_a_detail_with_nested_and_method_fields_renders_what_drf_renders(admin: User) -> None:
    crate_ids = Document.objects.values_list("crate_id", flat=True).distinct()[:5]
    for crate_id in crate_ids:
        crate = records.crate_get_for_user(user=admin, crate_id=crate_id)
        assert crate is not None
        fast = CrateDetailSerializer(crate, context={"history": []}).data
        plain = CrateDetailSerializer(context={"history": []})
        expected = serializers.Serializer.to_representation(plain, crate)
        expected["document_count"] = len(expected["documents"])  # as its to_representation
        assert dict(fast) == expected
        assert fast["documents"], "a crate with documents"


class _Synthetic(FastRepresentationMixin, serializers.ModelSerializer):
    """Kinds of field the plan must leave to DRF."""

    crate_code = serializers.CharField(source="crate.code")  # dotted source
    status_display = serializers.CharField(source="get_status_display")  # a method
    crate = serializers.PrimaryKeyRelatedField(read_only=True)  # pk-only, from crate_id
    unit = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.CharField())
    upper_title = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "crate", "crate_code", "status_display", "unit", "upper_title"]

    def get_upper_title(self, document: Document) -> str:
        return document.title.upper()


def test_fields_the_plan_does_not_read_directly_still_render_like_drf(admin: User) -> None:
    rows = list(Document.objects.select_related("crate").order_by("id")[:10])
    fast = _Synthetic(rows, many=True).data
    assert [dict(row) for row in fast] == drf(_Synthetic, rows)
    assert fast[0]["unit"] == str(rows[0].unit_id)
    assert fast[0]["crate"] == rows[0].crate_id
    with CaptureQueriesContext(connection) as queries:
        _Synthetic(rows, many=True).data  # noqa: B018 (rendering is the point)
    assert queries.captured_queries == []  # the pk-only relation read the column


def test_a_date_time_in_utc_renders_as_drf_renders_it() -> None:
    field = serializers.DateTimeField()
    field.timezone = field.default_timezone()  # as the plan sets it
    convert = _conversion(field)
    assert convert != field.to_representation  # the time zone is UTC: the short path
    values = [
        dt.datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC),  # no microseconds
        dt.datetime(1999, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")),
        dt.datetime(2026, 6, 1, 23, 59, 59, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
    ]
    for value in values:
        assert convert(value) == field.to_representation(value), value
    assert convert(values[0]) == "2026-12-07T09:30:15.123456Z"


def test_in_another_time_zone_the_lists_still_render_what_drf_renders(
    admin: User, settings: Any
) -> None:
    settings.TIME_ZONE = "Asia/Kolkata"
    field = serializers.DateTimeField()
    field.timezone = field.default_timezone()
    assert _conversion(field) == field.to_representation  # DRF's own path
    rows = list(records.crate_list_for_user(user=admin))
    fast = [dict(row) for row in CrateSerializer(rows, many=True).data]
    assert fast == drf(CrateSerializer, rows)
    assert "+05:30" in fast[0]["created_at"]


def test_fields_are_worked_out_once_per_class_and_never_shared() -> None:
    """Each class keeps its own template (a subclass adds fields), and every instance gets its
    own copies: a field bound to one response is never another's."""
    for serializer_class in (CrateSerializer, DocumentInCrateSerializer, DocumentSerializer):
        first, second = serializer_class(), serializer_class()
        plain = serializers.ModelSerializer.get_fields(serializer_class())
        assert list(first.fields) == list(plain)
        assert [type(f) for f in first.fields.values()] == [type(f) for f in plain.values()]
        for name, field in first.fields.items():
            assert field is not second.fields[name]
            assert field.parent is first
            assert repr(field) == repr(plain[name])
    assert "crate_code" in DocumentSerializer().fields
    assert "crate_code" not in DocumentInCrateSerializer().fields
