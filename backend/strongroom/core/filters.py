"""Filters shared by the apps' list endpoints."""

from typing import Any

import django_filters
import django_filters.fields
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The largest id any of the databases stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A filter on a row id (``?unit=3``): a whole number in the databases' integer range.

    A plain ``NumberFilter`` takes any decimal, and an id beyond the range reached the query and
    failed there (OverflowError on SQLite, a numeric error on PostgreSQL): a 500, or a CSV export
    broken off half-way. Out of range is now a 400 like any other invalid filter.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _BoundedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # Django's own check says "not a valid value"
            if abs(number) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    """``?units=1&units=2`` like django-filter's own, but an id beyond the integer range is a
    400 instead of reaching ``pk IN (…)`` (OverflowError on SQLite, a 500)."""

    field_class = _BoundedModelMultipleChoiceField


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, without building the filter form when the request names none of
    its filters. With no filter value every filter leaves the queryset as it is, so the answer is
    the same; building and validating the form for nothing cost about a millisecond of every
    list request. A filter set with a required filter always takes the full path (the 400 for
    the missing value is its answer)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        filters = filterset_class.base_filters
        required = any(f.extra.get("required") for f in filters.values())
        params = request.query_params
        if not required and not any(key.startswith(name) for key in params for name in filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
