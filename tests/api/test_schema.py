"""The schema says everything (issue 13, decision 0043): it validates, every operation declares the
error answers it can give with the `Error` body, every idempotent POST its `Idempotency-Key`, the
token scheme is declared, enums have stable names, and an endpoint added later is covered without
any work of its own."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate
from rest_framework import serializers
from rest_framework.response import Response

from o2c.api import GenericAPIView, role_permission
from o2c.api_fields import AmountField, DateField, TextField
from o2c.roles import FINANCE

ERROR = {"$ref": "#/components/schemas/Error"}
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def served(django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema: dict):
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield route, method, operation


def test_the_served_schema_validates(served):
    validate(served)  # raises on the first error


def test_every_operation_declares_the_errors_it_can_answer(served):
    for route, method, operation in _operations(served):
        responses = operation["responses"]
        where = (method, route)
        secured = operation.get("security") != []
        expected = {"400", "503"}
        if secured:
            expected |= {"401"}
        if "{" in route:
            expected |= {"404"}
        if method != "get" and secured:
            expected |= {"409"}
        if method == "post" and secured:
            expected |= {"422"}
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in headers, where
            for status, response in responses.items():
                if status.startswith("2"):
                    assert "Idempotent-Replayed" in response.get("headers", {}), where
        assert expected <= set(responses), (where, sorted(responses))
        if method == "get":
            assert "409" not in responses and "422" not in responses, where
        for status, response in responses.items():
            if status[0] in "45":
                assert response["content"] == {"application/json": {"schema": ERROR}}, (where, status)


def test_the_token_scheme_and_the_unauthenticated_operations(served):
    assert served["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    notifications = served["paths"]["/api/v1/payment-notifications/"]["post"]
    token = served["paths"]["/api/v1/auth/token/"]["post"]
    assert notifications["security"] == [] and token["security"] == []
    assert "401" not in notifications["responses"] and "422" not in notifications["responses"]
    assert "409" in notifications["responses"]  # an event being recorded by another request
    assert "429" in token["responses"]  # the token endpoint is throttled
    orders = served["paths"]["/api/v1/orders/"]["get"]
    assert {"tokenAuth": []} in orders["security"] and "403" in orders["responses"]


def test_enums_have_stable_names_and_nullable_fields_are_marked(served):
    schemas = served["components"]["schemas"]
    enums = {name for name, schema in schemas.items() if "enum" in schema}
    assert {"OrderStatusEnum", "InvoiceStatusEnum", "PaymentMethodEnum", "DisputeReasonEnum"} <= enums
    # not named by the serializer that happened to use them (`DisputeInReasonEnum`, `OrderOutStatusEnum`)
    assert not [name for name in enums if re.search("(In|Out)[A-Z]", name)]
    order = schemas["OrderOut"]["properties"]
    assert order["status"] == {"$ref": "#/components/schemas/OrderStatusEnum"} or order["status"]["allOf"]
    assert schemas["OrderInRequest"]["properties"]["requested_delivery_date"]["nullable"] is True
    assert schemas["CustomerInRequest"]["properties"]["credit_limit"]["nullable"] is True


def test_request_bodies_are_json_and_fields_say_what_the_parser_accepts(served):
    for route, method, operation in _operations(served):
        if "requestBody" in operation:
            # JSON; an upload names its own parser (multipart), never DRF's form parsers
            media = list(operation["requestBody"]["content"])
            assert media in (["application/json"], ["multipart/form-data"]), (method, route, media)
    line = served["components"]["schemas"]["OrderLineInRequest"]["properties"]
    assert {branch["type"] for branch in line["quantity"]["anyOf"]} == {"string", "number"}
    payment = served["components"]["schemas"]["PaymentInRequest"]["properties"]
    assert payment["received_on"]["pattern"].startswith("^(19[0-9]{2}|2[01][0-9]{2}|2200)-")


# ── an endpoint added later, by anyone: covered with no work of its own ─────────────────────────


class LaterIn(serializers.Serializer):
    name = TextField(max_length=50)
    amount = AmountField()
    on = DateField()


class LaterListView(GenericAPIView):
    permission_classes = [role_permission(FINANCE)]
    serializer_class = LaterIn

    def post(self, request):
        return Response({}, status=201)


class LaterDetailView(GenericAPIView):
    serializer_class = LaterIn

    def get(self, request, pk):
        return Response({})


later_urls = [
    path("api/v1/later/", LaterListView.as_view()),
    path("api/v1/later/<int:pk>/", LaterDetailView.as_view()),
]


def test_an_endpoint_added_later_is_covered():
    schema = SchemaGenerator(patterns=later_urls).get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/later/"]["post"]
    assert {"400", "401", "403", "409", "422", "503"} <= set(create["responses"])
    assert "404" not in create["responses"]
    assert [p["name"] for p in create["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    read = schema["paths"]["/api/v1/later/{id}/"]["get"]
    assert {"400", "401", "404", "503"} <= set(read["responses"])
    assert "403" not in read["responses"]  # any authenticated user, and a GET needs no CSRF
    assert not {"409", "422"} & set(read["responses"])
    fields = schema["components"]["schemas"]["LaterInRequest"]["properties"]
    assert "pattern" in fields["name"] and "anyOf" in fields["amount"] and "pattern" in fields["on"]
    validate(schema)
