"""The inventory API of API.md: products, warehouses, stock and goods receipts."""

from decimal import Decimal

import pytest

from inventory.models import Product, StockLevel, StockMove, Warehouse
from inventory.services import product_create, warehouse_create
from o2c import pipeline
from tests.errors import error_code

pytestmark = pytest.mark.django_db

ESPRESSO = {
    "sku": "ESP-100",
    "name": "Espresso machine",
    "kind": "stock",
    "unit_price": "1290.00",
    "tax_rate": "19.00",
    "standard_cost": "780.50",
}


def a_product(sku="P1", kind="stock", **fields):
    fields = {
        "name": f"Product {sku}",
        "unit_price": Decimal("10.00"),
        "tax_rate": Decimal("19.00"),
        **fields,
    }
    return product_create(sku=sku, kind=kind, **fields)


def a_warehouse(code="MAIN"):
    return Warehouse.objects.filter(code=code).first() or warehouse_create(
        code=code, name=f"Warehouse {code}"
    )


def receive(product, quantity, warehouse=None):
    return pipeline.stock_receive(
        product_id=product.pk, warehouse_id=(warehouse or a_warehouse()).pk, quantity=Decimal(quantity)
    )


# --- products ------------------------------------------------------------------------------------


def test_manager_creates_a_product_and_reads_it_back(api_client_for):
    client = api_client_for("manager")
    response = client.post("/api/v1/products/", ESPRESSO, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {"id": body["id"], **ESPRESSO, "active": True, "available": "0.000"}
    assert response["Location"] == f"/api/v1/products/{body['id']}/"
    assert client.get(f"/api/v1/products/{body['id']}/").json() == body


def test_available_sums_the_warehouses_and_is_zero_for_services(api_client_for):
    product = a_product("P1")
    a_product("SVC", kind="service")
    receive(product, "10.5", a_warehouse("MAIN"))
    receive(product, "2.25", a_warehouse("EAST"))
    StockLevel.objects.filter(product=product, warehouse__code="EAST").update(reserved=Decimal("1.000"))
    rows = api_client_for("sales").get("/api/v1/products/").json()["results"]
    assert {row["sku"]: row["available"] for row in rows} == {"P1": "11.750", "SVC": "0.000"}


def test_manager_patches_a_product(api_client_for):
    product = a_product()
    response = api_client_for("manager").patch(
        f"/api/v1/products/{product.pk}/", {"unit_price": "12.50", "active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["unit_price"], response.json()["active"]) == ("12.50", False)
    product.refresh_from_db()
    assert (product.unit_price, product.active) == (Decimal("12.50"), False)


def test_a_product_holding_stock_cannot_become_a_service(api_client_for):
    product = a_product()
    receive(product, "1")
    response = api_client_for("manager").patch(
        f"/api/v1/products/{product.pk}/", {"kind": "service"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    assert error_code(response) == "product_holds_stock"
    product.refresh_from_db()
    assert product.kind == "stock"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"sku": "P1"}, "sku", "duplicate_sku"),  # taken
        ({"tax_rate": "100.01"}, "tax_rate", "out_of_range"),
        ({"tax_rate": "-1"}, "tax_rate", "out_of_range"),
        ({"unit_price": "-0.01"}, "unit_price", "out_of_range"),
        ({"unit_price": "abc"}, "unit_price", "invalid_number"),
        ({"standard_cost": "1.005"}, "standard_cost", "too_many_decimals"),
        ({"kind": "gadget"}, "kind", "invalid_choice"),
        ({"name": ""}, "name", "blank"),
    ],
)
def test_bad_product_input_is_a_400_naming_the_field(api_client_for, change, field, code):
    a_product("P1")
    response = api_client_for("manager").post("/api/v1/products/", {**ESPRESSO, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert error_code(response) == code
    assert list(Product.objects.values_list("sku", flat=True)) == ["P1"]


def test_patching_a_taken_sku_is_a_400(api_client_for):
    a_product("P1")
    other = a_product("P2")
    response = api_client_for("manager").patch(f"/api/v1/products/{other.pk}/", {"sku": "P1"}, format="json")
    assert response.status_code == 400 and "sku" in response.json()
    assert error_code(response) == "duplicate_sku"


@pytest.mark.parametrize("role", ["sales", "warehouse", "finance"])
def test_only_managers_write_products_and_warehouses(api_client_for, role):
    product = a_product()
    client = api_client_for(role)
    assert client.get("/api/v1/products/").status_code == 200
    assert client.post("/api/v1/products/", ESPRESSO, format="json").status_code == 403
    assert client.patch(f"/api/v1/products/{product.pk}/", {"name": "X"}, format="json").status_code == 403
    assert client.post("/api/v1/warehouses/", {"code": "W2", "name": "Two"}, format="json").status_code == 403
    assert Product.objects.count() == 1 and not Warehouse.objects.filter(code="W2").exists()


def test_product_filters_and_search(api_client_for):
    a_product("ESP-100", name="Espresso machine")
    a_product("GRD-20", name="Grinder", active=False)
    a_product("SVC-1", kind="service", name="Installation")
    client = api_client_for("sales")

    def skus(query):
        return [row["sku"] for row in client.get(f"/api/v1/products/?{query}").json()["results"]]

    assert skus("sku=esp-100") == ["ESP-100"]
    assert skus("kind=service") == ["SVC-1"]
    assert skus("active=false") == ["GRD-20"]
    assert skus("search=grind") == ["GRD-20"]
    assert skus("ordering=-sku") == ["SVC-1", "GRD-20", "ESP-100"]


def test_the_product_list_runs_a_bounded_number_of_queries(api_client_for, django_assert_max_num_queries):
    warehouse = a_warehouse()
    for number in range(15):
        receive(a_product(f"P{number:02d}"), "5", warehouse)
    client = api_client_for("sales")
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/products/")
    assert {row["available"] for row in response.json()["results"]} == {"5.000"}


# --- warehouses ----------------------------------------------------------------------------------


def test_manager_creates_a_warehouse_and_everyone_lists_them(api_client_for):
    response = api_client_for("manager").post(
        "/api/v1/warehouses/", {"code": "EAST", "name": "Leipzig"}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "code": "EAST", "name": "Leipzig"}
    again = api_client_for("manager", "manager-2").post(
        "/api/v1/warehouses/", {"code": "EAST", "name": "Other"}, format="json"
    )
    assert again.status_code == 400 and "code" in again.json()
    assert error_code(again) == "duplicate_warehouse_code"  # as `error_code`: `code` is the field
    listed = api_client_for("warehouse").get("/api/v1/warehouses/").json()
    assert [row["code"] for row in listed["results"]] == ["EAST"]


# --- stock ---------------------------------------------------------------------------------------


def test_stock_levels_with_sku_code_and_backorders(api_client_for):
    from tests.builders import a_customer, an_order, line

    product = a_product("P1")
    main, east = a_warehouse("MAIN"), a_warehouse("EAST")
    receive(product, "4", main)
    receive(product, "1.5", east)
    an_order(a_customer(), line(product, "6"), submit=True, warehouse=main)  # 4 reserved, 2 backordered

    client = api_client_for("sales")
    rows = client.get("/api/v1/stock/").json()["results"]
    assert rows == [
        {
            "product": product.pk,
            "product_sku": "P1",
            "warehouse": east.pk,
            "warehouse_code": "EAST",
            "on_hand": "1.500",
            "reserved": "0.000",
            "available": "1.500",
            "backordered": "0.000",
        },
        {
            "product": product.pk,
            "product_sku": "P1",
            "warehouse": main.pk,
            "warehouse_code": "MAIN",
            "on_hand": "4.000",
            "reserved": "4.000",
            "available": "0.000",
            "backordered": "2.000",
        },
    ]
    assert [
        row["warehouse_code"] for row in client.get(f"/api/v1/stock/?warehouse={main.pk}").json()["results"]
    ] == ["MAIN"]
    assert client.get(f"/api/v1/stock/?product={product.pk + 1000}").json()["count"] == 0
    refused = client.get("/api/v1/stock/?warehouse=abc")
    assert refused.status_code == 400 and error_code(refused) == "invalid_id"


def test_the_stock_list_runs_a_bounded_number_of_queries(api_client_for, django_assert_max_num_queries):
    main, east = a_warehouse("MAIN"), a_warehouse("EAST")
    for number in range(8):
        product = a_product(f"P{number:02d}")
        receive(product, "3", main)
        receive(product, "2", east)
    client = api_client_for("warehouse")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/stock/")
    assert response.json()["count"] == 16


# --- goods receipts ------------------------------------------------------------------------------


def test_warehouse_receives_goods(api_client_for):
    product = a_product("P1")
    warehouse = a_warehouse()
    receive(product, "2")
    client = api_client_for("warehouse")
    response = client.post(
        "/api/v1/stock/receipts/",
        {"product": product.pk, "warehouse": warehouse.pk, "quantity": "10.125", "reference": "DN-778"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "kind": "receipt",
        "product": product.pk,
        "warehouse": warehouse.pk,
        "quantity": "10.125",
        "reference": "DN-778",
        "created_at": body["created_at"],
        "stock_level": {"on_hand": "12.125", "reserved": "0.000", "available": "12.125"},
    }
    assert StockMove.objects.get(pk=body["id"]).created_by == client.user


def test_a_receipt_is_idempotent_with_a_key(api_client_for):
    product, warehouse = a_product(), a_warehouse()
    client = api_client_for("warehouse")
    body = {"product": product.pk, "warehouse": warehouse.pk, "quantity": "5"}
    first = client.post("/api/v1/stock/receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="rcpt-1")
    again = client.post("/api/v1/stock/receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="rcpt-1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get(product=product).on_hand == Decimal("5.000")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"quantity": "0"}, "quantity", "out_of_range"),
        ({"quantity": "-5"}, "quantity", "out_of_range"),
        ({"quantity": "1000000000000000"}, "quantity", "out_of_range"),
        ({"quantity": 10**15}, "quantity", "out_of_range"),
        ({"quantity": "1000000000.001"}, "quantity", "out_of_range"),
        ({"quantity": "abc"}, "quantity", "invalid_number"),
        ({"quantity": "NaN"}, "quantity", "invalid_number"),
        ({"quantity": "1.0005"}, "quantity", "too_many_decimals"),
        ({"product": "service"}, "product", "service_holds_no_stock"),
        ({"product": "inactive"}, "product", "inactive_product"),
        ({"product": 999999}, "product", "does_not_exist"),
        ({"warehouse": 999999}, "warehouse", "does_not_exist"),
        ({"warehouse": None}, "warehouse", "null"),
    ],
)
def test_bad_receipts_are_a_400_naming_the_field_and_change_nothing(api_client_for, change, field, code):
    products = {
        "stock": a_product("P1"),
        "service": a_product("SVC", kind="service"),
        "inactive": a_product("OLD", active=False),
    }
    body = {"product": products["stock"].pk, "warehouse": a_warehouse().pk, "quantity": "1", **change}
    if body["product"] in products:
        body["product"] = products[body["product"]].pk
    response = api_client_for("warehouse").post("/api/v1/stock/receipts/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert error_code(response) == code
    assert not StockMove.objects.exists() and not StockLevel.objects.exists()


def test_the_maximum_receipt_is_accepted(api_client_for):
    body = {"product": a_product().pk, "warehouse": a_warehouse().pk, "quantity": "1000000000.000"}
    response = api_client_for("warehouse").post("/api/v1/stock/receipts/", body, format="json")
    assert response.status_code == 201 and response.json()["stock_level"]["on_hand"] == "1000000000.000"


@pytest.mark.parametrize(
    ("role", "status"), [("sales", 403), ("finance", 403), ("warehouse", 201), ("manager", 201)]
)
def test_stock_receipts_are_for_warehouse_and_managers(api_client_for, role, status):
    body = {"product": a_product().pk, "warehouse": a_warehouse().pk, "quantity": "1"}
    assert api_client_for(role).post("/api/v1/stock/receipts/", body, format="json").status_code == status


def test_a_receipt_allocates_backorders(api_client_for):
    from tests.builders import a_customer, an_order, line

    product, warehouse = a_product("P1"), a_warehouse()
    order = an_order(a_customer(), line(product, "3"), submit=True, warehouse=warehouse)
    assert order.lines.get().quantity_backordered == Decimal("3.000")
    response = api_client_for("warehouse").post(
        "/api/v1/stock/receipts/",
        {"product": product.pk, "warehouse": warehouse.pk, "quantity": "5"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["stock_level"] == {"on_hand": "5.000", "reserved": "3.000", "available": "2.000"}
