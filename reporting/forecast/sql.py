"""The SQL of the cash forecast (reporting.forecast.selectors explains the method).

Parameters: as_of, since (the day before the 12 months of behaviour), weeks, min_sample,
min_promises, tz. Every CTE reads only rows known on `as_of`: invoices issued by then with their
balance then (receivables.open_items), payments applied by then, promises made by then and not
settled or cancelled by then, disputes open then.
"""

from __future__ import annotations

from receivables.open_items.selectors import OPEN_ITEMS_NOW_SQL, OPEN_ITEMS_SQL

# How the customers paid: one observation per payment applied to an invoice in the 12 months up to
# as_of, its days late = the day it was applied − the invoice's due date (negative: early).
_BEHAVIOUR = """
paid AS (
    SELECT e.customer_id, e.entry_date - i.due_date AS late
      FROM receivables_receivableentry e JOIN invoicing_invoice i ON i.id = e.invoice_id
     WHERE e.kind = 'allocation' AND e.entry_date > %(since)s AND e.entry_date <= %(as_of)s
),
sample AS (SELECT customer_id, COUNT(*) AS n FROM paid GROUP BY customer_id),
own AS (
    SELECT p.customer_id, p.late, COUNT(*)::numeric AS w
      FROM paid p JOIN sample s ON s.customer_id = p.customer_id AND s.n >= %(min_sample)s
     GROUP BY p.customer_id, p.late
),
pool AS (SELECT late, COUNT(*)::numeric AS w FROM paid GROUP BY late)
"""

# The promises open on as_of, the share of such promises kept (the customer's, else its
# collector's, else everyone's, each over the 12 months and only with min_promises settled, else
# one half), the open invoices each covers (those it names, else all the customer's) and what of
# it is expected: rate × the promised amount, at most what those invoices still owe undisputed.
_PROMISES = """
open_promises AS (
    SELECT p.id, p.customer_id, p.amount, p.promised_on
      FROM receivables_promise p
     WHERE p.made_on <= %(as_of)s
       AND NOT (p.status IN ('kept', 'broken') AND p.settled_on <= %(as_of)s)
       AND NOT EXISTS (SELECT 1 FROM receivables_promiseevent v
                        WHERE v.promise_id = p.id AND v.to_status = 'cancelled'
                          AND (v.at AT TIME ZONE %(tz)s)::date <= %(as_of)s)
),
settled_promises AS (
    SELECT p.customer_id, a.collector_id, CASE WHEN p.status = 'kept' THEN 1.0 ELSE 0.0 END AS kept
      FROM receivables_promise p
      LEFT JOIN receivables_collectorassignment a ON a.customer_id = p.customer_id
     WHERE p.status IN ('kept', 'broken') AND p.settled_on > %(since)s AND p.settled_on <= %(as_of)s
),
rated AS (
    SELECT o.*, c.rate AS c_rate, c.n AS c_n, k.rate AS k_rate, k.n AS k_n, e.rate AS e_rate, e.n AS e_n
      FROM open_promises o
      LEFT JOIN receivables_collectorassignment a ON a.customer_id = o.customer_id
      CROSS JOIN LATERAL (SELECT AVG(kept) AS rate, COUNT(*) AS n FROM settled_promises s
                           WHERE s.customer_id = o.customer_id) c
      CROSS JOIN LATERAL (SELECT AVG(kept) AS rate, COUNT(*) AS n FROM settled_promises s
                           WHERE s.collector_id = a.collector_id) k
      CROSS JOIN (SELECT AVG(kept) AS rate, COUNT(*) AS n FROM settled_promises) e
),
promise_rates AS (
    SELECT id, customer_id, amount, promised_on,
           CASE WHEN c_n >= %(min_promises)s THEN c_rate WHEN k_n >= %(min_promises)s THEN k_rate
                WHEN e_n >= %(min_promises)s THEN e_rate ELSE 0.5 END AS rate,
           CASE WHEN c_n >= %(min_promises)s THEN 'customer' WHEN k_n >= %(min_promises)s THEN 'collector'
                WHEN e_n >= %(min_promises)s THEN 'all' ELSE 'none' END AS rate_source,
           CASE WHEN c_n >= %(min_promises)s THEN c_n WHEN k_n >= %(min_promises)s THEN k_n
                WHEN e_n >= %(min_promises)s THEN e_n ELSE 0 END AS rate_n
      FROM rated
),
coverage AS (
    SELECT r.id AS promise_id, i.invoice_id, GREATEST(i.balance - i.disputed, 0) AS amount
      FROM promise_rates r JOIN items i ON i.customer_id = r.customer_id
     WHERE NOT EXISTS (SELECT 1 FROM receivables_promiseinvoice x WHERE x.promise_id = r.id)
        OR EXISTS (SELECT 1 FROM receivables_promiseinvoice x
                    WHERE x.promise_id = r.id AND x.invoice_id = i.invoice_id)
),
pools AS (SELECT promise_id, SUM(amount) AS pool FROM coverage GROUP BY promise_id),
promised AS (
    SELECT r.*, COALESCE(p.pool, 0) AS pool, LEAST(r.amount, COALESCE(p.pool, 0)) AS counted,
           r.rate * LEAST(r.amount, COALESCE(p.pool, 0)) AS expected
      FROM promise_rates r LEFT JOIN pools p ON p.promise_id = r.id
)
"""

# Each open invoice's undisputed balance less what its promises are expected to bring, grouped
# by customer and days past due (the invoices of a group share their dating); then each group's
# chance of being paid in each week: the customer's own days late (at least min_sample of them)
# later than the group's days past due, else the portfolio's, else (no later payment ever seen)
# after the horizon, else (no payment at all) on the due date.
_DATING = """
taken AS (
    SELECT c.invoice_id, SUM(p.expected / p.pool) AS share
      FROM coverage c JOIN promised p ON p.id = c.promise_id
     WHERE p.pool > 0
     GROUP BY c.invoice_id
),
amounts AS (
    SELECT i.customer_id, i.days_past_due AS age, GREATEST(i.balance, 0) AS balance, i.disputed,
           GREATEST(i.balance - i.disputed, 0) * GREATEST(1 - COALESCE(t.share, 0), 0) AS expected
      FROM items i LEFT JOIN taken t ON t.invoice_id = i.invoice_id
),
groups AS (
    SELECT customer_id, age, SUM(expected) AS a, SUM(disputed) AS d, SUM(balance) AS b, COUNT(*) AS n
      FROM amounts GROUP BY customer_id, age
),
fit_own AS (
    SELECT g.customer_id, g.age, o.late, o.w / SUM(o.w) OVER (PARTITION BY g.customer_id, g.age) AS p
      FROM groups g JOIN own o ON o.customer_id = g.customer_id AND o.late > g.age
),
unfit AS (
    SELECT g.customer_id, g.age FROM groups g
     WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.customer_id = g.customer_id AND o.late > g.age)
),
fit_pool AS (
    SELECT u.customer_id, u.age, l.late, l.w / SUM(l.w) OVER (PARTITION BY u.customer_id, u.age) AS p
      FROM unfit u JOIN pool l ON l.late > u.age
),
fits AS (
    SELECT customer_id, age, 'own' AS source, LEAST((late - age - 1) / 7 + 1, %(weeks)s + 1) AS week,
           SUM(p) AS p
      FROM fit_own GROUP BY 1, 2, 4
    UNION ALL
    SELECT customer_id, age, 'portfolio', LEAST((late - age - 1) / 7 + 1, %(weeks)s + 1), SUM(p)
      FROM fit_pool GROUP BY 1, 2, 4
    UNION ALL
    SELECT u.customer_id, u.age,
           CASE WHEN EXISTS (SELECT 1 FROM pool) THEN 'later_than_seen' ELSE 'due_date' END,
           CASE WHEN EXISTS (SELECT 1 FROM pool) THEN %(weeks)s + 1
                ELSE LEAST((GREATEST(-u.age, 1) - 1) / 7 + 1, %(weeks)s + 1) END,
           1.0
      FROM unfit u
     WHERE NOT EXISTS (SELECT 1 FROM pool l WHERE l.late > u.age)
)
"""

# One row per (week, source): expected, variance (each group paid in a week or not, σ = a √(p (1 − p));
# a customer's groups move together: their σ add up; customers are independent: their σ² add up),
# disputed (dated the same way, kept apart), invoices' balance (the naive forecast: on the due
# date, or week 1 when overdue), promises.
_WEEKS = """
SELECT week, source, SUM(e), SUM(s * s), SUM(d)
  FROM (SELECT f.week, f.source, f.customer_id, SUM(g.a * f.p) AS e, SUM(g.d * f.p) AS d,
               SUM(g.a * SQRT(GREATEST(f.p * (1 - f.p), 0))) AS s
          FROM fits f JOIN groups g ON g.customer_id = f.customer_id AND g.age = f.age
         GROUP BY f.week, f.source, f.customer_id) per_customer
 GROUP BY week, source
UNION ALL
SELECT LEAST((GREATEST(-age, 1) - 1) / 7 + 1, %(weeks)s + 1), 'naive', SUM(b), 0, 0
  FROM groups GROUP BY 1
UNION ALL
SELECT LEAST((GREATEST(promised_on - %(as_of)s::date, 1) - 1) / 7 + 1, %(weeks)s + 1), 'promise',
       SUM(expected), SUM(counted * counted * rate * (1 - rate)), 0
  FROM promised GROUP BY 1
"""

_PROMISE_ROWS = """
SELECT p.id, p.customer_id, c.code, c.name, p.amount, p.promised_on, p.rate, p.rate_source, p.rate_n,
       p.counted, p.expected
  FROM promised p JOIN customers_customer c ON c.id = p.customer_id
 ORDER BY p.promised_on, p.id
"""

# What was received on the invoices open on as_of in each of the weeks after it: payments applied
# less applications reversed (the backtest's "actual").
_ACTUAL = """
SELECT (e.entry_date - %(as_of)s::date - 1) / 7 + 1 AS week, -SUM(e.amount)
  FROM receivables_receivableentry e JOIN items i ON i.invoice_id = e.invoice_id
 WHERE e.kind IN ('allocation', 'allocation_reversal')
   AND e.entry_date > %(as_of)s AND e.entry_date <= %(as_of)s::date + 7 * %(weeks)s
 GROUP BY 1
"""


def items_sql(*, now: bool) -> str:
    return OPEN_ITEMS_NOW_SQL if now else OPEN_ITEMS_SQL


def weeks_sql(*, now: bool) -> str:
    return f"WITH {items_sql(now=now)}, {_BEHAVIOUR}, {_PROMISES}, {_DATING} {_WEEKS}"


def promises_sql(*, now: bool) -> str:
    return f"WITH {items_sql(now=now)}, {_PROMISES} {_PROMISE_ROWS}"


def actual_sql() -> str:
    return f"WITH {OPEN_ITEMS_SQL} {_ACTUAL}"
