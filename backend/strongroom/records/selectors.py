"""Reads over crates, documents and attachments, scoped to the caller's units (outside them:
404). List selectors annotate what the list shows from related rows (codes, names, counts), so a
page of any size is one query. Annotations rather than ``select_related``: a document row joined
to five model instances spent more time building them than the database spent on the page
(scripts/bench_profile.py)."""

from typing import Any

from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from strongroom.accounts.models import Department, User
from strongroom.accounts.scope import scope_to_units
from strongroom.compliance.models import AuditEvent
from strongroom.records import codes
from strongroom.records.models import Attachment, Crate, Document
from strongroom.records.search import crate_search, document_search

HISTORY_LIMIT = 500


def _count(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _crate_display(crates: QuerySet[Crate]) -> QuerySet[Crate]:
    """What CrateSerializer shows besides the crate's own columns (``document_count`` is one:
    kept by crate_retention_refresh, not counted per row)."""
    return crates.annotate(
        unit_code=F("unit__code"),
        department_code=F("department__code"),
        location_code=F("location__full_code"),
    )


def _document_display(documents: QuerySet[Document]) -> QuerySet[Document]:
    """What DocumentInCrateSerializer shows besides the document's own columns."""
    return documents.annotate(
        doc_type_code=F("doc_type__code"),
        doc_type_name=F("doc_type__name"),
        department_code=F("department__code"),
        attachment_count=_count(Attachment.objects.filter(document_id=OuterRef("pk"))),
    )


def crate_list_for_user(*, user: User, search: str | None = None) -> QuerySet[Crate]:
    return crate_search(scope_to_units(_crate_display(Crate.objects.all()), user=user), search)


def crate_get_for_user(*, user: User, crate_id: int) -> Crate | None:
    documents = _document_display(Document.objects.all())
    crates = scope_to_units(
        _crate_display(Crate.objects.all())
        .select_related("last_location", "legal_hold_by", "created_by")
        .prefetch_related(Prefetch("documents", queryset=documents)),
        user=user,
    )
    return crates.filter(pk=crate_id).first()


def crate_history(crate: Crate) -> QuerySet[AuditEvent]:
    """Audit events of the crate and of its requests, newest first."""
    request_ids = [str(pk) for pk in crate.requests.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="crate", object_id=str(crate.pk))
        | Q(object_type="request", object_id__in=request_ids)
    ).order_by("-id")[:HISTORY_LIMIT]


def crate_known_prefixes() -> list[tuple[str, str]]:
    """Every (unit code, department code) pair, longest first, so that a code typed without
    separators splits at the right place. All units, not only the caller's: a crate keeps its
    code when it is transferred to another unit (scoping applies to the crate found)."""
    pairs = Department.objects.values_list("unit__code", "code")
    return sorted(pairs, key=lambda pair: (-len(pair[0] + pair[1]), pair))


def crate_lookup_for_user(*, user: User, code: str) -> Crate | None:
    """The crate a scanner read, or None. Raises :class:`codes.InvalidCrateCodeError` for text
    that is not a crate code or whose check digit is wrong."""
    canonical = codes.normalise(code, known_prefixes=crate_known_prefixes())
    crate_id = (
        scope_to_units(Crate.objects.filter(code=canonical), user=user)
        .values_list("pk", flat=True)
        .first()
    )
    return None if crate_id is None else crate_get_for_user(user=user, crate_id=crate_id)


def document_list_for_user(*, user: User, search: str | None = None) -> QuerySet[Document]:
    documents = _document_display(Document.objects.all()).annotate(
        crate_code=F("crate__code"),
        crate_status=F("crate__status"),
        location_code=F("crate__location__full_code"),
        unit_code=F("unit__code"),
    )
    # A document is seen through its crate's unit (a transfer moves the crate).
    return document_search(scope_to_units(documents, user=user, field="crate__unit"), search)


def document_get_for_user(*, user: User, document_id: int) -> Document | None:
    return document_list_for_user(user=user).filter(pk=document_id).first()


def attachment_list_for_user(*, user: User, document_id: int) -> QuerySet[Attachment]:
    attachments = Attachment.objects.select_related("uploaded_by").filter(document_id=document_id)
    return scope_to_units(attachments, user=user, field="document__crate__unit")


def attachment_get_for_user(*, user: User, attachment_id: int) -> Attachment | None:
    attachments = Attachment.objects.select_related("document", "document__crate")
    return (
        scope_to_units(attachments, user=user, field="document__crate__unit")
        .filter(pk=attachment_id)
        .first()
    )
