"""The day-by-day simulation: customers, the invoice days, each invoice's order, shipment and
fate, and the day's movements (bench/history/movements.py) and closing rows
(bench/history/closing.py)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from history.closing import Closing
from history.movements import Movements
from history.rows import CURRENCY, NULL, Days, Tables, half_up, money, next_working_day, pay_day, weekday
from history.world import (
    APPLY,
    CARRIERS,
    CITIES,
    CREDIT,
    DISPUTE_OPEN,
    DISPUTE_RESOLVE,
    HABITS,
    MONTH_FACTOR,
    NAME_A,
    NAME_B,
    NAME_C,
    PAY,
    REFUND,
    REVERSE,
    SOLO_PAY,
    TERMS,
    WEEKDAY_FACTOR,
    WRITE_OFF,
    weighted,
)


class History(Movements, Closing):
    """Simulates `years` of trading day by day and writes every row to `tables`."""

    def __init__(
        self,
        *,
        tables: Tables,
        customers: int,
        invoices: int,
        years: int,
        seed: int,
        today: date,
        warehouse_id: int,
        products: list[tuple[int, str, int, int]],
        accounts: dict[str, int],
        open_customer: int = 0,
    ):
        self.t = tables
        # `open_customer` invoices of the second half go to the last customer and stay open (the
        # payment page's worst case, bench/reports); 0: none
        self.open_customer = open_customer
        self.rng = random.Random(seed)
        self.n_customers = customers
        self.n_invoices = invoices
        self.today = today.toordinal()
        self.start = (today - relativedelta(years=years) + timedelta(days=1)).toordinal()
        self.days = Days(self.start - 400, self.today + 800)
        self.warehouse_id = warehouse_id
        self.products = products  # (id, name, price cents, tax rate %)
        self.accounts = accounts
        self.events: dict[int, list] = defaultdict(list)
        self.numbers: dict[str, int] = defaultdict(int)  # "invoice-2026" → last number
        # writers
        self.w_entry = tables.writer("receivables_receivableentry")
        self.w_alloc = tables.writer("receivables_allocation")
        self.w_cn = tables.writer("invoicing_creditnote")
        self.w_cnl = tables.writer("invoicing_creditnoteline")
        self.w_wo = tables.writer("receivables_writeoff")
        self.w_event = tables.writer("orders_orderevent")
        self.w_je = tables.writer("ledger_journalentry")
        self.w_jl = tables.writer("ledger_journalline")
        self.w_line = tables.writer("orders_salesorderline")
        self.w_shipment = tables.writer("fulfillment_shipment")
        self.w_shipment_line = tables.writer("fulfillment_shipmentline")
        self.w_invoice_line = tables.writer("invoicing_invoiceline")
        self.ids = defaultdict(int)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def number(self, series: str, prefix: str, ordinal: int) -> str:
        year = self.days[ordinal][:4]
        key = f"{series}-{year}"
        self.numbers[key] += 1
        return f"{prefix}-{year}-{self.numbers[key]:06d}"

    # ── customers ──

    def make_customers(self) -> None:
        rng, write = self.rng, self.t.writer("customers_customer")
        created = self.days.at(self.start - 30, 8)
        # per customer, index = customer id
        self.c_terms, self.c_habit, self.c_batch = [0], [""], [False]
        self.c_exempt, self.c_name, self.c_address = [False], [""], [""]
        weights = []
        for cid in range(1, self.n_customers + 1):
            terms = weighted(rng, TERMS)
            habit = weighted(rng, HABITS)
            exempt = rng.random() < 0.02
            name = f"{rng.choice(NAME_A)}{rng.choice(NAME_B)} {rng.choice(NAME_C)}"
            city = rng.choice(CITIES)
            address = f"{name}\\nIndustriestraße {rng.randint(1, 199)}\\n{rng.randint(10000, 99999)} {city}"
            size = rng.lognormvariate(0, 1.3)
            weights.append(size)
            limit = NULL if rng.random() < 0.3 else money(max(5, round(size * 20)) * 100000)
            self.c_terms.append(terms)
            self.c_habit.append(habit)
            self.c_batch.append(rng.random() < 0.35)
            self.c_exempt.append(exempt)
            self.c_name.append(name)
            self.c_address.append(address)
            write(
                str(cid),
                f"H{cid:06d}",
                name,
                f"ap{cid:06d}@history.example",
                CURRENCY,
                str(terms),
                limit,
                "t" if habit == "bad" and rng.random() < 0.3 else "f",
                "f" if rng.random() < 0.03 else "t",
                "t" if exempt else "f",
                "" if exempt else f"DE{rng.randint(100000000, 999999999)}",
                address,
                address,
                created,
                created,
            )
        total, running = sum(weights), 0.0
        self.c_cumulative = []
        for weight in weights:
            running += weight / total
            self.c_cumulative.append(running)

    # ── the days ──

    def invoice_days(self) -> list[int]:
        """How many invoices each day issues: working days, seasonality, 30 % growth; sums to N."""
        ordinals = range(self.start, self.today + 1)
        span = max(1, self.today - self.start)
        weights = [
            WEEKDAY_FACTOR[weekday(o)]
            * MONTH_FACTOR[date.fromordinal(o).month]
            * (0.85 + 0.3 * (o - self.start) / span)
            for o in ordinals
        ]
        total = sum(weights)
        exact = [self.n_invoices * w / total for w in weights]
        counts = [int(x) for x in exact]
        short = self.n_invoices - sum(counts)
        for index in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[:short]:
            counts[index] += 1
        return counts

    def run(self, log) -> None:
        n = self.n_invoices
        self.make_customers()
        self.t.close("customers_customer")
        self.customer_of = [0, *(1 + min(i, self.n_customers - 1) for i in self._draw_customers(n))]
        if self.open_customer:
            step = max(1, n // 2 // self.open_customer)
            for iid in range(n - step * min(self.open_customer, n // step) + 1, n + 1, step):
                self.customer_of[iid] = self.n_customers
        # per-invoice state, index = invoice id
        z = [0] * (n + 1)
        self.i_total, self.i_net, self.i_tax, self.i_rate = z[:], z[:], z[:], z[:]
        self.i_paid, self.i_credited, self.i_written, self.i_disputed = z[:], z[:], z[:], z[:]
        self.i_issue, self.i_due, self.i_last, self.i_order_date = z[:], z[:], z[:], z[:]
        self.i_number = [""] * (n + 1)
        self.i_submitted = [""] * (n + 1)
        self.i_requested = [NULL] * (n + 1)
        self.i_late = [False] * (n + 1)
        # payments, index = payment id
        self.p_customer, self.p_amount, self.p_applied, self.p_refunded = [0], [0], [0], [0]
        self.p_received, self.p_last, self.p_reversed, self.p_number = [0], [0], [0], [""]
        self.p_reference, self.p_method, self.p_source, self.p_note = [""], [""], [""], [""]
        self.p_held: dict[int, list] = {}  # allocations of payments that will bounce, written on reversal
        # disputes
        self.disputes: list[list] = []
        invoice_id = 0
        counts = self.invoice_days()
        for index, ordinal in enumerate(range(self.start, self.today + 1)):
            if index == len(counts) // 2:  # the second half of the ledger rows: a second stream
                self.t.close("receivables_receivableentry")
                self.w_entry = self.t.writer("receivables_receivableentry#2")
            self.journal = defaultdict(int)
            for _ in range(counts[index]):
                invoice_id += 1
                self.issue(invoice_id, ordinal)
            self.process(ordinal)
            self.post_journal(ordinal)
            if (ordinal - self.start) % 91 == 90:
                log(
                    f"  simulated to {self.days[ordinal]}: {invoice_id:,} invoices, {len(self.p_amount) - 1:,} payments"
                )
        self.extra_orders = self.open_orders(invoice_id)
        for name in Tables.COLUMNS:  # done with all but the final figures and the order timeline
            if name not in (
                "invoicing_invoice",
                "orders_salesorder",
                "receivables_payment",
                "receivables_dispute",
                "orders_orderevent",
            ):
                self.t.close(name)
        self.t.close("receivables_receivableentry#2")
        self.write_final()

    def _draw_customers(self, n: int) -> list[int]:
        from bisect import bisect_left

        cumulative, random_ = self.c_cumulative, self.rng.random
        return [bisect_left(cumulative, random_()) for _ in range(n)]

    # ── issuing an invoice: the order, its shipment, the invoice, and its fate ──

    def issue(self, iid: int, day: int) -> None:
        rng, days = self.rng, self.days
        cid = self.customer_of[iid]
        pid, pname, price, rate = self.products[rng.randrange(len(self.products))]
        if self.c_exempt[cid]:
            rate = 0
        quantity = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 20, 25, 50))
        discount = rng.choice((0, 0, 0, 0, 0, 0, 2, 3, 5, 10))
        net = half_up(quantity * price * (100 - discount), 100)
        tax = half_up(net * rate, 100)
        total = net + tax
        order_date = day - rng.choice((0, 0, 1, 1, 2, 3, 4, 6))
        submitted_hour = rng.randint(7, 11)
        self.i_total[iid], self.i_net[iid], self.i_tax[iid], self.i_rate[iid] = total, net, tax, rate
        self.i_issue[iid], self.i_last[iid], self.i_order_date[iid] = day, day, order_date
        due = day + self.c_terms[cid]
        self.i_due[iid] = due
        number = self.number("invoice", "INV", day)
        self.i_number[iid] = number
        self.i_submitted[iid] = days.at(order_date, submitted_hour, rng.randint(0, 59))
        requested = order_date + rng.randint(3, 10) if rng.random() < 0.6 else None
        self.i_requested[iid] = NULL if requested is None else days[requested]
        # order line, shipment, shipment line, invoice line (ids = invoice id: one each per invoice)
        s_iid, s_pid, s_q = str(iid), str(pid), f"{quantity}.000"
        args = (money(price), f"{discount}.00", f"{rate}.00", money(net), money(tax), money(total))
        self.w_line(s_iid, "1", pname, "t", s_q, *args, "0.000", "0.000", s_q, s_q, s_iid, s_pid)
        estimated = day + rng.randint(1, 4)
        delivered = estimated - rng.randint(0, 1) if rng.random() < 0.85 else estimated + rng.randint(1, 3)
        delivered = max(delivered, day + 1)
        carrier = CARRIERS[iid % 4]
        is_delivered = delivered <= self.today
        late = delivered > estimated if is_delivered else estimated < self.today
        self.i_late[iid] = requested is not None and day > requested
        self.w_shipment(
            s_iid,
            f"SH-{days[day][:4]}-{iid:06d}",
            "delivered" if is_delivered else "shipped",
            carrier,
            f"{carrier}{iid:011d}",
            days[estimated],
            days.at(day, 15),
            days.at(delivered, rng.randint(8, 16)) if is_delivered else NULL,
            "t" if late else "f",
            days.at(day, 13),
            NULL,
            s_iid,
            str(self.warehouse_id),
            "",  # ship_to: no report reads it
        )
        self.w_shipment_line(s_iid, s_q, s_iid, s_pid, s_iid)
        self.w_invoice_line(s_iid, "1", pname, s_q, *args, s_iid, s_iid, s_pid)
        # the order's timeline: approved (or held, then released), fulfilled when shipped and invoiced
        if rng.random() < 0.03:
            self.order_event(days.at(order_date, submitted_hour, 5), "credit_hold", "draft", "on_hold", iid)
            release = rng.randint(1, 4)
            self.order_event(
                days.at(order_date, submitted_hour + release), "hold_released", "on_hold", "open", iid
            )
        else:
            self.order_event(days.at(order_date, submitted_hour, 5), "approved", "draft", "open", iid)
        self.order_event(days.at(day, 15, 1), "fulfilled", "open", "fulfilled", iid)
        # the open-item row and the day's journal
        self.entry("invoice", day, total, cid, invoice=iid)
        journal = self.journal
        journal["inv_total"] += total
        journal["inv_net"] += net
        journal["inv_tax"] += tax
        self.plan(iid, cid, day, due)

    def plan(self, iid: int, cid: int, day: int, due: int) -> None:
        """Decide what happens to the invoice and schedule it (events after today never happen)."""
        rng, schedule = self.rng, self.schedule
        if self.open_customer and cid == self.n_customers:
            return  # the open customer never pays
        habit = self.c_habit[cid]
        if habit == "prompt":  # before the due date
            delay = rng.randint(-10, -1)
        elif habit == "steady":  # on time, one invoice in five a little late
            delay = rng.randint(-6, -1) if rng.random() < 0.8 else rng.randint(1, 20)
        elif habit == "slow":
            delay = rng.randint(5, 25) + int(rng.expovariate(1 / 12))
        elif habit == "erratic":
            delay = rng.randint(-5, 2) if rng.random() < 0.85 else rng.randint(45, 200)
        else:  # bad
            if rng.random() < 0.35:  # never paid: written off after months, or still open
                if rng.random() < 0.7:
                    schedule(due + rng.randint(150, 240), WRITE_OFF, iid)
                return
            delay = rng.randint(20, 90)
        pay = pay_day(due + delay, early=delay < 0, weekly=self.c_batch[cid], first=day + 1)
        fate = rng.random()
        if fate < 0.02:  # disputed, in full or in part
            opened = day + rng.randint(2, 20)
            schedule(opened, DISPUTE_OPEN, iid, rng.random() < 0.5)
            schedule(max(pay, opened + 1), PAY, iid, None)  # pays what is not in dispute
        elif fate < 0.035:  # credited in part (a return, a price correction), the rest paid
            credited = day + rng.randint(1, 25)
            schedule(credited, CREDIT, iid, rng.uniform(0.05, 0.4), None)
            schedule(max(pay, credited), PAY, iid, None)
        elif fate < 0.04:  # cancelled by a full credit note
            schedule(day + rng.randint(1, 20), CREDIT, iid, 1.0, None)
        elif fate < 0.065:  # paid in two parts
            schedule(
                next_working_day(max(day + 1, pay - rng.randint(0, 10))), PAY, iid, rng.uniform(0.3, 0.7)
            )
            schedule(next_working_day(pay + rng.randint(10, 45)), PAY, iid, None)
        elif fate < 0.068:  # the payment bounces, is reversed, and the customer pays again
            bounced = next_working_day(pay + rng.randint(2, 8))
            schedule(pay, SOLO_PAY, iid, "bounce", bounced)
        elif fate < 0.078:  # overpaid: the excess stays unapplied, half of it refunded later
            schedule(pay, SOLO_PAY, iid, "overpay", None)
        elif fate < 0.088:  # paid without a usable reference: unapplied cash, applied days later
            schedule(pay, SOLO_PAY, iid, "unmatched", None)
        else:
            schedule(pay, PAY, iid, None)

    def schedule(self, ordinal: int, kind: int, *args) -> None:
        if ordinal <= self.today:
            self.events[ordinal].append((kind, *args))

    # ── a day's movements ──

    def process(self, day: int) -> None:
        events = self.events.pop(day, None)
        if not events:
            return
        events.sort(key=lambda event: event[0])
        batches: dict[int, list] = defaultdict(list)
        for kind, *args in events:
            if kind != PAY and batches:  # the day's ordinary payments, one per customer
                self.flush_batches(day, batches)
            if kind == DISPUTE_OPEN:
                self.dispute_open(day, *args)
            elif kind == DISPUTE_RESOLVE:
                self.dispute_resolve(day, *args)
            elif kind == CREDIT:
                self.credit(day, *args)
            elif kind == PAY:
                batches[self.customer_of[args[0]]].append(args)
            elif kind == SOLO_PAY:
                self.pay_batch(
                    day, self.customer_of[args[0]], [(args[0], None)], special=args[1], bounce_on=args[2]
                )
            elif kind == APPLY:
                self.apply(day, *args)
            elif kind == REVERSE:
                self.reverse(day, *args)
            elif kind == REFUND:
                self.refund(day, *args)
            elif kind == WRITE_OFF:
                self.write_off(day, *args)
        self.flush_batches(day, batches)

    def flush_batches(self, day: int, batches: dict) -> None:
        for cid, items in batches.items():
            self.pay_batch(day, cid, items)
        batches.clear()
