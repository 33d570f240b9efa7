"""Crates, documents and attachments: lists with search, detail with history, the scanner
lookup, legal holds (signed), labels (PDF) and scans (upload, download)."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from strongroom.accounts.models import Department
from strongroom.accounts.permissions import ROLE_CHECKED, request_user
from strongroom.accounts.scope import not_found, require_unit
from strongroom.core.errors import ERROR_RESPONSES, ApplicationError
from strongroom.core.filters import MAX_ID
from strongroom.core.pagination import OldestFirstCursorPagination
from strongroom.records import codes, retention_history, selectors
from strongroom.records.filters import CrateFilter, DocumentFilter
from strongroom.records.labels import crate_labels_pdf
from strongroom.records.models import Attachment, Crate, Document, DocumentType
from strongroom.records.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CrateDetailSerializer,
    CrateSerializer,
    DocumentDetailSerializer,
    DocumentRetentionChangeSerializer,
    DocumentSerializer,
    DocumentTypeSerializer,
    HoldSerializer,
    LabelsRequestSerializer,
)
from strongroom.records.services.attachments import CONTENT_TYPES, attachment_create
from strongroom.records.services.holds import crate_hold_place, crate_hold_release
from strongroom.records.services.retention import (
    retention_rule_governing,
    retention_rules_approved,
)


class PaginatedAttachmentSerializer(serializers.Serializer):
    """A cursor page of attachments (the shape of every paginated list)."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AttachmentSerializer(many=True)


SEARCH_PARAMETER = OpenApiParameter(
    "search",
    OpenApiTypes.STR,
    description="Words or fragments of crate codes, descriptions, document numbers and titles",
)
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="A PDF document")


class PDFRenderer(BaseRenderer):
    """Lets ``Accept: application/pdf`` through content negotiation; the views return the
    bytes themselves."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        # Only error bodies reach a renderer (the views return the PDF bytes themselves).
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class AnyMediaRenderer(PDFRenderer):
    """A download answers whatever the client accepts (the file's own type is sent)."""

    media_type = "*/*"
    format = "file"


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class CrateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Crates are created and moved by requests; here they are read, held and labelled."""

    serializer_class = CrateSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_crate",
        "retrieve": "records.view_crate",
        "lookup": "records.view_crate",
        "hold": "records.place_legal_hold",
        "release_hold": "records.place_legal_hold",
        "label": "records.print_label",
        "labels": "records.print_label",
    }
    filterset_class = CrateFilter
    ordering_fields = ["id", "code", "created_at"]

    def get_queryset(self) -> QuerySet[Crate]:
        if getattr(self, "swagger_fake_view", False):
            return Crate.objects.none()
        return selectors.crate_list_for_user(
            user=request_user(self.request), search=self.request.query_params.get("search")
        )

    def _crate(self, pk: Any) -> Crate:
        try:
            crate_id = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        crate = selectors.crate_get_for_user(user=request_user(self.request), crate_id=crate_id)
        if crate is None:
            raise Http404
        return crate

    def _detail(self, crate: Crate) -> dict[str, Any]:
        history = list(selectors.crate_history(crate))
        return CrateDetailSerializer(crate, context={"history": history}).data

    @extend_schema(parameters=[SEARCH_PARAMETER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: CrateDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self._crate(kwargs.get("pk"))))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                required=True,
                description="As scanned or typed, with or without separators",
            )
        ],
        responses={200: CrateDetailSerializer, **ERROR_RESPONSES},
        summary="Find a crate by its code (scanner)",
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def lookup(self, request: Request) -> Response:
        try:
            crate = selectors.crate_lookup_for_user(
                user=request_user(request), code=request.query_params.get("code", "")
            )
        except codes.InvalidCrateCodeError as exc:
            raise ApplicationError(
                str(exc), code="invalid_crate_code", details={"code": [str(exc)]}
            ) from exc
        if crate is None:
            raise Http404
        return Response(self._detail(crate))

    def _hold(self, request: Request, pk: Any, *, place: bool) -> Response:
        crate = self._crate(pk)
        serializer = HoldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service = crate_hold_place if place else crate_hold_release
        service(
            http_request=request._request,
            actor=request_user(request),
            crate=crate,
            version=data["version"],
            reason=data["reason"],
            password=data["signature"]["password"],
            username=data["signature"].get("username", ""),
            reauthentication=data["signature"].get("reauthentication", ""),
        )
        return Response(self._detail(self._crate(pk)))

    @extend_schema(
        request=HoldSerializer,
        responses={200: CrateDetailSerializer, **ERROR_RESPONSES},
        summary="Place a legal hold (signed; reason required)",
    )
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, pk: str | None = None) -> Response:
        return self._hold(request, pk, place=True)

    @extend_schema(
        request=HoldSerializer,
        responses={200: CrateDetailSerializer, **ERROR_RESPONSES},
        summary="Release a legal hold (signed; reason required)",
    )
    @action(detail=True, methods=["post"], url_path="release-hold")
    def release_hold(self, request: Request, pk: str | None = None) -> Response:
        return self._hold(request, pk, place=False)

    @extend_schema(
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="The crate's label (PDF, one label on a label-sized page)",
        operation_id="crates_label_pdf",
    )
    def label(self, request: Request, pk: str | None = None) -> HttpResponse:
        crate = self._crate(pk)
        return pdf_response(crate_labels_pdf([crate], layout="single"), f"{crate.code}.pdf")

    @extend_schema(
        request=LabelsRequestSerializer,
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES},
        summary="Labels for several crates (PDF: an A4 sheet of 2 x 7, or one per page)",
    )
    @action(detail=False, methods=["post"], renderer_classes=[JSONRenderer, PDFRenderer])
    def labels(self, request: Request) -> HttpResponse:
        serializer = LabelsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids: list[int] = list(dict.fromkeys(serializer.validated_data["crates"]))
        crates = selectors.crate_list_for_user(user=request_user(request)).filter(pk__in=ids)
        # The label prints the unit, the department's name and the shelf.
        found = {c.pk: c for c in crates.select_related("unit", "department", "location")}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ApplicationError(
                "Some crates do not exist or are outside your units.",
                code="crates_not_found",
                status_code=status.HTTP_404_NOT_FOUND,
                details={"crates": [f"Not found: {', '.join(map(str, missing))}."]},
            )
        content = crate_labels_pdf(
            [found[pk] for pk in ids], layout=serializer.validated_data["layout"]
        )
        return pdf_response(content, "crate-labels.pdf")


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_document",
        "retrieve": "records.view_document",
        "attachments": "records.view_attachment",
    }
    filterset_class = DocumentFilter
    ordering_fields = ["id", "number", "prepared_on"]

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return selectors.document_list_for_user(
            user=request_user(self.request), search=self.request.query_params.get("search")
        )

    def check_permissions(self, request: Request) -> None:
        # Reading and adding attachments share a URL but not a permission.
        if self.action == "attachments" and request.method == "POST":
            self.required_permissions = {
                **self.required_permissions,
                "attachments": "records.add_attachment",
            }
        super().check_permissions(request)

    @extend_schema(parameters=[SEARCH_PARAMETER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: DocumentDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        data = dict(self.get_serializer(document).data)
        data["retention_history"] = DocumentRetentionChangeSerializer(
            retention_history.document_retention_history(document_id=document.pk), many=True
        ).data
        return Response(data)

    def _document(self, pk: Any) -> Document:
        try:
            document_id = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        document = selectors.document_get_for_user(
            user=request_user(self.request), document_id=document_id
        )
        if document is None:
            raise Http404
        return document

    @extend_schema(
        methods=["get"],
        responses={200: PaginatedAttachmentSerializer, **ERROR_RESPONSES},
        summary="The document's scans",
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERROR_RESPONSES},
        summary="Attach a scan (PDF, PNG, JPEG or TIFF; content must match the extension)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            return self._attachment_page(request, pk)
        document = self._document(pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError(
                "Send the scan as the multipart field 'file'.",
                code="file_required",
                details={"file": ["Required."]},
            )
        attachment = attachment_create(
            actor=request_user(request), document=document, upload=upload
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def _attachment_page(self, request: Request, pk: Any) -> Response:
        """Oldest first, cursor-paginated. The page query is scoped to the caller's units
        itself; only an empty page costs a second query to tell "none" from "not yours"."""
        try:
            document_id = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        user = request_user(request)
        attachments = selectors.attachment_list_for_user(user=user, document_id=document_id)
        paginator = OldestFirstCursorPagination()
        page = paginator.paginate_queryset(attachments, request, view=self)
        if not page and selectors.document_get_for_user(user=user, document_id=document_id) is None:
            raise Http404
        return paginator.get_paginated_response(AttachmentSerializer(page, many=True).data)


class AttachmentDownloadView(APIView):
    """The only way to an uploaded file: the caller's role and units are checked here.

    With ``STRONGROOM_ATTACHMENT_X_ACCEL`` (production) the answer carries no body but an
    ``X-Accel-Redirect`` to nginx's internal location for the media volume, and nginx sends the
    file with this response's Content-Type, Content-Disposition and Cache-Control; otherwise
    (development, tests) Django streams the file itself. nginx has no public route to the media
    volume (nginx/conf.d/strongroom.conf).
    """

    permission_classes = ROLE_CHECKED
    required_permissions = {"get": "records.view_attachment"}
    renderer_classes = [JSONRenderer, AnyMediaRenderer]

    @extend_schema(
        responses={
            # The scan's own type (every type CONTENT_TYPES allows).
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in CONTENT_TYPES.values()
            },
            **ERROR_RESPONSES,
        },
        summary="Download a scan (streamed, as an attachment)",
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        attachment: Attachment | None = selectors.attachment_get_for_user(
            user=request_user(request), attachment_id=pk
        )
        if attachment is None:
            raise Http404
        filename = attachment.original_name or f"attachment{attachment.extension}"
        response: HttpResponseBase
        if settings.STRONGROOM_ATTACHMENT_X_ACCEL:
            response = HttpResponse(content_type=attachment.content_type)
            response["Content-Disposition"] = (
                content_disposition_header(as_attachment=True, filename=filename) or "attachment"
            )
            # The stored name is attachments/<sha[:2]>/<sha256><ext> (never the client's name).
            response["X-Accel-Redirect"] = settings.STRONGROOM_ATTACHMENT_X_ACCEL_PREFIX + quote(
                attachment.file.name
            )
        else:
            response = FileResponse(
                attachment.file.open("rb"),
                as_attachment=True,
                filename=filename,
                content_type=attachment.content_type,
            )
        # Never rendered as a page of this site, never cached. (On the X-Accel path nginx sends
        # its own nosniff and sandbox CSP: of this answer it keeps Content-Type,
        # Content-Disposition and Cache-Control.)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class DocumentTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The master list of document types (for forms and CSV imports)."""

    serializer_class = DocumentTypeSerializer
    pagination_class = None
    permission_classes = ROLE_CHECKED
    required_permissions = {
        "list": "records.view_documenttype",
        "retrieve": "records.view_documenttype",
    }
    queryset = DocumentType.objects.filter(is_active=True).order_by("name")

    def get_serializer_context(self) -> dict[str, Any]:
        """``?department=<id>`` (a department of the caller's units, else 404): each type says
        which approved retention rule governs a document filed there (records services
        ``retention_rule_governing``, the rule filing applies)."""
        context = super().get_serializer_context()
        department_id = self.request.query_params.get("department")
        if department_id is None or self.action != "list":
            return context
        if not department_id.isdigit() or int(department_id) > MAX_ID:
            raise ApplicationError(
                "Not a department id.",
                code="invalid",
                details={"department": ["A whole number."]},
            )
        department = Department.objects.filter(pk=int(department_id)).first()
        if department is None:
            raise not_found()
        require_unit(user=request_user(self.request), unit_id=department.unit_id)
        types = list(self.get_queryset().values_list("pk", flat=True))
        rules = retention_rules_approved(doc_type_ids=types)
        context["governing_rules"] = {
            pk: retention_rule_governing(
                rules, doc_type_id=pk, unit_id=department.unit_id, department_id=department.pk
            )
            for pk in types
        }
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "department",
                int,
                description="Say which approved retention rule governs each type there.",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
