"""The one list component of the pages (decision 0035), on django-tables2.

A list page is a `ListTable` (its columns, each sortable by a link in its header), the page's
filter form (`FilterForm`: the filter bar, whose `q` field is the search box) and `list_page`,
which reads `?sort=`, `?page=` and `?export=csv|xlsx` and renders `o2c/list.html` or the page's
template extending it:

    table = OrderTable(orders, request=request)
    return list_page(request, table, filters=form, template="orders/order_list.html")

- Sorting: `?sort=<column>` or `?sort=-<column>`; an unknown column keeps the table's default
  order (`Meta.order_by`). The primary key breaks ties, so pages never repeat or skip a row.
- Paging: 50 rows, `?page=` read like `Paginator.get_page` (anything odd is the first or last page).
- Export (`?export=csv|xlsx`, or `?format=` as the API says): the rows in the page's filter and
  order, every page, through `o2c.csv.csv_response` or `o2c.xlsx.xlsx_response` (both neutralise
  formulas); the columns are `export_header` and `export_row` of the table, by default its own
  columns' values.
- The context keeps `page`, the records of the current page, as the pages had before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import django_tables2 as tables
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import AttributeDict

from o2c.csv import csv_response
from o2c.forms import BootstrapForm
from o2c.xlsx import xlsx_response

PAGE_SIZE = 50
EXPORTS = ("csv", "xlsx")


class _Row(BoundRow):
    """A row without django-tables2's `even`/`odd` classes: Bootstrap's table styles rows itself,
    and a row's markup stays what the pages had (`<tr data-testid="…">`)."""

    def get_even_odd_css_class(self) -> str:
        return ""

    @property
    def attrs(self) -> AttributeDict:
        attrs: AttributeDict = super().attrs
        css = attrs.pop("class", "").strip()
        if css:
            attrs["class"] = css
        return attrs


class _Rows(BoundRows):
    def __iter__(self) -> Iterator[_Row]:
        for record in self.data:
            yield _Row(record, table=self.table)

    def __getitem__(self, key: int | slice) -> _Rows | _Row:
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table)
        return _Row(record=self.data[key], table=self.table)


# A list of this many rows or more, unfiltered, is counted from the planner's estimate (COUNT(*) of
# a million orders reads them all); deep pages take their primary keys first from the ordering
# index and join the other tables for those 50 only (OFFSET over the joined rows read them all).
ESTIMATE_FROM = 100_000
DEFERRED_JOIN_FROM = 1_000


class ListPaginator(Paginator):  # type: ignore[type-arg]  # rows of any table
    """`Paginator` of a table's rows with the two shortcuts above (the estimate only for a table
    with `estimate_count`: one more statement); `estimated` says the count is the estimate
    ("about" in the header)."""

    estimated = False

    def _queryset(self) -> QuerySet[Any] | None:
        data = getattr(self.object_list, "data", None)
        queryset = getattr(data, "data", None)
        if isinstance(queryset, QuerySet) and not queryset.query.combinator:
            return queryset
        return None

    @functools.cached_property
    def count(self) -> int:
        queryset = self._queryset()
        table = getattr(self.object_list, "table", None)
        if (
            getattr(table, "estimate_count", False)
            and queryset is not None
            and not queryset.query.where
            and not queryset.query.distinct
        ):
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= ESTIMATE_FROM:
                self.estimated = True
                return int(row[0])
        return int(super().count)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self._queryset()
        if queryset is None or bottom < DEFERRED_JOIN_FROM:
            return super().page(number)
        ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        by_id = {record.pk: record for record in queryset.filter(pk__in=ids)}
        table = getattr(self.object_list, "table", None)
        rows = [_Row(by_id[pk], table=table) for pk in ids if pk in by_id]
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own hook


class ListTable(tables.Table):
    """A list page's table: Bootstrap's dense table, sorting by `?sort=`, the shared empty state.

    `item_names` ("order", "orders") words the count in the page header and the empty state;
    `export_name` is the download's file name without its extension."""

    item_names: tuple[str, str] = ("row", "rows")
    export_name: str = "export"
    estimate_count: bool = False  # a list that reaches a million rows: see `ListPaginator`

    class Meta:
        template_name = "o2c/table.html"
        order_by_field = "sort"
        page_field = "page"
        per_page = PAGE_SIZE
        attrs = {"class": "table table-sm table-hover mb-0 align-middle list-table"}

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.rows = _Rows(data=self.data, table=self)
        for bound in self.columns:
            # a header is the column's own name, never the verbose name of the model field its
            # accessor reaches (`warehouse__code` would be headed "Code")
            if bound.column.verbose_name is None:
                bound.column.verbose_name = bound.name.replace("_", " ").capitalize()
        if not self.empty_text:
            self.empty_text: str = f"No {self.item_names[1]} match."

    # -- order: the table's sort, then the primary key in the same direction --------------------

    def _set_order_by(self, value: Any) -> None:
        tables.Table.order_by.fset(self, value)
        queryset = getattr(self.data, "data", None)
        if not isinstance(queryset, QuerySet):
            return
        ordering = list(queryset.query.order_by)
        if any(str(term).lstrip("-") in ("pk", "id") for term in ordering):
            return
        descending = bool(ordering) and isinstance(ordering[0], str) and ordering[0].startswith("-")
        self.data.data = queryset.order_by(*ordering, "-pk" if descending else "pk")

    order_by = property(tables.Table.order_by.fget, _set_order_by)

    def sort_from(self, values: Sequence[str]) -> None:
        """Sort by the request's `?sort=` values that name a sortable column, else keep the default."""
        names = {column.name for column in self.columns if column.orderable}
        valid = [value for value in values if value.removeprefix("-") in names]
        if valid:
            self.order_by = valid

    def prepare_page(self, records: list[Any]) -> None:
        """Set on the page's records what a query per page adds (positions, balances), in place."""

    # -- export ---------------------------------------------------------------------------------

    def export_header(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def export_row(self, record: Any) -> list[Any]:
        return [column.accessor.resolve(record, quiet=True) for column in self.columns]

    def export_records(self) -> Iterable[Any]:
        data = self.data.data
        return data.iterator(chunk_size=2000) if isinstance(data, QuerySet) else data

    def export_rows(self) -> Iterator[list[Any]]:
        for record in self.export_records():
            yield self.export_row(record)


# -- columns the pages share ---------------------------------------------------------------------


class DateColumn(tables.DateColumn):
    """A date as the pages write it (2026-03-31), kept on one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "Y-m-d")
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)


class LinkColumn(tables.Column):
    """A link to the record's own page (`viewname` reversed with its primary key), in bold."""

    def __init__(self, *args: Any, viewname: str, **kwargs: Any) -> None:
        self.viewname = viewname
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any) -> str:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>', reverse(self.viewname, args=[record.pk]), value
        )


class AmountColumn(tables.Column):
    """A figure: right-aligned, thousands grouped, the currency beside it when `currency` names
    the record's currency field."""

    def __init__(self, *args: Any, currency: str | None = None, **kwargs: Any) -> None:
        self.currency = currency
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any) -> str:
        if self.currency:
            return format_html(
                '{} <span class="text-secondary small">{}</span>',
                intcomma(value),
                tables.A(self.currency).resolve(record, quiet=True),
            )
        return intcomma(value)


class QuantityColumn(tables.Column):
    """A quantity: right-aligned, up to three places and no trailing zeros."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return floatformat(value, "-3")


class BadgeColumn(tables.Column):
    """A status as the badge of `o2c/_badge.html`, its label the field's display value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any, bound_column: Any) -> str:
        # django-tables2 hands a choice field's display value; the badge's colour wants the value
        stored = bound_column.accessor.resolve(record, quiet=True)
        return _badge(stored, str(value), translation.get_language())


@functools.lru_cache(maxsize=256)
def _badge(value: Any, label: str, language: str | None) -> str:
    """`o2c/_badge.html` for a status and its label: rendered once per pair and language (a list
    page has a few hundred badges of a dozen kinds)."""
    return get_template("o2c/_badge.html").render({"value": value, "label": label})


# -- the filter bar ------------------------------------------------------------------------------


class FilterForm(BootstrapForm):
    """A list page's filter bar: small Bootstrap widgets; a field named `q` is the search box."""

    small = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "q" in self.fields:
            self.fields["q"].widget.input_type = "search"

    @property
    def values(self) -> dict[str, Any]:
        """The cleaned filters, empty when the form is not valid (a bad filter is left out)."""
        return self.cleaned_data if self.is_valid() else {}


# -- the page ------------------------------------------------------------------------------------


def list_page(
    request: HttpRequest,
    table: ListTable,
    *,
    template: str = "o2c/list.html",
    filters: forms.Form | None = None,
    context: dict[str, Any] | None = None,
    records_name: str = "page",
    status: int = 200,
) -> HttpResponse | StreamingHttpResponse:
    """Sort `table` by the request, then answer its export or render its page; the page's
    records are in the context as `page` (or `records_name`)."""
    table.request = request
    table.sort_from(request.GET.getlist(table.prefixed_order_by_field))
    # `?format=` is what the API says and some pages said before the component
    export = request.GET.get("export") or request.GET.get("format")
    if export in EXPORTS:
        respond = csv_response if export == "csv" else xlsx_response
        return respond(f"{table.export_name}.{export}", table.export_header(), table.export_rows())
    table.paginator = ListPaginator(table.rows, table._meta.per_page)
    table.page = table.paginator.get_page(request.GET.get(table.prefixed_page_field))
    records = [row.record for row in table.page.object_list]
    table.prepare_page(records)
    return render(
        request,
        template,
        {
            "table": table,
            "filters": filters,
            "page": records,
            records_name: records,
            **(context or {}),
        },
        status=status,
    )
