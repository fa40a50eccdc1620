"""The invoicing API of API.md: invoices (read, PDF) and credit notes."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from invoicing import selectors
from invoicing.api import serializers as s
from invoicing.errors import InvoicingErrorCode
from invoicing.models import Invoice
from o2c import pipeline
from o2c.api import ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.documents import pdf_response
from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import parse_id_or_code
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
