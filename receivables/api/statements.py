"""Statement and portal-link API (API.md, master data):

- `GET /customers/{id}/statement/?from=&to=`: opening balance, movements, closing balance and
  aging; `?format=pdf` answers the PDF. Finance and sales (and managers) read it.
- `POST /customers/{id}/portal-link/`: a new signed portal link, `{"url", "id", "expires_at"}`;
  finance and managers. `days` (optional) overrides the validity of O2C_PORTAL_LINK_DAYS.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from customers.selectors import customer_get
from o2c.api import APIView, role_permission
from o2c.api_fields import DateField
from o2c.parsing import content_disposition
from o2c.roles import FINANCE, SALES
from receivables.portal_links import MAX_DAYS, portal_link_create
from receivables.statements import statement_get, statement_pdf_render, statement_period_clean

_MONEY = {"max_digits": 18, "decimal_places": 2}


class PDFRenderer(renderers.BaseRenderer):
    """`?format=pdf`: the view hands over the PDF's bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class StatementPeriodIn(serializers.Serializer):
    # `from` is a Python keyword: the fields are named in __init__
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = DateField(required=False, allow_null=True)
        self.fields["to"] = DateField(required=False, allow_null=True)


class StatementAllocationOut(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    number = serializers.CharField()
    amount = serializers.DecimalField(**_MONEY)


class StatementMovementOut(serializers.Serializer):
    date = serializers.DateField(source="entry_date")
    kind = serializers.CharField()
    document = serializers.CharField()
    description = serializers.CharField()
    invoice = serializers.IntegerField(source="invoice_id", allow_null=True)
    payment = serializers.IntegerField(source="payment_id", allow_null=True)
    credit_note = serializers.IntegerField(source="credit_note_id", allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    debit = serializers.DecimalField(**_MONEY)
    credit = serializers.DecimalField(**_MONEY)
    amount = serializers.DecimalField(**_MONEY, help_text="signed: + the customer owes more, − less")
    balance = serializers.DecimalField(**_MONEY, help_text="running balance after this movement")
    allocations = StatementAllocationOut(many=True, help_text="for a payment: the invoices it was applied to")


class StatementAgingOut(serializers.Serializer):
    as_of = serializers.DateField()
    current = serializers.DecimalField(**_MONEY)
    days_1_30 = serializers.DecimalField(**_MONEY)
    days_31_60 = serializers.DecimalField(**_MONEY)
    days_61_90 = serializers.DecimalField(**_MONEY)
    days_over_90 = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(**_MONEY, help_text="in open disputes, outside the buckets")
    unapplied = serializers.DecimalField(**_MONEY, help_text="unapplied cash, to the customer's credit")
    total = serializers.DecimalField(**_MONEY, help_text="buckets + disputed − unapplied = closing balance")


class StatementOpenInvoiceOut(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    number = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    days_overdue = serializers.IntegerField(source="days_past_due")
    total = serializers.DecimalField(**_MONEY)
    balance = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(**_MONEY)


class StatementCustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# `from` is a Python keyword: the serializer is built with type() so that the period's fields
# carry the names of the query parameters (fields keep the order they are created in).
StatementOut = type(
    "StatementOut",
    (serializers.Serializer,),
    {
        "__doc__": "A customer's statement of account for a period.",
        "customer": StatementCustomerOut(),
        "from": serializers.DateField(source="period_from"),
        "to": serializers.DateField(source="period_to"),
        "currency": serializers.CharField(),
        "opening_balance": serializers.DecimalField(**_MONEY, help_text="the rows dated before `from`"),
        "movements": StatementMovementOut(many=True),
        "total_debit": serializers.DecimalField(**_MONEY),
        "total_credit": serializers.DecimalField(**_MONEY),
        "closing_balance": serializers.DecimalField(**_MONEY, help_text="opening + movements"),
        "aging": StatementAgingOut(),
        "open_invoices": StatementOpenInvoiceOut(many=True, source="open_items"),
    },
)


class PortalLinkIn(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)


class PortalLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


def _customer(pk: int) -> Customer:
    try:
        return customer_get(customer_id=pk)
    except Customer.DoesNotExist:
        raise Http404("no such customer") from None


class CustomerStatementView(APIView):
    """A customer's statement of account: opening balance, movements (invoices, credit notes,
    payments, refunds, reversals, write-offs) with the running balance, closing balance, aging
    and open invoices as of `to`. `?format=pdf` answers the PDF the customer would receive."""

    permission_classes = [role_permission(FINANCE, SALES)]
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first day (default: 1 January of `to`'s year)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)"),
            OpenApiParameter("format", str, enum=["json", "pdf"], description="`pdf` for the PDF"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(StatementOut, description="the statement"),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="the statement's PDF"),
        },
    )
    def get(self, request, pk: int):
        customer = _customer(pk)
        period = StatementPeriodIn(
            data={name: request.query_params.get(name) or None for name in ("from", "to")}
        )
        period.is_valid(raise_exception=True)
        period_from, period_to = statement_period_clean(
            period_from=period.validated_data.get("from"), period_to=period.validated_data.get("to")
        )
        statement = statement_get(customer=customer, period_from=period_from, period_to=period_to)
        if request.accepted_renderer.format == "pdf":
            filename = f"statement-{customer.code}-{period_to.isoformat()}.pdf"
            return Response(
                statement_pdf_render(statement=statement),
                headers={"Content-Disposition": content_disposition(filename, inline=True)},
            )
        return Response(StatementOut(statement).data)

    def finalize_response(self, request, response, *args, **kwargs):
        # an error asked for as PDF is still told in JSON
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format == "pdf":
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class CustomerPortalLinkView(APIView):
    """A new signed customer portal link (valid O2C_PORTAL_LINK_DAYS days, or `days`): the
    customer's open invoices, their PDFs, its statement and how to pay, read-only."""

    permission_classes = [role_permission(FINANCE)]

    @extend_schema(request=PortalLinkIn, responses={201: PortalLinkOut})
    def post(self, request, pk: int):
        customer = _customer(pk)
        body = PortalLinkIn(data=request.data or {})
        body.is_valid(raise_exception=True)
        issued = portal_link_create(
            customer_id=customer.pk, days=body.validated_data.get("days"), by=request.user
        )
        url = request.build_absolute_uri(reverse("portal:overview", args=[issued.token]))
        return Response(
            PortalLinkOut({"id": issued.link.pk, "url": url, "expires_at": issued.link.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )


urlpatterns = [
    path("customers/<int:pk>/statement/", CustomerStatementView.as_view(), name="api-customer-statement"),
    path(
        "customers/<int:pk>/portal-link/", CustomerPortalLinkView.as_view(), name="api-customer-portal-link"
    ),
]
