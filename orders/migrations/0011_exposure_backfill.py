"""Decision 0050: what of each order is invoiced, then every customer's kept exposure set to the
sums it stands for (the same sums `manage.py credit_positions` checks against)."""

from django.db import migrations

BACKFILL = """
UPDATE orders_salesorder o
   SET amount_invoiced = i.total
  FROM (SELECT order_id, SUM(total) AS total FROM invoicing_invoice
         WHERE order_id IS NOT NULL GROUP BY order_id) i
 WHERE o.id = i.order_id;

INSERT INTO customers_customerexposure (customer_id, open_receivables, open_orders)
SELECT c.id,
       COALESCE((SELECT SUM(balance) FROM invoicing_invoice WHERE customer_id = c.id AND balance > 0), 0),
       COALESCE((SELECT SUM(total - amount_invoiced) FROM orders_salesorder
                  WHERE customer_id = c.id AND status IN ('open', 'fulfilled')), 0)
  FROM customers_customer c
ON CONFLICT (customer_id) DO UPDATE
   SET open_receivables = EXCLUDED.open_receivables, open_orders = EXCLUDED.open_orders;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_salesorder_amount_invoiced"),
        ("customers", "0005_customerexposure"),
        ("invoicing", "0010_invoice_open_customer_due"),
    ]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
