"""Customer risk: a score from 0 to 100 (higher: riskier) and the factors it is made of, each with
its figure, its points and its rule in words, so a collector can see why (decision 0059).

Over the last 12 months of the customer's invoices settled by payment:

| factor                              | points                                       | at most |
| ---                                 | ---                                          | ---     |
| average days paid late              | 1 per day                                    | 30      |
| share of invoices paid late         | 20 × the share                               | 20      |
| trend: last 3 months against the 3 before | 1 per 3 days later on average           | 10      |
| broken promises (12 months)         | 5 each                                       | 15      |
| disputes opened (12 months)         | 5 each                                       | 10      |
| open balance against the credit limit | 0 up to half the limit, then linear to 10 at the limit | 10 |
| age of the relationship             | 5 under 6 months, 2 under a year              | 5       |

An invoice is paid late when the payment that settled it is dated after its due date; its days
late are the difference. Computed for any number of customers in a fixed number of queries, and
stored (`RiskScore`) nightly and after each payment of the customer: the credit check, the hold
queue, the worklist and the customer page read the stored score (decision 0067).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min, OuterRef, Subquery

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c.money import round_places
from receivables.collections.models import Promise
from receivables.models import Dispute, ReceivableEntry
from receivables.selectors import receivables_positions


@dataclass(frozen=True)
class RiskFactor:
    key: str
    label: str
    value: str
    points: Decimal
    max_points: int
    rule: str


@dataclass(frozen=True)
class CustomerRisk:
    customer_id: int
    as_of: date
    score: int
    factors: list[RiskFactor]
    method: str

    def top_factors(self, n: int = 3) -> list[RiskFactor]:
        """The factors that weigh most (points above zero), heaviest first."""
        weighing = [factor for factor in self.factors if factor.points > 0]
        return sorted(weighing, key=lambda factor: -factor.points)[:n]

    def summary(self) -> str:
        """The top factors in words, e.g. "Broken promises 10.0/15, Disputes 5.0/10"."""
        top = self.top_factors()
        return ", ".join(f"{f.label} {f.points}/{f.max_points}" for f in top) or "no factor weighs"


def _points(value: Decimal, cap: int) -> Decimal:
    return round_places(max(Decimal(0), min(Decimal(cap), value)), 1)


def _settled_invoices(
    customer_ids: list[int], since: date, as_of: date
) -> dict[int, list[tuple[date, date]]]:
    """Per customer, (due date, settled date) of its invoices settled by payment in the window: the
    date of the last allocation to each invoice now paid. One query."""
    last_paid = (
        ReceivableEntry.objects.filter(invoice=OuterRef("pk"), kind=ReceivableEntry.Kind.ALLOCATION)
        .values("invoice")
        .annotate(last=Max("entry_date"))
        .values("last")[:1]
    )
    rows = (
        invoice_rows()
        .filter(customer_id__in=customer_ids, status="paid")
        .annotate(settled_on=Subquery(last_paid))
        .filter(settled_on__gte=since, settled_on__lte=as_of)
        .values_list("customer_id", "due_date", "settled_on")
    )
    settled: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for customer_id, due, settled_on in rows:
        settled[customer_id].append((due, settled_on))
    return settled


def _mean(values: list[int]) -> Decimal:
    return Decimal(sum(values)) / len(values) if values else Decimal(0)


def customers_risk(*, customer_ids: list[int], as_of: date) -> dict[int, CustomerRisk]:
    """The risk of each customer, in a fixed number of queries however many."""
    year_ago, recent = as_of - timedelta(days=365), as_of - timedelta(days=91)
    customers = {customer.pk: customer for customer in customer_list().filter(pk__in=customer_ids)}
    ids = list(customers)
    settled_by_customer = _settled_invoices(ids, year_ago, as_of)
    broken_by_customer = dict(
        Promise.objects.filter(customer_id__in=ids, status=Promise.Status.BROKEN, settled_on__gt=year_ago)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    disputes_by_customer = dict(
        Dispute.objects.filter(customer_id__in=ids, opened_on__gt=year_ago)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    positions = receivables_positions(customer_ids=ids)
    first_invoice = dict(
        invoice_rows().filter(customer_id__in=ids).values("customer_id").annotate(first=Min("issue_date"))
        .values_list("customer_id", "first")
    )  # fmt: skip
    method = (__doc__ or "").split("\n\n")[0].replace("\n", " ")
    risks = {}
    for customer_id, customer in customers.items():
        settled = settled_by_customer.get(customer_id, [])
        late_days = [max(0, (settled_on - due).days) for due, settled_on in settled]
        average = _mean(late_days)
        share = (
            Decimal(sum(1 for days in late_days if days > 0)) / len(late_days) if late_days else Decimal(0)
        )
        last_three = [max(0, (s - d).days) for d, s in settled if s > recent]
        three_before = [max(0, (s - d).days) for d, s in settled if recent - timedelta(days=91) < s <= recent]
        trend = _mean(last_three) - _mean(three_before) if last_three and three_before else Decimal(0)
        broken = broken_by_customer.get(customer_id, 0)
        disputes = disputes_by_customer.get(customer_id, 0)
        balance = positions[customer_id].open_balance
        limit = customer.credit_limit
        if limit is None:
            usage_points, usage = Decimal(0), f"{balance} open, no credit limit"
        elif limit <= 0:
            usage_points, usage = (
                Decimal(10 if balance > 0 else 0),
                f"{balance} open against a limit of {limit}",
            )
        else:
            ratio = balance / limit
            usage_points = (ratio - Decimal("0.5")) * 20
            usage = f"{balance} open, {round_places(ratio * 100, 0)} % of {limit}"
        since = min(first_invoice.get(customer_id) or customer.created_at.date(), customer.created_at.date())
        months = (as_of - since).days // 30
        age_points = Decimal(5 if months < 6 else 2 if months < 12 else 0)
        factors = [
            RiskFactor("days_late", "Average days paid late", f"{round_places(average, 1)} days over {len(late_days)} invoices",
                       _points(average, 30), 30, "1 point per day"),
            RiskFactor("share_late", "Invoices paid late", f"{round_places(share * 100, 0)} %",
                       _points(share * 20, 20), 20, "20 × the share paid after the due date"),
            RiskFactor("trend", "Trend", f"{round_places(trend, 1):+} days (last 3 months against the 3 before)",
                       _points(trend / 3, 10), 10, "1 point per 3 days later on average"),
            RiskFactor("broken_promises", "Broken promises", f"{broken} in 12 months",
                       _points(Decimal(5 * broken), 15), 15, "5 each"),
            RiskFactor("disputes", "Disputes", f"{disputes} opened in 12 months",
                       _points(Decimal(5 * disputes), 10), 10, "5 each"),
            RiskFactor("credit_usage", "Open balance against the credit limit", usage, _points(usage_points, 10), 10,
                       "0 up to half the limit, then linear to 10 at the limit"),
            RiskFactor("relationship", "Age of the relationship", f"{months} months", age_points, 5,
                       "5 under 6 months, 2 under a year"),
        ]  # fmt: skip
        score = int(round_places(sum((factor.points for factor in factors), Decimal(0)), 0))
        risks[customer_id] = CustomerRisk(
            customer_id=customer_id, as_of=as_of, score=min(score, 100), factors=factors, method=method
        )
    return risks


def customer_risk(*, customer_id: int, as_of: date) -> CustomerRisk:
    return customers_risk(customer_ids=[customer_id], as_of=as_of)[customer_id]
