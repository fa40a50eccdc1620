"""Schemathesis over the whole API (issue 11): no request, however odd, answers a 500.

A live server (pytest-django's `live_server`) answers requests that schemathesis generates from
the schema `/api/schema/` serves: for every operation, requests that fit the schema (positive) and
requests that break it (negative). Each request is sent with a manager's token (allowed everywhere,
so it reaches the validation) and with the token of one other role in turn (sales, warehouse,
finance), over a small book of documents built through the pipeline so that some ids exist.

Bounded and repeatable: `MAX_EXAMPLES` per operation and mode, derandomised, no shrinking; one test
per mode so that `make test`'s two workers share the run (each pays the live server's database
flush once). Checks: `not_a_server_error` everywhere (decision 0029 says why the conformance
checks are not on), and that every 400 and 409 carries a code of the schema's enum (decision 0038).
"""

from __future__ import annotations

import itertools
import time

import hypothesis.errors
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from o2c.api import known_error_codes
from o2c.auth import api_token_issue
from tests import builders

pytestmark = [pytest.mark.schemathesis]

MAX_EXAMPLES = 8
OTHER_ROLES = ("sales", "warehouse", "finance")


def an_error_code_from_the_enum(ctx, response, case) -> None:
    """Decision 0038: every 400 and 409 answer is JSON carrying a code of the `ErrorCode` enum
    (as `code`, or as `error_code` when a field named `code` is the one in error)."""
    if response.status_code not in (400, 409):
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("error_code", body.get("code")) if isinstance(body, dict) else None
    if code not in known_error_codes():
        raise AssertionError(f"{response.status_code} without a known error code: {str(body)[:300]}")


CHECKS = [not_a_server_error, an_error_code_from_the_enum]


def _api_schema() -> dict:
    """The schema `/api/schema/` serves, generated in-process."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def api_tokens(make_user) -> dict[str, str]:
    return {role: api_token_issue(user=make_user(role)) for role in ("manager", *OTHER_ROLES)}


@pytest.fixture
def book():
    """A customer with an invoice, an order and stock: ids the generator may hit."""
    customer = builders.a_customer(credit_limit="100000.00")
    product = builders.a_product()
    builders.stock(product, "50")
    builders.an_order(customer, builders.line(product, "2"), submit=True)
    builders.an_invoice(customer, "120.00")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_answers_a_server_error(mode, live_server, api_tokens, book):
    schema = schemathesis.openapi.from_dict(_api_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    other_role = itertools.cycle(OTHER_ROLES)
    cases = 0
    failures: dict[str, str] = {}
    started = time.monotonic()

    with requests.Session() as session:
        for operation in operations:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def each_case(case):
                nonlocal cases
                cases += 1
                for role in ("manager", next(other_role)):
                    case.call_and_validate(
                        base_url=live_server.url,
                        session=session,
                        headers={"Authorization": f"Token {api_tokens[role]}"},
                        checks=CHECKS,
                    )

            try:
                each_case()
            except hypothesis.errors.Unsatisfiable:
                # negative mode has nothing to break in an operation without parameters or body
                # (GET /ledger/lock-date/): nothing was sent, nothing to check
                continue
            except Exception as error:  # a failed check: keep going, report every operation
                failures[operation.label] = str(error)[:2000]

    duration = time.monotonic() - started
    print(
        f"\nschemathesis {mode}: {len(operations)} operations, {cases} cases, "
        f"{cases * 2} requests, {duration:.0f} s, {len(failures)} operations failing"
    )
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
