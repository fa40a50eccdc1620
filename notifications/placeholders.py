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
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "order_confirmation": ORDER_PLACEHOLDERS,
    "order_review": ORDER_PLACEHOLDERS,
    "shipping_notice": ORDER_PLACEHOLDERS + SHIPMENT_PLACEHOLDERS,
    "late_notice": ORDER_PLACEHOLDERS + SHIPMENT_PLACEHOLDERS,
    "late_notice_internal": ORDER_PLACEHOLDERS
    + SHIPMENT_PLACEHOLDERS
    + ("sales_owner_name", "customer_email"),
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
