"""Statement and portal-link API (API.md, master data):

- `GET /customers/{id}/statement/?from=&to=`: opening balance, movements, closing balance and
  aging; `?format=pdf` answers the PDF. Finance and sales (and managers) read it.
- `POST /customers/{id}/portal-link/`: a new signed portal link, `{"url", "id", "expires_at"}`;
  finance and managers. `days` (optional) overrides the validity of O2C_PORTAL_LINK_DAYS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.response import Response

from customers.selectors import customer_get
from o2c.api import APIView, role_permission
from o2c.parsing import content_disposition
from o2c.roles import FINANCE, SALES
from receivables.portal.services import portal_link_create
from receivables.statements.api.serializers import (
    PortalLinkIn,
    PortalLinkOut,
    StatementOut,
    StatementPeriodIn,
)
from receivables.statements.documents import statement_pdf_render
from receivables.statements.selectors import statement_get, statement_period_clean

if TYPE_CHECKING:
    from customers.models import Customer


class PDFRenderer(renderers.BaseRenderer):
    """`?format=pdf`: the view hands over the PDF's bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _customer(pk: int) -> Customer:
    try:
        return customer_get(customer_id=pk)
    except ObjectDoesNotExist:
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
