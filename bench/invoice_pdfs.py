"""Document PDFs rendered and stored per second by one worker process (issue 14, item 4).

    .venv/bin/python bench/invoice_pdfs.py --json OUT.json            # 60 invoices, 20 of each other
    .venv/bin/python bench/invoice_pdfs.py --json OUT.json --quick    # 5 of each: a smoke run
    .venv/bin/python bench/invoice_pdfs.py --baseline                 # also the renderer before 0052
    .venv/bin/python bench/invoice_pdfs.py --examples /tmp/pdf        # write one PDF of each kind

Data, built through the services and the pipeline: a customer with a five-line billing address
and a 10-line order (8 stock products, two at 7 % tax, two discounted; 2 service lines), approved,
shipped and so invoiced; a credit note on two of its lines; the order's confirmation; the
customer's statement of account. Each measured PDF is what a worker does for it: read the document
with what it prints (customer, order, shipment, lines), render the template, lay it out with
WeasyPrint and store the file (default storage, a temporary MEDIA_ROOT). Every PDF is rendered
anew: nothing is cached but what is the same for every document (decision 0052).

The database: DATABASE_URL when set (the harness's migrated `o2c_bench`; codes get a per-run
suffix so runs never collide), else a scratch `o2c_bench_pdfs` on the local server. `--baseline`
adds a row rendered the way o2c/documents.py did before decision 0052 (WeasyPrint's defaults with
one shared FontConfiguration) in the same process, for a before/after on the same machine state.

Per document kind: PDFs/s (N / wall time), median and p90 ms per PDF (wall), and CPU ms per PDF
(process time: what the process would take on an idle core, less sensitive to a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
SCRATCH_DATABASE = "o2c_bench_pdfs"
TABLE = "invoice_pdfs"
COMMAND = ".venv/bin/python bench/invoice_pdfs.py --json OUT.json"

CUSTOMER = {
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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_environment(media_root: str) -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"{SERVER_URL}/{SCRATCH_DATABASE}"
        log(f"scratch database {SCRATCH_DATABASE}")
        subprocess.run(
            ["psql", f"{SERVER_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"],
            check=True,
        )
        subprocess.run(
            ["psql", f"{SERVER_URL}/postgres", "-qc", f"CREATE DATABASE {SCRATCH_DATABASE}"], check=True
        )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "o2c.settings",
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get(
                "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
            ),
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",
            "MEDIA_ROOT": media_root,
            "O2C_TASKS_EAGER": "true",  # the invoice delivery queued by shipping runs in this process
        }
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def documents_build(suffix: str) -> dict[str, int]:
    """A shipped 10-line order's invoice, a credit note on two of its lines, the order and its
    customer, built as production builds them."""
    from customers.services import customer_create
    from inventory.models import Warehouse
    from inventory.services import product_create, warehouse_create
    from invoicing.models import Invoice
    from invoicing.services import CreditLineInput
    from o2c import pipeline
    from orders.services import LineInput

    warehouse = Warehouse.objects.filter(code="MAIN").first() or warehouse_create(
        code="MAIN", name="Main warehouse"
    )
    customer = customer_create(code=f"C9{suffix}", **CUSTOMER, credit_limit=None)  # the system: no limit
    order_lines = []
    for sku, name, kind, price, tax_rate, quantity, discount in LINES:
        product = product_create(
            sku=f"{sku}-{suffix}", name=name, kind=kind, unit_price=Decimal(price), tax_rate=Decimal(tax_rate)
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
    invoice = Invoice.objects.get(shipment=shipment)
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
    return {"invoice": invoice.pk, "credit_note": note.pk, "order": order.pk, "customer": customer.pk}


def renderers(ids: dict[str, int]) -> dict[str, Callable[[], bytes]]:
    """Per document kind, what a worker does for one PDF: read it with what it prints, render."""
    from django.utils import timezone

    from customers.models import Customer
    from invoicing.documents import credit_note_pdf_render, invoice_pdf_render
    from invoicing.models import CreditNote, Invoice
    from orders.documents import order_confirmation_pdf_render
    from orders.models import SalesOrder
    from receivables.statements.documents import statement_pdf_render
    from receivables.statements.selectors import statement_get

    def invoice() -> bytes:
        document = Invoice.objects.select_related("customer", "order", "shipment").get(pk=ids["invoice"])
        return invoice_pdf_render(invoice=document)

    def credit_note() -> bytes:
        document = CreditNote.objects.select_related("customer", "invoice").get(pk=ids["credit_note"])
        return credit_note_pdf_render(credit_note=document)

    def confirmation() -> bytes:
        order = SalesOrder.objects.select_related("customer").get(pk=ids["order"])
        return order_confirmation_pdf_render(order=order)

    def statement() -> bytes:
        today = timezone.localdate()
        customer = Customer.objects.get(pk=ids["customer"])
        return statement_pdf_render(
            statement=statement_get(customer=customer, period_from=today.replace(day=1), period_to=today)
        )

    return {
        "invoice, 10 lines": invoice,
        "credit note, 2 lines": credit_note,
        "order confirmation, 10 lines": confirmation,
        "statement of account": statement,
    }


def stored(render: Callable[[], bytes], name: str) -> Callable[[], int]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    def run() -> int:
        pdf = render()
        default_storage.save(f"bench/{name}.pdf", ContentFile(pdf))
        return len(pdf)

    return run


def measure(run: Callable[[], int], count: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        run()
    walls, cpus = [], []
    began = time.perf_counter()
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    elapsed = time.perf_counter() - began
    walls.sort()
    return {
        "PDFs/s": count / elapsed,
        "median ms": statistics.median(walls) * 1000,
        "p90 ms": walls[max(0, int(len(walls) * 0.9) - 1)] * 1000,
        "CPU ms per PDF": statistics.median(cpus) * 1000,
    }


UNITS = {"PDFs/s": ("PDFs/s", "higher"), "median ms": ("ms", "lower"), "p90 ms": ("ms", "lower"),
         "CPU ms per PDF": ("ms", "lower")}  # fmt: skip


def baseline_renderer() -> None:
    """o2c/documents.py's renderer as it was before decision 0052: the HTML as it is, WeasyPrint's
    own user-agent stylesheet and CSS parsing, one FontConfiguration per thread."""
    from weasyprint import HTML

    from o2c import documents

    def html_pdf_render(html: str, **options) -> bytes:
        document = HTML(string=html, url_fetcher=documents.OfflineURLFetcher(), base_url="about:blank")
        return document.write_pdf(font_config=documents.font_config(), **options)

    documents.html_pdf_render = html_pdf_render  # pdf_render looks it up in the module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the measurements here (bench protocol)")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("O2C_BENCH_QUICK") == "1")
    parser.add_argument("--base-url", help="ignored: this benchmark runs in-process")
    parser.add_argument("-n", "--count", type=int, help="invoices to time (default 60, 5 with --quick)")
    parser.add_argument("--baseline", action="store_true", help="also time the renderer before decision 0052")
    parser.add_argument("--examples", type=Path, help="write one PDF of each kind here")
    options = parser.parse_args()
    invoices = options.count or (5 if options.quick else 60)
    others = 5 if options.quick else max(1, invoices // 3)
    warmup = 1 if options.quick else 3

    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="o2c-bench-pdfs-") as media_root:
        prepare_environment(media_root)
        from django.db import connection

        suffix = secrets.token_hex(3).upper()
        log("building the documents through the pipeline")
        ids = documents_build(suffix)
        kinds = renderers(ids)
        if options.examples:
            options.examples.mkdir(parents=True, exist_ok=True)
            for label, render in kinds.items():
                (options.examples / f"{label.split(',')[0].replace(' ', '-')}.pdf").write_bytes(render())
            log(f"examples written to {options.examples}")
        rows = [
            (label, render, invoices if label.startswith("invoice") else others)
            for label, render in kinds.items()
        ]
        for label, render, count in rows:
            log(f"{label}: {count} PDFs")
            figures = measure(stored(render, label.split(",")[0].replace(" ", "-")), count, warmup)
            results += [(label, metric, value) for metric, value in figures.items()]
        if options.baseline:
            baseline_renderer()
            label = "invoice, 10 lines (renderer before 0052)"
            log(f"{label}: {invoices} PDFs")
            figures = measure(stored(kinds["invoice, 10 lines"], "invoice-before"), invoices, warmup)
            results += [(label, metric, value) for metric, value in figures.items()]
        connection.close()

    measurements = [
        {
            "table": TABLE,
            "row": row,
            "metric": metric,
            "value": round(value, 1),
            "unit": UNITS[metric][0],
            "better": UNITS[metric][1],
            "command": COMMAND,
        }
        for row, metric, value in results
    ]
    for item in measurements:
        print(f"{item['row']:44s} {item['metric']:15s} {item['value']:8.1f} {item['unit']}")
    if options.json:
        options.json.write_text(json.dumps(measurements, indent=2))


if __name__ == "__main__":
    main()
