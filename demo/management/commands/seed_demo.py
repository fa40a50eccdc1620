"""Demo data for `make run`: one user per role, customers, products and stock in two warehouses,
payments and a dispute, a price list and two quotations (one accepted into its order).

Safe to run again: what exists is left as it is. State is built through the services and the
pipeline, as production builds it.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer
from demo.collections import seed_collections
from demo.foreign_currency import seed_foreign_currency
from inventory import services as inventory_services
from inventory.models import Product, Warehouse
from o2c import pipeline
from o2c.numbering import number_series_prepare
from o2c.roles import ADMIN, FINANCE, MANAGER, SALES, WAREHOUSE, roles_sync
from orders.services import LineInput
from pricing import selectors as pricing_selectors
from pricing import services as pricing_services
from quotations import selectors as quotation_selectors
from quotations import services as quotation_services
from receivables.models import CashDiscount, Payment
from returns.selectors import return_list
from returns.services import ReturnLineInput

# username, password, role, full name. The passwords are printed and listed in README.md.
DEMO_USERS = [
    ("sales", "sales-demo-2026", SALES, "Sam Seller"),
    ("warehouse", "warehouse-demo-2026", WAREHOUSE, "Wendy Picker"),
    ("finance", "finance-demo-2026", FINANCE, "Fiona Ledger"),
    ("manager", "manager-demo-2026", MANAGER, "Max Manager"),
    ("admin", "admin-demo-2026", ADMIN, "Ada Admin"),
]

DEMO_CUSTOMERS = [
    # code, name, email, terms, credit limit, VAT number, address
    (
        "C0001",
        "Acme Retail GmbH",
        "ap@acme-retail.example",
        30,
        "50000.00",
        "DE811907980",
        "Königstraße 1\n70173 Stuttgart\nGermany",
    ),
    (
        "C0002",
        "Bistro Nord KG",
        "rechnung@bistro-nord.example",
        14,
        "5000.00",
        "DE136695976",
        "Große Elbstraße 7\n22767 Hamburg\nGermany",
    ),
    (
        "C0003",
        "Café Lumière SARL",
        "compta@cafe-lumiere.example",
        30,
        "12000.00",
        "FR40303265045",
        "12 rue de Rivoli\n75004 Paris\nFrance",
    ),
    (
        "C0004",
        "Delta Office BV",
        "finance@delta-office.example",
        45,
        "25000.00",
        "NL004495445B01",
        "Keizersgracht 100\n1015 CS Amsterdam\nNetherlands",
    ),
    (
        "C0005",
        "Evergreen Hotels AG",
        "kreditoren@evergreen.example",
        60,
        None,
        "ATU13585627",
        "Kärntner Ring 5\n1010 Wien\nAustria",
    ),
    (
        "C0006",
        "Fjord Supplies AS",
        "invoice@fjord.example",
        30,
        "8000.00",
        "",
        "Karl Johans gate 2\n0154 Oslo\nNorway",
    ),
    (
        "C0007",
        "Kaffeehaus Skonto GmbH",
        "buchhaltung@skonto.example",
        30,
        "10000.00",
        "",
        "Schanzenstraße 12\n20357 Hamburg",
    ),
]
# Cash discount terms (decision 0056): percent, days. C0007 pays 2 % within 10 days, net 30.
DEMO_DISCOUNT_TERMS = {"C0007": ("2.00", 10)}

DEMO_PRODUCTS = [
    # sku, name, kind, price, tax %, standard cost, stock in MAIN, stock in EAST
    ("ESP-100", "Espresso machine Barista 100", "stock", "1290.00", "19.00", "780.00", "25", "10"),
    ("GRD-20", "Coffee grinder G20", "stock", "349.00", "19.00", "190.00", "40", "15"),
    ("BEAN-1KG", "Coffee beans, house blend, 1 kg", "stock", "18.90", "7.00", "9.40", "500", "250"),
    ("CUP-6", "Cappuccino cups, set of 6", "stock", "39.50", "19.00", "14.20", "120", "60"),
    ("MILK-JUG", "Milk jug 0.6 l, stainless", "stock", "24.90", "19.00", "8.10", "80", "0"),
    ("DESCALE", "Descaler, 1 l", "stock", "12.50", "19.00", "4.30", "0", "0"),
    ("SVC-INST", "Installation and training (hour)", "service", "95.00", "19.00", "0.00", "0", "0"),
    ("SVC-MAINT", "Annual maintenance contract", "service", "480.00", "19.00", "0.00", "0", "0"),
]


class Command(BaseCommand):
    help = "Load demo users, customers, products and stock (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        roles_sync()
        number_series_prepare(today=timezone.localdate())  # before the first numbered document
        self._users()
        self._customers()
        self._catalog()
        self._cash()
        self._discount_taken()
        self._commercial()
        self._returns()
        seed_collections()
        seed_foreign_currency()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ as:"))
        for username, password, role, _ in DEMO_USERS:
            self.stdout.write(f"  {role:<10} {username:<10} {password}")

    def _users(self) -> None:
        user_model = get_user_model()
        for username, password, role, full_name in DEMO_USERS:
            if user_model.objects.filter(username=username).exists():
                continue
            first, last = full_name.split(" ", 1)
            user = user_model.objects.create_user(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                email=f"{username}@o2c.example",
                is_staff=role in (ADMIN, MANAGER),
                is_superuser=role == ADMIN,
            )
            user.groups.add(Group.objects.get(name=role))

    def _customers(self) -> None:
        # Credit limits, and no limit at all for C0005, are finance's to set: the seed sets them as
        # the demo finance user would (a customer without a limit would otherwise get the default).
        finance = get_user_model().objects.get(username="finance")
        for code, name, email, terms, limit, vat, address in DEMO_CUSTOMERS:
            if Customer.objects.filter(code=code).exists():
                continue
            customer_services.customer_create(
                code=code,
                name=name,
                email=email,
                payment_terms_days=terms,
                discount_percent=DEMO_DISCOUNT_TERMS.get(code, ("0.00", 0))[0],
                discount_days=DEMO_DISCOUNT_TERMS.get(code, ("0.00", 0))[1],
                credit_limit=Decimal(limit) if limit else None,
                vat_number=vat,
                billing_address=f"{name}\n{address}",
                shipping_address=f"{name}\n{address}",
                by=finance,
            )

    def _catalog(self) -> None:
        main = Warehouse.objects.filter(code="MAIN").first() or inventory_services.warehouse_create(
            code="MAIN", name="Hamburg main warehouse"
        )
        east = Warehouse.objects.filter(code="EAST").first() or inventory_services.warehouse_create(
            code="EAST", name="Leipzig warehouse"
        )
        for sku, name, kind, price, tax, cost, main_qty, east_qty in DEMO_PRODUCTS:
            if Product.objects.filter(sku=sku).exists():
                continue
            product = inventory_services.product_create(
                sku=sku,
                name=name,
                kind=kind,
                unit_price=Decimal(price),
                tax_rate=Decimal(tax),
                standard_cost=Decimal(cost),
            )
            for warehouse, quantity in ((main, main_qty), (east, east_qty)):
                if Decimal(quantity) > 0:
                    pipeline.stock_receive(
                        product_id=product.pk,
                        warehouse_id=warehouse.pk,
                        quantity=Decimal(quantity),
                        reference="Opening stock",
                    )

    def _cash(self) -> None:
        """Service orders (invoiced on approval) and what the finance clerk did with them: a
        payment naming its invoice, one leaving unapplied cash, a partial one, an open dispute,
        and two invoices of C0005 still open for the payment entry page."""
        if Payment.objects.exists():
            return
        user_model = get_user_model()
        sales, finance = user_model.objects.get(username="sales"), user_model.objects.get(username="finance")
        main = Warehouse.objects.get(code="MAIN")
        products = {
            product.sku: product for product in Product.objects.filter(sku__in=["SVC-INST", "SVC-MAINT"])
        }
        customers = {customer.code: customer for customer in Customer.objects.all()}

        def invoice(code: str, sku: str, quantity: str, reference: str):
            order = pipeline.order_place(
                by=sales,
                submit=True,
                customer_id=customers[code].pk,
                lines=[LineInput(product_id=products[sku].pk, quantity=Decimal(quantity))],
                warehouse_id=main.pk,
                customer_reference=reference,
            )
            return order.invoices.get()

        def pay(code: str, amount: str, reference: str, allocations=None):
            return pipeline.payment_record(
                customer_id=customers[code].pk,
                amount=amount,
                reference=reference,
                received_on=timezone.localdate(),
                allocations=allocations,
                by=finance,
            )

        paid = invoice("C0001", "SVC-MAINT", "2", "PO-A-1001")
        pay("C0001", str(paid.total), f"Acme Retail {paid.number}")
        invoice("C0002", "SVC-INST", "3", "Bistro install")
        pay("C0002", "400.00", "Bistro Nord KG Dezember")  # more than is open: unapplied cash
        invoice("C0003", "SVC-MAINT", "1", "Contrat 2026")
        pay("C0003", "300.00", "Cafe Lumiere acompte")  # partly paid
        disputed = invoice("C0004", "SVC-INST", "4", "DO-77")
        pipeline.dispute_open(
            invoice_id=disputed.pk,
            amount="95.00",
            reason="quality",
            note="one hour of training billed but not given",
            by=finance,
        )
        invoice("C0005", "SVC-MAINT", "1", "EH-Wien-12")
        invoice("C0005", "SVC-INST", "2", "EH-Wien-13")

    def _discount_taken(self) -> None:
        """C0007 (2 % 10, net 30) paid an invoice within the discount period, less the discount:
        the invoice is paid, the discount posted to sales discounts with the tax reduced."""
        customer = Customer.objects.get(code="C0007")
        if CashDiscount.objects.filter(customer=customer).exists():
            return
        user_model = get_user_model()
        sales, finance = user_model.objects.get(username="sales"), user_model.objects.get(username="finance")
        order = pipeline.order_place(
            by=sales,
            submit=True,
            customer_id=customer.pk,
            lines=[LineInput(product_id=Product.objects.get(sku="SVC-MAINT").pk, quantity=Decimal("1"))],
            warehouse_id=Warehouse.objects.get(code="MAIN").pk,
            customer_reference="Wartung 2026",
        )
        invoice = order.invoices.get()
        pipeline.payment_record(
            customer_id=customer.pk,
            amount=str(invoice.total - invoice.discount_amount),
            reference=f"{invoice.number} abzgl. 2 % Skonto",
            received_on=timezone.localdate(),
            by=finance,
        )

    def _commercial(self) -> None:
        """A price list for the hotel chain (quantity breaks on beans and cups), and two
        quotations: one sent and waiting for Bistro Nord, one the hotels accepted into an order."""
        manager = get_user_model().objects.get(username="manager")
        sales = get_user_model().objects.get(username="sales")
        products = {product.sku: product for product in Product.objects.all()}
        customers = {customer.code: customer for customer in Customer.objects.all()}
        if not pricing_selectors.price_list_list(filters={"name": "Hotel chains 2026"}).exists():
            hotels = pricing_services.price_list_create(
                name="Hotel chains 2026",
                currency="EUR",
                valid_from=timezone.localdate().replace(month=1, day=1),
                items=[
                    pricing_services.ItemInput(products["BEAN-1KG"].pk, Decimal("0"), Decimal("17.50")),
                    pricing_services.ItemInput(products["BEAN-1KG"].pk, Decimal("50"), Decimal("16.20")),
                    pricing_services.ItemInput(products["CUP-6"].pk, Decimal("10"), Decimal("34.00")),
                ],
                by=manager,
            )
            customer_services.customer_update(
                customer_id=customers["C0005"].pk, by=manager, price_list=hotels.pk
            )
        if quotation_selectors.quotation_list().exists():
            return
        waiting = quotation_services.quotation_create(
            customer_id=customers["C0002"].pk,
            lines=[
                LineInput(product_id=products["ESP-100"].pk, quantity=Decimal("1")),
                LineInput(
                    product_id=products["GRD-20"].pk, quantity=Decimal("1"), unit_price=Decimal("320.00")
                ),
                LineInput(product_id=products["SVC-INST"].pk, quantity=Decimal("2")),
            ],
            customer_reference="Neueröffnung Altona",
            by=sales,
        )
        quotation_services.quotation_send(quotation_id=waiting.pk, by=sales)
        accepted = quotation_services.quotation_create(
            customer_id=customers["C0005"].pk,
            lines=[
                LineInput(product_id=products["BEAN-1KG"].pk, quantity=Decimal("60")),
                LineInput(product_id=products["CUP-6"].pk, quantity=Decimal("12")),
            ],
            customer_reference="EH-Wien-Q1",
            by=sales,
        )
        quotation_services.quotation_send(quotation_id=accepted.pk, by=sales)
        pipeline.quotation_accept(quotation_id=accepted.pk, by=sales)

    def _returns(self) -> None:
        """A return (RMA): two milk jugs shipped to C0006, one sent back and received into stock,
        credited by a credit note. Runs once (any return?)."""
        if return_list().exists():
            return
        user_model = get_user_model()
        sales = user_model.objects.get(username="sales")
        warehouse = user_model.objects.get(username="warehouse")
        jug = Product.objects.get(sku="MILK-JUG")
        order = pipeline.order_place(
            by=sales,
            submit=True,
            customer_id=Customer.objects.get(code="C0006").pk,
            lines=[LineInput(product_id=jug.pk, quantity=Decimal("2"))],
            warehouse_id=Warehouse.objects.get(code="MAIN").pk,
            customer_reference="Jugs for the bar",
        )
        if order.status != "open":  # the demo's credit check held it: nothing to ship
            return
        shipment = pipeline.shipment_create(order_id=order.pk, by=warehouse)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=warehouse)
        pipeline.shipment_ship(
            shipment_id=shipment.pk, carrier="DHL", tracking_number="JJD0001", by=warehouse
        )
        rma = pipeline.return_request(
            order_id=order.pk,
            lines=[ReturnLineInput(order.lines.get().pk, Decimal("1"), restock=True)],
            reason="One jug too many",
            by=sales,
        )
        pipeline.return_receive(return_id=rma.pk, by=warehouse)
