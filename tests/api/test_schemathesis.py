"""Schemathesis over the whole API, all checks on (issue 13, decision 0043; issue 11, decision 0029).

A live server (pytest-django's `live_server`) answers requests that schemathesis generates from
the schema `/api/schema/` serves: for every operation, requests that fit the schema (positive) and
requests that break it (negative). Each request is sent with a manager's token (allowed everywhere,
so it reaches the validation) and with the token of one other role in turn (sales, warehouse,
finance), over a small book of documents built through the pipeline so that some ids exist.

Checks: every check schemathesis has (its default: `not_a_server_error`, `status_code_conformance`,
`content_type_conformance`, `response_headers_conformance`, `response_schema_conformance`,
`negative_data_rejection`, `positive_data_acceptance`, `missing_required_header`,
`unsupported_method`, `allow_header_conformance`, `ignored_auth`, …), and ours: every 400 and 409
carries a code of the schema's enum (decision 0038). Decision 0043 says where a check is refined.

Bounded and repeatable: `MAX_EXAMPLES` per operation and mode, derandomised, no shrinking; one test
per mode so that `make test`'s two workers share the run (each pays the live server's database
flush once). Every failure of every case is collected, one line per operation and kind.
"""

from __future__ import annotations

import itertools
import time
import uuid

import hypothesis.errors
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.core.jsonschema import make_validator
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from o2c.api import known_error_codes
from o2c.auth import api_token_issue
from tests import builders

pytestmark = [pytest.mark.schemathesis]

MAX_EXAMPLES = 8
# Seconds one request may take. Tasks are eager in tests, so a credit note's e-mail with its PDF
# goes out inside the request (an outbox relay took 8.6 s on the loaded two-core machine): over
# schemathesis' default 10 s, a timeout that aborted the run.
REQUEST_TIMEOUT = 60
OTHER_ROLES = ("sales", "warehouse", "finance")
IDEMPOTENCY_KEY = "Idempotency-Key"


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


# The codes of a request that does not fit the schema: its shape, types, lengths, formats, bounds.
# A schema-valid request answered with one of these means the schema says less than the parser.
SHAPE_CODES = {
    "required", "null", "blank", "max_length", "min_length", "max_value", "min_value", "max_digits",
    "max_decimal_places", "max_whole_digits", "max_string_length", "invalid_choice", "invalid_unicode",
    "not_a_list", "not_a_dict", "empty", "date", "datetime", "make_aware", "overflow", "incorrect_type",
    "null_characters_not_allowed", "surrogate_characters_not_allowed", "parse_error", "invalid",
    "invalid_id", "invalid_date", "date_out_of_range", "invalid_number", "out_of_range",
    "too_many_decimals", "not_positive", "amount_too_large", "control_character", "unknown_field",
    "unsupported_media_type", "not_acceptable", "too_many_lines",
}  # fmt: skip


def _error_code(response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error_code", body.get("code")) if isinstance(body, dict) else None


def valid_data_accepted(ctx, response, case) -> None:
    """`positive_data_acceptance`, except for a 400 whose code says the request fit the schema
    and the data refused it (decision 0043): an id that names no customer (`does_not_exist`), a
    wrong password (`authorization`), an amount above the open balance, an unsigned provider
    event. The schema cannot say which ids exist or what a balance is; API.md answers them 400."""
    if response.status_code == 400 and _error_code(response) not in SHAPE_CODES | {None}:
        return None
    if response.status_code == 400 and _error_code(response) == "parse_error" and _a_nul_in(case.body):
        # every declared text refuses NUL in its pattern, so a valid body carries one only where the
        # schema allows anything: a free-form object (a bulk item, validated on its own), whose keys
        # OpenAPI 3.0 cannot restrict (no `propertyNames`); the JSON parser refuses NUL anywhere
        return None
    return positive_data_acceptance(ctx, response, case)


def _a_nul_in(body) -> bool:
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if any("\x00" in key for key in value):
                return True
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and "\x00" in value:
            return True
    return False


def _open(schema):
    """The schema with every object open again (`additionalProperties: false` dropped)."""
    if isinstance(schema, dict):
        return {k: _open(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_open(item) for item in schema]
    return schema


def _only_unknown_fields(case) -> bool:
    """Whether the request breaks its schema by nothing but properties the body does not declare."""
    meta = case.meta
    others = (
        ParameterLocation.QUERY,
        ParameterLocation.PATH,
        ParameterLocation.HEADER,
        ParameterLocation.COOKIE,
    )
    if (
        meta is None
        or not meta.is_negative_at(ParameterLocation.BODY)
        or any(map(meta.is_negative_at, others))
    ):
        return False
    body = case.operation.get_body_for_media_type(case.media_type)
    if body is None:
        return False
    validator_cls = case.operation.schema.adapter.jsonschema_validator_cls
    return make_validator(_open(body.optimized_schema), validator_cls).is_valid(case.body)


def invalid_data_rejected(ctx, response, case) -> None:
    """`negative_data_rejection`, except for a body whose only fault is a property it does not
    declare (decision 0043): the schema closes request objects so that valid requests carry none
    (the JSON parser refuses a NUL in any key, which OpenAPI 3.0 cannot say of unknown ones), and
    the API ignores unknown fields, as DRF does."""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        if 200 <= response.status_code < 300 and _only_unknown_fields(case):
            return None
        raise


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


def _a_key_of_its_own(case, mode) -> None:
    """A generated `Idempotency-Key` made unique to this request: hypothesis draws the same small
    keys for different bodies, which the API rightly refuses (422, the key was used for another
    body); a valid request is one whose key is new. Negative cases keep the key they broke."""
    key = (case.headers or {}).get(IDEMPOTENCY_KEY)
    if mode == GenerationMode.POSITIVE and key is not None:
        case.headers[IDEMPOTENCY_KEY] = f"{key[:200]}-{uuid.uuid4().hex}"


def _described(role, message, case, response) -> str:
    return (
        f"[{role}] {message.strip()[:500]}\n{case.as_curl_command()[:600]}\n"
        f"→ {response.status_code} {response.headers.get('Content-Type')} {response.text[:300]}"
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_nothing(mode, live_server, api_tokens, book):
    schema = schemathesis.openapi.from_dict(_api_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    other_role = itertools.cycle(OTHER_ROLES)
    cases = requests_sent = 0
    failures: dict[tuple[str, str], list[str]] = {}
    started = time.monotonic()

    def count(response, *args, **kwargs):
        nonlocal requests_sent
        requests_sent += 1

    with requests.Session() as session:
        session.hooks["response"].append(count)
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
                    _a_key_of_its_own(case, mode)
                    headers = {"Authorization": f"Token {api_tokens[role]}"}
                    try:
                        response = case.call(
                            base_url=live_server.url,
                            session=session,
                            headers=headers,
                            timeout=REQUEST_TIMEOUT,
                        )
                    except requests.RequestException as error:  # a hang is a finding too
                        failures.setdefault((operation.label, "no answer"), []).append(f"[{role}] {error}")
                        continue
                    try:
                        case.validate_response(
                            response,
                            headers=headers,
                            additional_checks=[
                                an_error_code_from_the_enum,
                                valid_data_accepted,
                                invalid_data_rejected,
                            ],
                            excluded_checks=[positive_data_acceptance, negative_data_rejection],
                            transport_kwargs={
                                "base_url": live_server.url,
                                "session": session,
                                "headers": headers,
                            },
                        )
                    except FailureGroup as group:
                        for failure in group.exceptions:
                            found = failures.setdefault((operation.label, failure.title), [])
                            found.append(_described(role, failure.message, case, response))
                    except AssertionError as error:  # our own check
                        found = failures.setdefault((operation.label, "error code"), [])
                        found.append(_described(role, str(error), case, response))

            try:
                each_case()
            except hypothesis.errors.Unsatisfiable:
                # negative mode has nothing to break in an operation without parameters or body
                # (GET /ledger/lock-date/): nothing was sent, nothing to check
                continue

    duration = time.monotonic() - started
    print(
        f"\nschemathesis {mode.value}: {len(operations)} operations, {cases} cases, {requests_sent} "
        f"requests, {len(CHECKS.get_all_names()) + 1} checks, {duration:.0f} s, "
        f"{sum(len(found) for found in failures.values())} failures in {len(failures)} kinds"
    )
    assert not failures, "\n\n".join(
        f"{label} — {title} ({len(found)}×)\n{found[0]}" for (label, title), found in sorted(failures.items())
    )
