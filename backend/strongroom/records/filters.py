import django_filters

from strongroom.core.filters import IdFilter
from strongroom.records.models import Crate, Document


class CrateFilter(django_filters.FilterSet):
    # Plain numbers, not model choices: validating a choice would cost a query per filter.
    unit = IdFilter(field_name="unit_id")
    department = IdFilter(field_name="department_id")
    location = IdFilter(field_name="location_id")
    status = django_filters.MultipleChoiceFilter(choices=Crate.Status.choices)
    legal_hold = django_filters.BooleanFilter()
    retain_permanently = django_filters.BooleanFilter()
    destroy_after_from = django_filters.DateFilter(field_name="destroy_after", lookup_expr="gte")
    destroy_after_to = django_filters.DateFilter(field_name="destroy_after", lookup_expr="lte")

    class Meta:
        model = Crate
        fields = [
            "unit",
            "department",
            "location",
            "status",
            "legal_hold",
            "retain_permanently",
            "destroy_after_from",
            "destroy_after_to",
        ]


class DocumentFilter(django_filters.FilterSet):
    crate = IdFilter(field_name="crate_id")
    unit = IdFilter(field_name="crate__unit_id")
    department = IdFilter(field_name="department_id")
    doc_type = django_filters.CharFilter(field_name="doc_type__code")
    status = django_filters.ChoiceFilter(choices=Document.Status.choices)
    retention_until_from = django_filters.DateFilter(
        field_name="retention_until", lookup_expr="gte"
    )
    retention_until_to = django_filters.DateFilter(field_name="retention_until", lookup_expr="lte")
    retention_basis = django_filters.ChoiceFilter(choices=Document.RetentionBasis.choices)
    retention_rule = IdFilter(field_name="retention_rule_id")

    class Meta:
        model = Document
        fields = [
            "crate",
            "unit",
            "department",
            "doc_type",
            "status",
            "retention_until_from",
            "retention_until_to",
            "retention_basis",
            "retention_rule",
        ]
