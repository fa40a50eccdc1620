"""Fragments of collections that the customer page (master data, which imports no stage) includes:
`{% customer_risk customer %}` (the stored score with its factors) and `{% customer_timeline
customer %}` (activities and the documents' events, paginated by `?timeline=`). Decision 0067."""

from __future__ import annotations

from typing import Any

from django import template

from receivables.collections.selectors import risk_score_stored
from receivables.collections.timeline import timeline_page

register = template.Library()


@register.inclusion_tag("receivables/collections/_customer_risk.html")
def customer_risk(customer: Any) -> dict[str, Any]:
    return {"risk": risk_score_stored(customer_id=customer.pk), "customer": customer}


@register.inclusion_tag("receivables/collections/_customer_timeline.html", takes_context=True)
def customer_timeline(context: template.Context, customer: Any) -> dict[str, Any]:
    request = context["request"]
    query = request.GET.copy()
    query.pop("timeline", None)
    return {
        "page": timeline_page(customer_id=customer.pk, page=request.GET.get("timeline")),
        "customer": customer,
        "query": query.urlencode(),
    }
