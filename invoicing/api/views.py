"""The invoicing API of API.md: invoices (read, PDF) and credit notes."""

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from invoicing import selectors
from invoicing.api import serializers as s
from invoicing.errors import InvoicingErrorCode
from invoicing.models import CreditNote, Invoice
from o2c import pipeline
from o2c.api import ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.documents import pdf_response
from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import content_disposition, parse_id_or_code
from o2c.roles import FINANCE, SALES, WAREHOUSE
from receivables.selectors import open_disputed_subquery


def _invoices():
    """Invoices as the API shows them: with the amount in open disputes."""
    return (
        selectors.invoice_list()
        .annotate(disputed=open_disputed_subquery())
        .prefetch_related(*selectors.INVOICE_RELATED_PREFETCH)
    )


CanRead = role_permission(SALES, WAREHOUSE, FINANCE)
CanCredit = role_permission(FINANCE)


class InvoiceFilter(FilterSet):
    number = django_filters.CharFilter(lookup_expr="iexact")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Invoice
        fields = ["customer", "order", "status", "number"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(days_overdue__gt=0) if value else queryset.filter(days_overdue=0)


class InvoiceListView(ListAPIView):
    permission_classes = [CanRead]
    serializer_class = s.InvoiceOut
    filterset_class = InvoiceFilter
    ordering_fields = ["id", "number", "issue_date", "due_date", "total", "balance"]
    ordering = ["-id"]

    def get_queryset(self):
        return _invoices()


class InvoiceDetailView(RetrieveAPIView):
    permission_classes = [CanRead]
    serializer_class = s.InvoiceOut

    def get_queryset(self):
        return _invoices()


class InvoicePdfView(RetrieveAPIView):
    permission_classes = [CanRead]
    serializer_class = s.InvoiceOut

    def get_queryset(self):
        return selectors.invoice_list()  # the document only: no dispute figures or related ids

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        from invoicing.documents import invoice_pdf_render

        invoice = self.get_object()
        # The stored document once delivery has rendered it; until then, rendered now (not stored:
        # storing is the delivery's job, so a GET changes nothing).
        content = invoice.pdf.read() if invoice.pdf else invoice_pdf_render(invoice=invoice)
        return pdf_response(content, filename=f"{invoice.number}.pdf")


_XML_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["ubl", "cii"],
    description="`ubl` (default): Peppol BIS Billing 3.0 UBL (an Invoice, a CreditNote for a credit "
    "note); `cii`: the Factur-X EN 16931 CII XML that the PDF carries",
)
_XML_RESPONSES = {
    (200, "application/xml"): OpenApiTypes.BINARY,
    400: OpenApiResponse(description='a format other than ubl or cii: `{"format": ["…"]}`'),
}


class _XmlView(RetrieveAPIView):
    """The document as an e-invoice XML (API.md, decision 0058). `format` names the XML syntax
    here, not one of DRF's renderers: content negotiation ignores it."""

    permission_classes = [CanRead]

    def perform_content_negotiation(self, request, force=False):
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def _answer(self, request, *, render, number: str):
        from invoicing.einvoice import einvoice_xml

        syntax = request.query_params.get("format", "ubl") or "ubl"
        if syntax not in ("ubl", "cii"):
            raise DomainError(
                "format is ubl (Peppol BIS Billing 3.0) or cii (Factur-X EN 16931)",
                field="format",
                code=KernelErrorCode.INVALID_CHOICE,
            )
        document = self.get_object()
        content = einvoice_xml(document=render(document), syntax=syntax)
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = content_disposition(f"{number(document)}-{syntax}.xml", inline=True)
        return response


class InvoiceXmlView(_XmlView):
    serializer_class = s.InvoiceOut

    def get_queryset(self):
        return Invoice.objects.select_related("customer", "order")

    @extend_schema(
        summary="The invoice as an e-invoice XML", parameters=[_XML_FORMAT], responses=_XML_RESPONSES
    )
    def get(self, request, pk: int):
        from invoicing.einvoice.model import invoice_edocument

        return self._answer(
            request,
            render=lambda invoice: invoice_edocument(invoice=invoice),
            number=lambda invoice: invoice.number,
        )


class CreditNoteXmlView(_XmlView):
    serializer_class = s.CreditNoteOut

    def get_queryset(self):
        return CreditNote.objects.select_related("customer", "invoice")

    @extend_schema(
        summary="The credit note as an e-invoice XML", parameters=[_XML_FORMAT], responses=_XML_RESPONSES
    )
    def get(self, request, pk: int):
        from invoicing.einvoice.model import credit_note_edocument

        return self._answer(
            request,
            render=lambda note: credit_note_edocument(credit_note=note),
            number=lambda note: note.number,
        )


class CreditNoteListView(ListAPIView):
    serializer_class = s.CreditNoteOut
    ordering = ["-id"]
    filterset_fields = ["invoice", "customer"]

    def get_permissions(self):
        return [CanCredit()] if self.request.method == "POST" else [CanRead()]

    def get_queryset(self):
        return selectors.credit_note_list()

    @extend_schema(request=s.CreditNoteIn, responses={201: s.CreditNoteOut})
    def post(self, request):
        from invoicing.services import CreditLineInput

        body = s.CreditNoteIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        reference = data["invoice"].strip()
        if reference.upper().startswith("CN-"):
            raise DomainError(
                f"{reference} is a credit note; only invoices can be credited",
                field="invoice",
                code=InvoicingErrorCode.NOT_AN_INVOICE,
            )
        invoice_id = parse_id_or_code(reference, field="invoice")
        lookup = {"pk": invoice_id} if isinstance(invoice_id, int) else {"number__iexact": invoice_id}
        invoice = selectors.invoice_list().filter(**lookup).first()
        if invoice is None:
            raise DomainError(
                f"invoice {reference} does not exist", field="invoice", code=KernelErrorCode.DOES_NOT_EXIST
            )
        note = pipeline.credit_note_issue(
            invoice_id=invoice.pk,
            reason=data["reason"],
            lines=[
                CreditLineInput(
                    line["invoice_line"], quantity=line.get("quantity"), amount=line.get("amount")
                )
                for line in data.get("lines", [])
            ]
            or None,
            amount=data.get("amount"),
            dispute_id=data.get("dispute"),
            confirm_unrelated=data["confirm_unrelated"],
            by=request.user,
        )
        return Response(
            s.CreditNoteOut(selectors.credit_note_list().get(pk=note.pk)).data, status=status.HTTP_201_CREATED
        )


class CreditNoteDetailView(RetrieveAPIView):
    permission_classes = [CanRead]
    serializer_class = s.CreditNoteOut

    def get_queryset(self):
        return selectors.credit_note_list()
