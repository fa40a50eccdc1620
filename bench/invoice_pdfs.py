"""Invoice PDF rendering throughput: one process renders the same 10-line invoice N times.

    .venv/bin/python bench/invoice_pdfs.py                   # 200 PDFs after 5 warm-up renders
    .venv/bin/python bench/invoice_pdfs.py -n 500
    .venv/bin/python bench/invoice_pdfs.py --examples /tmp/pdf   # also write example PDFs

It builds a scratch database `o2c_bench_pdfs` on the local PostgreSQL (DATABASE_URL's server),
migrates it, and creates through the services and the pipeline a customer with a long billing
address and a realistic order of 10 lines (8 stock products, one at 7 % tax and two discounted,
and 2 service lines), which is approved, shipped and so invoiced. Each measured render is what
the delivery handler does before it stores and emails: load the invoice with its customer, order
and shipment, read its lines, render the template and lay it out with WeasyPrint. Prints PDFs per
second (N / wall time) and the median and p90 of the per-PDF times.

`--examples DIR` writes that invoice and a credit note on two of its lines as PDFs (the source
of docs/invoice-example.png and docs/credit-note-example.png).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "o2c_bench_pdfs"

CUSTOMER = {
    "code": "C9001",
    "name": "Evergreen Hotels & Resorts Aktiengesellschaft",
    "email": "kreditoren@evergreen.example",
    "payment_terms_days": 30,
    "vat_number": "ATU13585627",
    "billing_address": (
        "Zentraleinkauf / Kreditorenbuchhaltung\n"
        "Attn. Ms Johanna Brandstätter-Oberleitner\n"
        "Kärntner Ring 5–7, Stiege 2, 4. Stock, Top 12\n"
        "1010 Wien\n"
        "Austria"
    ),
}

# sku, name, kind, unit price, tax %, quantity, discount %
LINES = [
    ("ESP-100", "Espresso machine Barista 100, dual boiler, 230 V", "stock", "1290.00", "19.00", "2", "5"),
    ("GRD-20", "Coffee grinder G20, 64 mm flat burrs", "stock", "349.00", "19.00", "2", "0"),
    ("BEAN-1KG", "Coffee beans, house blend, 1 kg", "stock", "18.90", "7.00", "24", "0"),
    ("BEAN-DECAF", "Coffee beans, decaf Swiss water, 1 kg", "stock", "21.50", "7.00", "6", "0"),
    ("CUP-6", "Cappuccino cups, set of 6", "stock", "39.50", "19.00", "8", "10"),
    ("MILK-JUG", "Milk jug 0.6 l, stainless", "stock", "24.90", "19.00", "4", "0"),
    ("TAMP-58", "Tamper 58 mm, walnut handle", "stock", "44.00", "19.00", "2", "0"),
    ("DESCALE", "Descaler, 1 l", "stock", "12.50", "19.00", "6", "0"),
    ("SVC-INST", "Installation and barista training on site (hour)", "service", "95.00", "19.00", "3.5", "0"),
    ("SVC-MAINT", "Annual maintenance contract, 2 machines", "service", "480.00", "19.00", "1", "0"),
]


def prepare_environment(media_root: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "o2c.settings",
            "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",
            "MEDIA_ROOT": media_root,
            "O2C_TASKS_EAGER": "true",  # the delivery queued by shipping runs in this process
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        ["psql", f"{SERVER_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True
    )
    subprocess.run(["psql", f"{SERVER_URL}/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def invoice_build():
    """The invoice of a shipped 10-line order, built as production builds it."""
    from customers.services import customer_create
    from inventory.services import product_create, warehouse_create
    from invoicing.models import Invoice
    from o2c import pipeline
    from orders.services import LineInput

    warehouse = warehouse_create(code="MAIN", name="Main warehouse")
    customer = customer_create(**CUSTOMER, credit_limit=None)  # the system: no limit
    order_lines = []
    for sku, name, kind, price, tax_rate, quantity, discount in LINES:
        product = product_create(
            sku=sku, name=name, kind=kind, unit_price=Decimal(price), tax_rate=Decimal(tax_rate)
        )
        if kind == "stock":
            pipeline.stock_receive(
                product_id=product.pk, warehouse_id=warehouse.pk, quantity=Decimal(100), reference="bench"
            )
        order_lines.append(
            LineInput(product_id=product.pk, quantity=Decimal(quantity), discount_percent=Decimal(discount))
        )
    order = pipeline.order_place(
        by=None,
        submit=True,
        customer_id=customer.pk,
        lines=order_lines,
        warehouse_id=warehouse.pk,
        customer_reference="PO 2026-HOT-0815",
    )
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL Freight", tracking_number="JJD0001", by=None)
    return Invoice.objects.get(shipment=shipment)


def render_once(invoice_id: int) -> bytes:
    from invoicing.documents import invoice_pdf_render
    from invoicing.models import Invoice

    invoice = Invoice.objects.select_related("customer", "order", "shipment").get(pk=invoice_id)
    return invoice_pdf_render(invoice=invoice)


def examples_write(invoice, directory: Path) -> None:
    from invoicing.documents import credit_note_pdf_render
    from invoicing.services import CreditLineInput
    from o2c import pipeline

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "invoice-example.pdf").write_bytes(render_once(invoice.pk))
    lines = list(invoice.lines.order_by("position"))
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="Two cappuccino cups arrived broken; one tamper returned unused",
        lines=[
            CreditLineInput(invoice_line_id=lines[4].pk, quantity=Decimal("2")),
            CreditLineInput(invoice_line_id=lines[6].pk, quantity=Decimal("1")),
        ],
        by=None,
    )
    (directory / "credit-note-example.pdf").write_bytes(credit_note_pdf_render(credit_note=note))
    print(f"examples written to {directory}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=200, help="PDFs to render and time")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--examples", type=Path, help="write the example invoice and credit note here")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="o2c-bench-pdfs-") as media_root:
        prepare_environment(media_root)
        from django.db import connection

        invoice = invoice_build()
        line_count = invoice.lines.count()
        for _ in range(options.warmup):
            pdf = render_once(invoice.pk)
        timings = []
        began = time.perf_counter()
        for _ in range(options.count):
            started = time.perf_counter()
            pdf = render_once(invoice.pk)
            timings.append(time.perf_counter() - started)
        elapsed = time.perf_counter() - began
        if options.examples:
            examples_write(invoice, options.examples)
        connection.close()

    timings.sort()
    print(
        f"{options.count} PDFs of invoice {invoice.number} ({line_count} lines, "
        f"{len(pdf):,} bytes each) in {elapsed:.2f} s, one process, after {options.warmup} warm-up renders"
    )
    print(f"PDFs/second: {options.count / elapsed:.1f}")
    print(
        f"ms per PDF: median {statistics.median(timings) * 1000:.1f}, p90 {timings[int(len(timings) * 0.9) - 1] * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
