"""The figures of the home-page dashboards (issue 7; docs/decisions/0020-dashboard-charts.md).

One function per panel, each returning plain data (dataclasses, lists) from SQL aggregates or the
report functions, and one function per home page that gathers its panels and draws their charts
(reporting/charts):

- `manager_dashboard`: KPI tiles with their change against 30 days ago, the DSO trend over twelve
  month-ends, aging per month-end as stacked bars, the order pipeline by status, cash collected
  per week, the top overdue customers, late shipments and the credit-hold queue;
- `finance_dashboard`: receivable tiles, aging bars, cash per week, the hold queue, open disputes,
  the top overdue customers;
- `sales_dashboard`: the pipeline (with the user's own orders), held orders, the top customers
  by sales this month, late orders.

The number of SQL statements of a page does not depend on the number of customers, orders or
invoices (tests assert it): the trend reads the nightly KPI snapshots (reporting/snapshots.py) and
computes only the month-ends that have none — one aging aggregate per such date and one statement
for all their credit sales.
"""

from reporting.dashboard.dashboards import finance_dashboard, manager_dashboard, sales_dashboard

__all__ = ["finance_dashboard", "manager_dashboard", "sales_dashboard"]  # o2c/views.py: one per role
