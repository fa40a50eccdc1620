"""Order entry and order list forms.

The entry page posts a header (customer, warehouse, dates, references) and any number of line
rows as parallel lists (`line_key`, `line_product`, `line_quantity`, …). `line_rows` reads them
leniently so the live preview can show what is typed; `OrderEntryForm.line_inputs` turns them
into `LineInput`s for the services, which keep the last word on what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms

from o2c.errors import DomainError, KernelErrorCode
from o2c.forms import DateField, IdField
from o2c.money import ZERO, LineAmounts, line_amounts, round_money
from o2c.parsing import MAX_AMOUNT, MAX_QUANTITY, parse_decimal, parse_optional_id
from o2c.tables import FilterForm
from orders.models import SalesOrder
from orders.services import LineInput, line_price
from pricing.selectors import PriceBreaks, PriceSource

ONE = Decimal(1)

# err.field of a DomainError → the entry form field it is shown next to
ERROR_FIELDS = {
    "customer": "customer",
    "currency": "customer",
    "warehouse": "warehouse",
    "requested_delivery_date": "requested_delivery_date",
    "customer_reference": "customer_reference",
    "ship_to": "ship_to",
}


@dataclass(frozen=True)
class LineRow:
    """One line row as typed; `key` stays with the row across re-renders."""

    key: int
    product_id: int | None = None
    product_query: str = ""
    quantity: str = ""
    unit_price: str = ""
    discount_percent: str = ""

    @property
    def blank(self) -> bool:
        return self.product_id is None and not self.product_query.strip() and not self.quantity.strip()


def line_rows_of(lines) -> list[LineRow]:
    """The rows of a stored order's or quotation's lines, as its edit page shows them: a typed
    price stays typed; a price from the list or the product is left blank and priced again."""
    return [
        LineRow(
            key=line.position,
            product_id=line.product_id,
            quantity=f"{line.quantity.normalize():f}",
            unit_price=str(line.unit_price) if line.price_source == PriceSource.MANUAL else "",
            discount_percent=f"{line.discount_percent.normalize():f}" if line.discount_percent else "",
        )
        for line in lines
    ]


def _int_or_none(value: str | None) -> int | None:
    try:
        return parse_optional_id(value, field="line")
    except DomainError:
        return None


def line_rows(data) -> list[LineRow]:
    """The line rows of a posted entry form, in page order."""
    keys = data.getlist("line_key")
    columns = [
        data.getlist(name)
        for name in (
            "line_product",
            "line_product_query",
            "line_quantity",
            "line_unit_price",
            "line_discount",
        )
    ]
    rows, seen = [], set()
    for index, key in enumerate(keys):
        product, query, quantity, price, discount = (
            column[index] if index < len(column) else "" for column in columns
        )
        key = _int_or_none(key) or index + 1
        if key in seen:  # a row posted twice is counted once
            continue
        seen.add(key)
        rows.append(
            LineRow(
                key=key,
                product_id=_int_or_none(product),
                product_query=query[:200],
                quantity=quantity.strip()[:30],
                unit_price=price.strip()[:30],
                discount_percent=discount.strip()[:10],
            )
        )
    return rows


class OrderEntryForm(forms.Form):
    """The header of the entry page; the line rows travel beside it (see `line_rows`)."""

    customer = IdField(
        required=True,
        error_messages={"required": "Pick a customer from the list.", "invalid": "Pick a customer."},
    )
    customer_query = forms.CharField(required=False, max_length=200)
    warehouse = forms.TypedChoiceField(coerce=int, choices=())
    requested_delivery_date = DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    customer_reference = forms.CharField(required=False, max_length=100, label="Customer PO reference")
    ship_to = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Ship to")

    def __init__(self, *args, warehouses=(), rows: list[LineRow] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [(w.pk, f"{w.code} · {w.name}") for w in warehouses]
        if self.is_bound:
            self.rows = line_rows(self.data)
        else:
            self.rows = rows or [LineRow(key=1)]
        self.lines_errors: list[str] = []

    @property
    def submit_requested(self) -> bool:
        return self.data.get("submit") == "1"

    def line_inputs(self) -> list[LineInput]:
        """The non-blank rows as LineInputs; a row that cannot be read raises DomainError(lines)."""
        inputs = []
        for position, row in enumerate((row for row in self.rows if not row.blank), start=1):
            if row.product_id is None:
                raise DomainError(
                    f"line {position}: pick a product from the list",
                    field="lines",
                    code=KernelErrorCode.REQUIRED,
                )
            if not row.quantity:
                raise DomainError(
                    f"line {position}: enter a quantity", field="lines", code=KernelErrorCode.REQUIRED
                )
            try:
                inputs.append(
                    LineInput(
                        product_id=row.product_id,
                        quantity=_line_number(row.quantity, "quantity"),
                        unit_price=_line_number(row.unit_price, "unit_price") if row.unit_price else None,
                        discount_percent=_line_number(row.discount_percent, "discount_percent")
                        if row.discount_percent
                        else ZERO,
                    )
                )
            except DomainError as error:
                problem = "is not a number" if "number" in error.message else error.message
                raise DomainError(
                    f"line {position}: the {_LINE_LABELS[error.field]} {problem}",
                    field="lines",
                    code=error.code,
                ) from None
        return inputs

    def order_arguments(self) -> dict:
        """Keyword arguments for pipeline.order_place / services.order_update (lines included)."""
        data = self.cleaned_data
        return {
            "lines": self.line_inputs(),
            "requested_delivery_date": data.get("requested_delivery_date"),
            "customer_reference": data.get("customer_reference", ""),
            "ship_to": data.get("ship_to", ""),
            "warehouse_id": data.get("warehouse"),
        }

    def add_domain_error(self, error: DomainError) -> None:
        """Show a refusal of the domain next to the field it names."""
        if error.field == "lines":
            self.lines_errors.append(error.message)
            return
        self.add_error(ERROR_FIELDS.get(error.field or ""), error.message)


# --- the live preview: what the services will store, computed with the same rules -------------


@dataclass
class LinePreview:
    row: LineRow
    position: int
    product: object | None = None
    tax_rate: Decimal | None = None
    list_price: Decimal | None = None  # what the line costs without a typed price
    price_source: str = ""  # price_list, product or manual (pricing.selectors.PriceSource)
    amounts: LineAmounts | None = None
    available: Decimal | None = None
    stock: str = ""  # in_stock, partial, backorder, service, or "" when nothing to say yet
    problem: str = ""


@dataclass
class OrderPreview:
    currency: str
    lines: list[LinePreview] = field(default_factory=list)
    net: Decimal = ZERO
    tax: Decimal = ZERO
    gross: Decimal = ZERO
    headroom: Decimal | None = None  # before this order; None means no limit

    @property
    def headroom_after(self) -> Decimal | None:
        return None if self.headroom is None else self.headroom - self.gross


# How a line's figures are read (`o2c.parsing`: ASCII digits, finite, what the column holds); the
# services check signs and business ranges (a discount of 0–100 %) with their own messages.
_LINE_NUMBERS = {
    "quantity": {"places": 3, "maximum": MAX_QUANTITY},
    "unit_price": {"places": 2, "maximum": MAX_AMOUNT},
    "discount_percent": {"places": 2, "maximum": Decimal("999.99")},
}
_LINE_LABELS = {"quantity": "quantity", "unit_price": "unit price", "discount_percent": "discount"}


def _line_number(text: str, name: str) -> Decimal:
    return parse_decimal(text, field=name, **_LINE_NUMBERS[name])


def _number(text: str, name: str, default: Decimal | None = None) -> Decimal | None:
    if not text:
        return default
    try:
        return _line_number(text, name)
    except DomainError:
        return None


def order_preview(
    *,
    rows: list[LineRow],
    products: dict,
    availability: dict,
    customer=None,
    currency: str,
    headroom=None,
    breaks: PriceBreaks | None = None,
) -> OrderPreview:
    """Price each row as `orders.services` will (tax rate 0 for tax-exempt customers, amounts
    rounded once per line by `o2c.money.line_amounts`) and give each stock line its hint."""
    nothing = round_money(ZERO, currency)  # 0.00 in EUR, shown as the stored totals will be
    preview = OrderPreview(currency=currency, headroom=headroom, net=nothing, tax=nothing)
    for position, row in enumerate(rows, start=1):
        line = LinePreview(row=row, position=position)
        preview.lines.append(line)
        product = products.get(row.product_id) if row.product_id else None
        if product is None:
            if row.product_id or (row.quantity and not row.blank):
                line.problem = "pick a product"
            continue
        line.product = product
        line.tax_rate = ZERO if customer is not None and customer.tax_exempt else product.tax_rate
        quantity = _number(row.quantity, "quantity")
        # the price the services will take when none is typed (the same rule: services.line_price)
        untyped = line_price(
            line=LineInput(product_id=product.pk, quantity=quantity if quantity and quantity > 0 else ONE),
            product=product,
            breaks=breaks or PriceBreaks(),
        )
        line.list_price = untyped.unit_price
        line.price_source = PriceSource.MANUAL if row.unit_price else untyped.source
        unit_price = _number(row.unit_price, "unit_price", default=untyped.unit_price)
        discount = _number(row.discount_percent, "discount_percent", default=ZERO)
        if row.quantity and quantity is None:
            line.problem = "quantity is not a number"
        elif unit_price is None:
            line.problem = "price is not a number"
        elif discount is None or not ZERO <= discount <= 100:
            line.problem = "discount is 0–100 %"
        elif quantity is not None and quantity <= 0:
            line.problem = "quantity must be positive"
        if not product.is_stock:
            line.stock = "service"
        else:
            line.available = availability.get(product.pk, ZERO)
            if quantity is not None and quantity > 0:
                if line.available >= quantity:
                    line.stock = "in_stock"
                elif line.available > 0:
                    line.stock = "partial"
                else:
                    line.stock = "backorder"
        if line.problem or quantity is None:
            continue
        try:
            line.amounts = line_amounts(
                quantity=quantity,
                unit_price=unit_price,
                discount_percent=discount,
                tax_rate=line.tax_rate,
                currency=currency,
            )
        except (ArithmeticError, DomainError):
            line.problem = "cannot be priced"
            continue
        preview.net += line.amounts.net
        preview.tax += line.amounts.tax
    preview.gross = preview.net + preview.tax
    return preview


# --- the order list ---------------------------------------------------------------------------


class OrderFilterForm(FilterForm):
    q = forms.CharField(
        required=False, label="Number", max_length=30, widget=forms.TextInput(attrs={"placeholder": "SO-…"})
    )
    customer = forms.CharField(
        required=False,
        label="Customer",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Code or name", "type": "search"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *SalesOrder.Status.choices])
    fulfillment_status = forms.ChoiceField(
        required=False, label="Fulfilment", choices=[("", "Any fulfilment"), *SalesOrder.Fulfillment.choices]
    )


class ReasonForm(forms.Form):
    """The reason of a cancellation or the note of a credit decision: required, kept short."""

    reason = forms.CharField(max_length=500, error_messages={"required": "Give a reason."})
