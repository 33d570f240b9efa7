import django_filters

from strongroom.compliance.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lte")
    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    actor_username = django_filters.CharFilter(field_name="actor_username")

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_username", "action", "object_type", "object_id", "unit"]
