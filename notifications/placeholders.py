"""The `{placeholders}` of the notification templates: which each kind offers, how a template
is checked when saved, and how it is rendered.

Rendering is `str.format_map` over a fixed dict of strings, so a template can only name the
values offered here: no attribute or index access (`{order.customer}`, `{x[0]}`), no
conversion (`{x!r}`) and no format spec (`{x:>10}`); literal braces are written `{{` and `}}`.
A template breaking a rule is refused when saved, naming the field and the placeholder
(`template_errors`), so sending never meets one (and if a row were changed behind the
application's back, the built-in default is sent instead: notifications/delivery.py).
"""

from __future__ import annotations

from string import Formatter
from urllib.parse import urlsplit

# Offered by every kind.
ORDER_PLACEHOLDERS = (
    "company_name",
    "customer_name",
    "customer_code",
    "order_number",
    "order_date",
    "order_total",
    "customer_reference",
    "requested_delivery_date",
)
SHIPMENT_PLACEHOLDERS = (
    "shipment_number",
    "carrier",
    "tracking_number",
    "tracking_url",
    "estimated_delivery",
    "shipped_date",
)
# Receivables e-mails: `{invoices}` lists each invoice with its figures and its pay-now link, so a
# template must keep it (REQUIRED): a reminder without the link to pay is what issue 16 removes.
RECEIVABLES_PLACEHOLDERS = (
    "company_name",
    "customer_name",
    "customer_code",
    "invoices",
    "amount_due",
    "payment_reference",
    "bank_details",
)
DUNNING_PLACEHOLDERS = (*RECEIVABLES_PLACEHOLDERS, "level_name", "reminder_date", "pay_by")
STATEMENT_PLACEHOLDERS = (*RECEIVABLES_PLACEHOLDERS, "statement_date", "balance", "collector_name")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "order_confirmation": ORDER_PLACEHOLDERS,
    "order_review": ORDER_PLACEHOLDERS,
    "shipping_notice": ORDER_PLACEHOLDERS + SHIPMENT_PLACEHOLDERS,
    "late_notice": ORDER_PLACEHOLDERS + SHIPMENT_PLACEHOLDERS,
    "late_notice_internal": ORDER_PLACEHOLDERS
    + SHIPMENT_PLACEHOLDERS
    + ("sales_owner_name", "customer_email"),
    "dunning_friendly": DUNNING_PLACEHOLDERS,
    "dunning_firm": DUNNING_PLACEHOLDERS,
    "dunning_final": DUNNING_PLACEHOLDERS,
    "statement": STATEMENT_PLACEHOLDERS,
}
# Placeholders a kind's body must name.
REQUIRED: dict[str, tuple[str, ...]] = {
    "dunning_friendly": ("invoices",),
    "dunning_firm": ("invoices",),
    "dunning_final": ("invoices",),
    "statement": ("invoices",),
}


def _text_errors(text: str, allowed: tuple[str, ...]) -> str | None:
    """What is wrong with the placeholders of `text`, or None."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return "a brace is not closed: write a placeholder as {name}, a literal brace as {{ or }}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            shown = "{" + name + "}" if name else "{}"
            return f"unknown placeholder {shown}; this e-mail offers " + ", ".join(
                "{" + each + "}" for each in allowed
            )
        if spec or conversion:
            return f"write the placeholder as {{{name}}}, without ':' or '!' after its name"
    return None


def template_errors(*, kind: str, subject: str, body: str) -> dict[str, str]:
    """`{field: message}` for the subject and body of a template of `kind`; empty when valid."""
    allowed = PLACEHOLDERS.get(kind)
    if allowed is None:
        return {"kind": f"unknown kind {kind}"}
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        if not (text or "").strip():
            errors[field] = "this field may not be blank"
        elif (error := _text_errors(text, allowed)) is not None:
            errors[field] = error
    if "body" not in errors:
        named = {name for _, name, _, _ in Formatter().parse(body or "") if name}
        missing = [name for name in REQUIRED.get(kind, ()) if name not in named]
        if missing:
            errors["body"] = (
                "this e-mail must name "
                + ", ".join("{" + name + "}" for name in missing)
                + (": it lists the invoices with their pay-now links")
            )
    if "\n" in subject or "\r" in subject:
        errors["subject"] = "a subject is one line"
    return errors


def template_render(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders filled from `values` (a template checked by `template_errors`)."""
    return text.format_map(values)


def tracking_url_errors(*, url_template: str) -> str | None:
    """What is wrong with a carrier's tracking URL template, or None: an http(s) URL naming
    `{tracking_number}` and no other placeholder."""
    if urlsplit(url_template).scheme not in ("http", "https"):
        return "a tracking URL starts with https:// (or http://)"
    error = _text_errors(url_template, ("tracking_number",))
    if error is not None:
        return error
    if "{tracking_number}" not in url_template:
        return "a tracking URL names {tracking_number}, where the shipment's tracking number goes"
    return None
