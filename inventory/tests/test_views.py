"""Inventory pages: products, stock, goods receipt (with its htmx parts), stock moves."""

from decimal import Decimal

import pytest

from inventory.models import StockLevel, StockMove, Warehouse
from inventory.services import product_create, warehouse_create
from o2c import pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_for(client, make_user):
    def login(role, username=None):
        user = make_user(role, username)
        client.force_login(user)
        client.user = user
        return client

    return login


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


def receive(product, quantity, warehouse=None, reference=""):
    return pipeline.stock_receive(
        product_id=product.pk,
        warehouse_id=(warehouse or a_warehouse()).pk,
        quantity=Decimal(quantity),
        reference=reference,
    )


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


PAGES = {
    "/inventory/products/": {"sales", "warehouse", "finance", "manager"},
    "/inventory/stock/": {"sales", "warehouse", "finance", "manager"},
    "/inventory/receive/": {"warehouse", "manager"},
    "/inventory/moves/": {"warehouse", "finance", "manager"},
}


@pytest.mark.parametrize("role", ["sales", "warehouse", "finance", "manager"])
def test_pages_render_for_their_roles_and_refuse_the_others(browser_for, role):
    receive(a_product(), "3")
    client = browser_for(role)
    for url, roles in PAGES.items():
        assert client.get(url).status_code == (200 if role in roles else 403), url


def test_anonymous_users_log_in_first(client):
    for url in PAGES:
        assert client.get(url).status_code == 302


def test_navigation_entries(browser_for):
    def nav(role):
        page = browser_for(role, f"{role}-nav").get("/inventory/products/")
        return {item["url_name"] for item in page.context["nav_items"]}

    sales = nav("sales")
    assert {"inventory:products", "inventory:stock"} <= sales and "inventory:receive" not in sales
    assert {"inventory:products", "inventory:stock", "inventory:receive"} <= nav("warehouse")


def test_products_page_filters_and_csv(browser_for):
    receive(a_product("ESP-100", name="Espresso machine"), "4")
    a_product("GRD-20", name="Grinder", active=False)
    a_product("SVC-1", kind="service", name="Installation")
    client = browser_for("sales")

    def skus(query):
        return [product.sku for product in client.get(f"/inventory/products/?{query}").context["page"]]

    assert skus("") == ["ESP-100", "GRD-20", "SVC-1"]
    assert skus("q=espresso") == ["ESP-100"]
    assert skus("kind=service") == ["SVC-1"]
    assert skus("active=false") == ["GRD-20"]
    lines = csv_lines(client.get("/inventory/products/?export=csv&kind=stock&active=true"))
    assert lines == [
        "sku,name,kind,unit_price,tax_rate,standard_cost,active,available",
        "ESP-100,Espresso machine,stock,10.00,19.00,0.00,True,4.000",
    ]


def test_stock_page_shows_backorders_filters_by_warehouse_and_exports(browser_for):
    from tests.builders import a_customer, an_order, line

    product = a_product("P1")
    main, east = a_warehouse("MAIN"), a_warehouse("EAST")
    receive(product, "2", main)
    receive(product, "7", east)
    an_order(a_customer(), line(product, "5"), submit=True, warehouse=main)
    client = browser_for("warehouse")
    page = client.get("/inventory/stock/")
    rows = {
        level.warehouse.code: (level.on_hand, level.reserved, level.available, level.backordered)
        for level in page.context["page"]
    }
    assert rows == {
        "EAST": (Decimal("7.000"), Decimal("0.000"), Decimal("7.000"), Decimal("0.000")),
        "MAIN": (Decimal("2.000"), Decimal("2.000"), Decimal("0.000"), Decimal("3.000")),
    }
    filtered = client.get(f"/inventory/stock/?warehouse={east.pk}")
    assert [level.warehouse.code for level in filtered.context["page"]] == ["EAST"]
    lines = csv_lines(client.get(f"/inventory/stock/?warehouse={main.pk}&export=csv"))
    assert lines == [
        "sku,product,warehouse,on_hand,reserved,available,backordered",
        "P1,Product P1,MAIN,2.000,2.000,0.000,3.000",
    ]


def test_stock_page_runs_a_bounded_number_of_queries(browser_for, django_assert_max_num_queries):
    for number in range(15):
        receive(a_product(f"P{number:02d}"), "1")
    client = browser_for("sales")
    with django_assert_max_num_queries(10):
        page = client.get("/inventory/stock/")
    assert len(page.context["page"]) == 15


def test_goods_receipt_form_receives_and_shows_the_stock(browser_for):
    product = a_product("ESP-100")
    warehouse = a_warehouse()
    client = browser_for("warehouse")
    form_page = client.get("/inventory/receive/")
    assert 'hx-get="/inventory/products/options/"' in form_page.text and "ESP-100" in form_page.text
    response = client.post(
        "/inventory/receive/",
        {"product": "esp-100", "warehouse": warehouse.pk, "quantity": "12.5", "reference": "DN-1"},
        follow=True,
    )
    assert response.redirect_chain == [
        (f"/inventory/receive/?product={product.pk}&warehouse={warehouse.pk}", 302)
    ]
    assert "Received 12.5 × ESP-100 into MAIN (DN-1). Now on hand 12.5, available 12.5." in response.text
    assert [level.on_hand for level in response.context["levels"]] == [Decimal("12.500")]
    assert response.context["form"]["product"].value() == "ESP-100"
    move = StockMove.objects.get()
    assert (move.quantity, move.reference, move.created_by) == (Decimal("12.500"), "DN-1", client.user)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "1000000000000000"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"product": "SVC"}, "product"),
        ({"product": "NOPE"}, "product"),
        ({"warehouse": "999999"}, "warehouse"),
    ],
)
def test_goods_receipt_form_shows_the_error_on_its_field(browser_for, change, field):
    a_product("P1")
    a_product("SVC", kind="service")
    client = browser_for("warehouse")
    body = {"product": "P1", "warehouse": a_warehouse().pk, "quantity": "1", **change}
    response = client.post("/inventory/receive/", body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not StockMove.objects.exists() and not StockLevel.objects.exists()


def test_product_options_and_stock_panel_for_htmx(browser_for):
    product = a_product("ESP-100", name="Espresso machine")
    a_product("GRD-20", name="Grinder")
    a_product("SVC-1", kind="service", name="Espresso training")
    receive(product, "3")
    client = browser_for("warehouse")
    options = client.get("/inventory/products/options/?product=espresso", HTTP_HX_REQUEST="true")
    assert options.text.strip() == '<option value="ESP-100">Espresso machine</option>'
    panel = client.get("/inventory/stock/panel/?product=ESP-100", HTTP_HX_REQUEST="true")
    assert "Stock of ESP-100" in panel.text and "MAIN" in panel.text


def test_stock_moves_latest_first_filtered_and_exported(browser_for):
    first, second = a_product("P1"), a_product("P2")
    main, east = a_warehouse("MAIN"), a_warehouse("EAST")
    receive(first, "1", main, "DN-1")
    receive(second, "2", east, "DN-2")
    receive(first, "3", east, "DN-3")
    client = browser_for("warehouse")

    def references(query):
        return [move.reference for move in client.get(f"/inventory/moves/?{query}").context["page"]]

    assert references("") == ["DN-3", "DN-2", "DN-1"]
    assert references(f"warehouse={east.pk}") == ["DN-3", "DN-2"]
    assert references("q=P1") == ["DN-3", "DN-1"]
    assert references("kind=issue") == []
    lines = csv_lines(client.get("/inventory/moves/?export=csv&q=DN-2"))
    assert lines[0] == "created_at,kind,sku,product,warehouse,quantity,reference,by"
    assert lines[1].endswith(",receipt,P2,Product P2,EAST,2.000,DN-2,")
