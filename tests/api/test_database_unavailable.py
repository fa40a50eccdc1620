"""A database that is away is a 503 to retry, never a 500 (issue 11, decision 0030); and an order
committed just before it went away is still answered, from what was written in the transaction."""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from orders.api import views as order_views
from orders.models import SalesOrder
from tests.builders import a_customer, a_product, a_warehouse

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@contextmanager
def database_unreachable():
    """Point the connection at a closed port: every query from here on fails to connect."""
    settings = connection.settings_dict
    saved = (settings["HOST"], settings["PORT"])
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", str(_closed_port())
    try:
        yield
    finally:
        connection.close()
        settings["HOST"], settings["PORT"] = saved


def test_the_api_answers_503_json_with_retry_after_while_the_database_is_unreachable(api_client_for):
    client = api_client_for("finance")
    with database_unreachable():
        response = client.get("/api/v1/invoices/")
        posted = client.post("/api/v1/payments/", {"customer": 1}, format="json")
    for answer in (response, posted):
        assert answer.status_code == 503
        assert answer["Content-Type"].startswith("application/json")
        assert answer.json()["code"] == "database_unavailable"
        assert int(answer["Retry-After"]) > 0


def test_a_page_answers_a_plain_503_while_the_database_is_unreachable(make_user):
    browser = Client(raise_request_exception=False)
    browser.force_login(make_user("sales"))
    with database_unreachable():
        response = browser.get("/orders/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Back in a moment" in response.content and int(response["Retry-After"]) > 0


def test_any_other_error_is_still_a_500():
    from o2c.views import server_error

    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = server_error(RequestFactory().get("/api/v1/orders/"))
    assert response.status_code == 500


def test_a_committed_order_is_answered_even_if_the_database_drops_after_the_commit(
    api_client_for, monkeypatch
):
    """The incident: the order committed, then the re-read for the response found no database.
    The response is now read and serialised inside the transaction: after the commit the view
    runs no query at all (asserted), so a database gone then changes nothing."""
    client = api_client_for("sales")
    customer, product = a_customer(credit_limit="100000.00"), a_product(kind="service", price="5.00")
    a_warehouse()
    place = order_views.pipeline.order_place
    after_commit = CaptureQueriesContext(connection)

    def gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    def place_then_lose_the_database(**kwargs):
        order = place(**kwargs)

        def drop():  # runs right after the view's transaction commits
            after_commit.__enter__()
            # first in the list: the wrappers the request installed after it (pghistory's) are
            # popped from the end when their context exits
            connection.execute_wrappers.insert(0, gone)

        transaction.on_commit(drop)
        return order

    monkeypatch.setattr(order_views.pipeline, "order_place", place_then_lose_the_database)
    try:
        response = client.post(
            "/api/v1/orders/",
            {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": "2"}], "submit": True},
            format="json",
        )
    finally:
        if gone in connection.execute_wrappers:
            connection.execute_wrappers.remove(gone)
        after_commit.__exit__(None, None, None)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == "11.90" and len(body["lines"]) == 1
    assert body["credit_decision"]["outcome"] == "approved"
    assert len(after_commit.captured_queries) == 0
    assert SalesOrder.objects.get(pk=body["id"]).status == body["status"]
