"""Serializer helpers shared by the apps."""

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.settings import api_settings

# (output name, attribute to read or None for DRF's own path, conversion, field)
_Step = tuple[str, str | None, Callable[[Any], Any], Field]


def _identity(value: Any) -> Any:
    return value


# DRF's ``to_representation`` for a model serializer, planned once per serializer instance.
#
# For every field of every row, DRF's generic ``Field.get_attribute`` walks the dotted source,
# looks for dicts and callables and handles missing attributes; on a list page of 50 rows and
# 20-odd fields that walk cost as much as the database. Here, on the first row, each field
# whose source is a value the row holds itself (a column or an annotation in the instance's
# ``__dict__``) is planned as one ``getattr``; a primary-key relation reads its foreign-key
# column (what DRF's own pk-only optimisation returns). Values still go through each field's
# own ``to_representation`` (a date-time field with the request's time zone looked up once).
# Every other field — method fields, dotted sources, nested
# serializers, properties — takes DRF's path, so the output is DRF's (pinned by
# core/tests/test_serializers.py against the plain implementation). A comment, not a docstring:
# drf-spectacular would publish it as every using serializer's description.
class FastRepresentationMixin:
    _fast_plan: list[_Step] | None = None

    def get_fields(self) -> dict[str, Field]:
        # ModelSerializer works its fields out from the model on every instance (a list page
        # builds them once per request). Worked out once per class here, and deep-copied per
        # instance, as DRF does with declared fields.
        cls = type(self)
        template: dict[str, Field] | None = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()  # type: ignore[misc]
            cls._fields_template = template  # type: ignore[attr-defined]
        return copy.deepcopy(template)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = self._fast_plan
        if plan is None:
            plan = self._fast_plan = self._plan_for(instance)
        ret: dict[str, Any] = {}
        for name, attname, convert, field in plan:
            if attname is not None:
                value = getattr(instance, attname)
                ret[name] = None if value is None else convert(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret

    def _plan_for(self, instance: Any) -> list[_Step]:
        held = instance.__dict__ if isinstance(instance, models.Model) else {}
        fields = self._readable_fields  # type: ignore[attr-defined]
        return [_step(field, instance, held) for field in fields]


def _step(field: Field, instance: Any, held: dict[str, Any]) -> _Step:
    name = field.field_name
    source = field.source_attrs
    assert name is not None
    if len(source) != 1 or not isinstance(instance, models.Model):
        return name, None, _identity, field
    attr = source[0]
    if isinstance(field, PrimaryKeyRelatedField):
        if field.pk_field is not None:
            return name, None, _identity, field
        try:
            model_field = instance._meta.get_field(attr)
        except FieldDoesNotExist:  # not a model field (a property): DRF's path
            return name, None, _identity, field
        attname = getattr(model_field, "attname", None)
        if isinstance(model_field, models.ForeignKey) and attname in held:
            return name, attname, _identity, field
        return name, None, _identity, field
    if isinstance(field, serializers.BaseSerializer | serializers.SerializerMethodField):
        return name, None, _identity, field
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        # What enforce_timezone would look up for every value (the request's current time
        # zone, through asgiref's context-local storage): once per serializer instead.
        field.timezone = field.default_timezone()  # type: ignore[assignment]
    if attr in held and not callable(held[attr]):
        return name, attr, _conversion(field), field
    return name, None, _identity, field


def _conversion(field: Field) -> Callable[[Any], Any]:
    if isinstance(field, serializers.DateTimeField):
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        zone = getattr(field, "timezone", None)
        if (
            isinstance(output_format, str)
            and output_format.lower() == ISO_8601
            and (zone is UTC or getattr(zone, "key", None) == "UTC")
        ):
            return _utc_iso_8601(field.to_representation)
    return field.to_representation


def _utc_iso_8601(drf: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """DRF's ISO 8601 text of a date-time, for a field whose time zone is UTC. A value already
    in UTC (what the database driver hands back) is rendered from its own fields: DRF's
    ``astimezone`` into UTC would not change them. Anything else goes to DRF."""

    def convert(value: Any) -> Any:
        if value.__class__ is datetime and value.tzinfo is UTC:
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return drf(value)

    return convert
