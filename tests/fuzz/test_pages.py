"""Every HTML page answers bad input with a page, a 4xx or a redirect, never a 500, and a refused
POST writes nothing (issue 11).

The URL patterns are found by walking the resolver, so a new page is fuzzed without being listed
here; path converters are filled with the ids of a small book built once through the pipeline
(`world.py`). The query and form field names each page reads are found by asking it: the page is
requested with a `QueryDict` that records every key the view and its forms look up, a few rounds
until no new name appears (a form bound only when its first field is present then shows the
rest). Hypothesis then sends those names, plus the generic ones (page, sort, q, from, to, …)
and the dynamic ones (`apply_<id>`, `alloc-<id>`, formset rows), with values built to break
parsers: Unicode digits that pass `isdigit()`, NUL and other control characters, huge and
non-finite numbers, years 1 and 9999, formulas, quotes and markup, beside real ids and codes.

Bounded for `make test` (about two minutes on two cores): `O2C_FUZZ_EXAMPLES` GET and POST
examples per page for the manager (default 12), a third of that for the other roles on the pages
they may open. Runs are derandomised so `make test` is repeatable; set `O2C_FUZZ_RANDOM=1` and a
larger `O2C_FUZZ_EXAMPLES` to explore further.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date

import django.core.handlers.wsgi
import django.http.request
import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE
from tests.books import assert_books_in_step
from tests.fuzz.world import World, world_build

pytestmark = pytest.mark.django_db  # the test database is set up for the module's book

EXAMPLES = int(os.environ.get("O2C_FUZZ_EXAMPLES", "12"))
RANDOM = os.environ.get("O2C_FUZZ_RANDOM") == "1"
SKIPPED_PREFIXES = ("api/", "admin/")  # the API has its own schema fuzzing; the admin is Django's
SKIPPED_NAMES = {"logout", "healthz"}  # logging out would end the fuzzing session; healthz reads nothing
GENERIC_NAMES = [
    "page", "sort", "q", "from", "to", "as_of", "customer", "product", "warehouse", "status", "export",
    "format", "table", "by", "mode", "run", "row", "invoice", "next", "action", "name", "currency",
    "parts", "all", "confirm",
]  # fmt: skip
DYNAMIC_PREFIXES = ["apply_", "alloc-", "qty_", "lines-0-", "form-0-"]

# What breaks parsers: digits outside ASCII, control characters, numbers past every column,
# non-finite numbers, dates outside any calendar the app shows, formulas, quotes, markup.
NASTY = [
    "", " ", "0", "-1", "1", "01", "²", "٣", "１２", "1²", "apply_²", "\x00", "a\x00b", "1\x00", "\x1b[31m",
    "\r\n", "\t", "9" * 40, "-" + "9" * 25, "1e999999", "1E-999999", "NaN", "-Infinity", "inf", "0x10",
    "9999999999.99", "10000000000.00", "99999999999999999999.99", "0.001", "-0.00", "1,250.50", "1.250,50",
    "12.345", "2**64", "18446744073709551616", "9223372036854775808", "0001-01-01", "9999-12-31",
    "10000-01-01", "1899-12-31", "2201-01-01", "2026-02-30", "0000-00-00", "01.02.2026", "31/12/2026",
    "2026-13-01", "=1+2", "+1", "@SUM(A1)", "=HYPERLINK(\"x\")", "'", '"', "\\", "%", "%00", "../etc",
    "<script>x</script>", "{{ 7*7 }}", "csv", "pdf", "xlsx", "orders", "true", "false", "on", "-date",
    "__proto__", "a" * 5000,
]  # fmt: skip


# ── the URL patterns ──────────────────────────────────────────────────────────────────────────────


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def page_patterns() -> list[tuple[str, str, URLPattern]]:
    return [
        (route, name, pattern)
        for route, name, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES) and name not in SKIPPED_NAMES
    ]


PATTERNS = page_patterns()


def url_of(route: str, pattern: URLPattern, ids: dict) -> str:
    path = "/" + route
    for name in pattern.pattern.converters:
        path = path.replace(f"<{type(pattern.pattern.converters[name]).__name__[:-9].lower()}:{name}>", "")
    url = "/" + route
    for name, converter in pattern.pattern.converters.items():
        kind = {"IntConverter": "int", "StringConverter": "str", "SlugConverter": "slug"}[
            type(converter).__name__
        ]
        url = url.replace(f"<{kind}:{name}>", str(ids[name]))
    return url


# ── which names a page reads ─────────────────────────────────────────────────────────────────────

_READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key looked up (forms read through `get` and `getlist`)."""

    def get(self, key, default=None):
        _READ.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        _READ.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        _READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        _READ.add(key)
        return super().__contains__(key)


@contextmanager
def recording():
    """Requests parse their query string and urlencoded bodies into recording QueryDicts."""
    saved = django.core.handlers.wsgi.QueryDict, django.http.request.QueryDict
    django.core.handlers.wsgi.QueryDict = django.http.request.QueryDict = RecordingQueryDict
    _READ.clear()
    try:
        yield _READ
    finally:
        django.core.handlers.wsgi.QueryDict, django.http.request.QueryDict = saved


@contextmanager
def rolled_back():
    """Each request in its own savepoint, undone after: examples do not change each other's book."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(client: Client, method: str, url: str, data: dict, *, htmx: bool = False):
    htmx = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if method == "get":
        return client.get(url, data, **htmx)
    # the fields in the body and in the query string: some pages read both on a POST
    return client.generic(
        "POST",
        f"{url}?{_urlencode(data)}",
        _urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **htmx,
    )


def _urlencode(data: dict) -> str:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = value
    return query.urlencode()


def names_read(client: Client, method: str, url: str) -> tuple[int, set[str]]:
    """The keys a page looks up, by asking it a few times (as a plain and as an htmx request) with
    every name seen so far set."""
    known: set[str] = set()
    status = 0
    for htmx in (False, True):
        for _ in range(4):
            data = dict.fromkeys(known, "1") | {"_probe": "1"}
            with recording() as read, rolled_back():
                status = send(client, method, url, data, htmx=htmx).status_code
                seen = set(read)
            if seen <= known:
                break
            known |= seen
    return status, known - {"_probe", "csrfmiddlewaretoken"}


# Sent in every name a page reads at once, one request each, before hypothesis mixes them.
KILLERS = ["²", "a\x00b", "9" * 30, "-1", "1e999999", "NaN", "0001-01-01", "9999-12-31", "=1+2", "'\"<>"]

# ── the values ───────────────────────────────────────────────────────────────────────────────────


def values(world: World):
    real = [str(value) for value in world.ids.values()] + world.values
    real += [str(value) for ids in world.more_ids.values() for value in ids]
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(real),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.tuples(st.sampled_from(NASTY), st.text(max_size=5)).map("".join),
    )


def form_data(names: list[str], world: World):
    dynamic = [
        prefix + suffix
        for prefix in DYNAMIC_PREFIXES
        for suffix in ("²", "0", "1x", str(world.ids["invoice_id"]))
    ]
    keys = st.sampled_from(sorted(set(names)) + GENERIC_NAMES + dynamic)
    return st.dictionaries(keys, values(world), max_size=12)


# ── the test ─────────────────────────────────────────────────────────────────────────────────────

COUNTED = [
    ("orders", "SalesOrder"), ("fulfillment", "Shipment"), ("inventory", "StockMove"), ("invoicing", "Invoice"),
    ("invoicing", "CreditNote"), ("receivables", "Payment"), ("receivables", "Allocation"),
    ("receivables", "Dispute"), ("receivables", "WriteOff"), ("ledger", "JournalEntry"), ("customers", "Customer"),
]  # fmt: skip


def counts() -> dict[str, int]:
    from django.apps import apps

    return {model: apps.get_model(app, model).objects.count() for app, model in COUNTED}


def refused(response) -> bool:
    """A POST the page refused: a 4xx, or the form shown again with its errors."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    for context in response.context:
        for value in context.flatten().values() if hasattr(context, "flatten") else ():
            if getattr(value, "is_bound", False) and getattr(value, "errors", None):
                return True
    return False


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The book, built once per module in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


STATS = {"examples": 0}


@pytest.mark.parametrize(
    ("route", "name", "pattern"), PATTERNS, ids=[name or route for route, name, _ in PATTERNS]
)
def test_no_page_answers_500(route, name, pattern, world, record_property):
    url = url_of(route, pattern, world.ids)
    examples_before = STATS["examples"]
    failures: list[str] = []
    roles = [(MANAGER, EXAMPLES)] + [(role, max(1, EXAMPLES // 3)) for role in (FINANCE, WAREHOUSE, SALES)]
    for role, examples in roles:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        for method in ("get", "post"):
            status, names = names_read(client, method, url)
            if role != MANAGER and status in (403, 405):
                continue  # not this role's page (the manager's run covers it), or no POST here
            failures += _fuzz(
                client, method, url, sorted(names), world, examples=examples, killers=role == MANAGER
            )
    record_property("requests", STATS["examples"] - examples_before)  # in --junitxml reports
    assert_books_in_step()
    assert not failures, "\n".join(failures)


def _fuzz(
    client: Client, method: str, url: str, names: list[str], world: World, *, examples: int, killers: bool
):
    failures: list[str] = []

    def check(data: dict, htmx: bool) -> None:
        STATS["examples"] += 1
        with rolled_back():
            before = counts() if method == "post" else None
            response = send(client, method, url, data, htmx=htmx)
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                cause = f"{error[0].__name__}: {str(error[1])[:120]}" if error else ""
                failures.append(
                    f"{method.upper()} {url} htmx={htmx} {data!r} → {response.status_code} {cause}"
                )
            elif before is not None and refused(response):
                after = counts()
                if after != before:
                    failures.append(
                        f"POST {url} {data!r} refused ({response.status_code}) but wrote {before} → {after}"
                    )

    for killer in KILLERS if killers and names else ():
        for htmx in (False, True):
            check(dict.fromkeys(names, killer), htmx)

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=form_data(names, world), htmx=st.booleans())
    def fuzz(data, htmx):
        check(data, htmx)

    fuzz()
    return failures
