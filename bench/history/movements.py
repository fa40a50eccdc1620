"""A day's movements of the simulation: disputes, credit notes, payments and their
allocations, reversals, refunds and write-offs."""

from __future__ import annotations

from collections import defaultdict

from history.rows import CURRENCY, NULL, half_up, money, next_working_day
from history.world import (
    APPLY,
    DISPUTE_REASONS,
    DISPUTE_RESOLVE,
    METHODS,
    PAY,
    REFUND,
    REVERSE,
    SOURCES,
    weighted,
)


class Movements:
    """The movements of `History` (bench/history/simulation.py)."""

    # ── rows ──

    def entry(
        self,
        kind: str,
        day: int,
        amount: int,
        cid: int,
        *,
        invoice=None,
        payment=None,
        credit_note=None,
        write_off=None,
    ) -> None:
        self.w_entry(
            str(self.next_id("entry")),
            kind,
            self.days[day],
            money(amount),
            CURRENCY,
            self.days.noon(day),
            NULL if credit_note is None else str(credit_note),
            str(cid),
            NULL if invoice is None else str(invoice),
            NULL if payment is None else str(payment),
            NULL if write_off is None else str(write_off),
        )

    def order_event(
        self, at: str, event: str, from_status: str, to_status: str, order_id: int, detail: str = ""
    ) -> None:
        self.w_event(
            str(self.next_id("order_event")), at, event, from_status, to_status, detail, NULL, str(order_id)
        )

    def balance(self, iid: int) -> int:
        return self.i_total[iid] - self.i_paid[iid] - self.i_credited[iid] - self.i_written[iid]

    def touch(self, iid: int, day: int) -> None:
        if day > self.i_last[iid]:
            self.i_last[iid] = day

    def dispute_open(self, day: int, iid: int, full: bool) -> None:
        rng = self.rng
        free = self.balance(iid) - self.i_disputed[iid]
        if free <= 0:
            return
        amount = free if full else max(1, round(free * rng.uniform(0.1, 0.5)))
        dispute_id = len(self.disputes) + 1
        outcome = weighted(rng, (("credited", 40), ("rejected", 35), ("withdrawn", 25)))
        # [id, invoice, amount, reason, opened, status, resolved, credit note]
        self.disputes.append([dispute_id, iid, amount, rng.choice(DISPUTE_REASONS), day, "open", None, None])
        self.i_disputed[iid] += amount
        self.schedule(day + rng.randint(5, 60), DISPUTE_RESOLVE, dispute_id, outcome)

    def dispute_resolve(self, day: int, dispute_id: int, outcome: str) -> None:
        dispute = self.disputes[dispute_id - 1]
        iid, amount = dispute[1], dispute[2]
        dispute[5], dispute[6] = outcome, day
        self.i_disputed[iid] -= amount
        if outcome == "credited":
            dispute[7] = self.credit(
                day, iid, None, min(amount, self.balance(iid)), reason="Dispute resolved by credit note"
            )
        else:
            self.schedule(next_working_day(day + self.rng.randint(1, 15)), PAY, iid, None)

    def credit(
        self, day: int, iid: int, share: float | None, amount: int | None, reason: str = ""
    ) -> int | None:
        balance = self.balance(iid) - self.i_disputed[iid]
        gross = min(balance, amount if amount is not None else max(1, round(self.i_total[iid] * share)))
        if share == 1.0:
            gross = balance
        if gross <= 0:
            return None
        rate = self.i_rate[iid]
        net = half_up(gross * 100, 100 + rate)
        tax = gross - net
        cn = self.next_id("credit_note")
        cid = self.customer_of[iid]
        reason = reason or ("Order cancelled" if share == 1.0 else "Returned goods / price correction")
        self.w_cn(
            str(cn),
            self.number("credit_note", "CN", day),
            CURRENCY,
            self.days[day],
            reason,
            money(net),
            money(tax),
            money(gross),
            "",
            self.days.at(day, 12, 10),
            self.days.noon(day),
            NULL,
            str(cid),
            str(iid),
        )
        self.w_cnl(
            str(cn),
            f"Credit at {rate}.00 % tax",
            NULL,
            f"{rate}.00",
            money(net),
            money(tax),
            money(gross),
            str(cn),
            NULL,
        )
        self.entry("credit_note", day, -gross, cid, invoice=iid, credit_note=cn)
        self.i_credited[iid] += gross
        self.touch(iid, day)
        journal = self.journal
        journal["cn_total"] += gross
        journal["cn_net"] += net
        journal["cn_tax"] += tax
        return cn

    def pay_batch(
        self, day: int, cid: int, items, special: str | None = None, bounce_on: int | None = None
    ) -> None:
        """One payment from `cid` settling `items` ((invoice, share of its free balance or None));
        `special` is bounce / overpay / unmatched for a payment of one invoice."""
        rng = self.rng
        parts, taken = [], defaultdict(int)  # an invoice may come twice in a batch
        for iid, share in items:
            free = self.balance(iid) - self.i_disputed[iid] - taken[iid]
            if free <= 0:
                continue
            amount = free if share is None else min(free, max(1, round(free * share)))
            taken[iid] += amount
            parts.append((iid, amount))
        if not parts:
            return
        applied = sum(amount for _, amount in parts)
        extra = 0
        if special == "overpay":
            extra = applied if rng.random() < 0.1 else rng.randint(100, 5000)  # paid twice, or rounded up
        pid = len(self.p_amount)
        number = self.number("payment", "PAY", day)
        numbers = [self.i_number[iid] for iid, _ in parts]
        reference = "" if special == "unmatched" else " ".join(numbers[:6])[:200]
        self.p_customer.append(cid)
        self.p_amount.append(applied + extra)
        self.p_received.append(day)
        self.p_last.append(day)
        self.p_reversed.append(0)
        self.p_number.append(number)
        self.p_reference.append(
            reference if rng.random() > 0.05 else f"Remittance {rng.randint(1000, 99999)} {reference}"[:200]
        )
        self.p_method.append(weighted(rng, METHODS))
        self.p_source.append(weighted(rng, SOURCES))
        self.p_note.append("")
        self.p_refunded.append(0)
        self.entry("payment", day, -(applied + extra), cid, payment=pid)
        journal = self.journal
        journal["pay_amount"] += applied + extra
        if special == "unmatched":
            self.p_applied.append(0)
            journal["pay_unapplied"] += applied
            self.schedule(day + rng.randint(1, 12), APPLY, pid, parts[0][0])
            return
        self.p_applied.append(applied)
        journal["pay_applied"] += applied
        journal["pay_unapplied"] += extra
        held = [] if special == "bounce" and bounce_on <= self.today else None  # else it has not bounced yet
        for iid, amount in parts:
            self.allocate(day, pid, cid, iid, amount, held)
        if held is not None:
            self.p_held[pid] = held
            self.schedule(bounce_on, REVERSE, pid, parts[0][0])
        elif special == "overpay" and rng.random() < 0.5:
            self.schedule(next_working_day(day + rng.randint(10, 40)), REFUND, pid, extra)

    def allocate(self, day: int, pid: int, cid: int, iid: int, amount: int, held: list | None) -> None:
        allocation = (str(self.next_id("allocation")), money(amount), self.days[day], str(iid), str(pid))
        if held is None:
            created = self.days.noon(day)
            self.w_alloc(
                allocation[0], allocation[1], allocation[2], NULL, created, NULL, allocation[3], allocation[4]
            )
        else:
            held.append((allocation, iid, amount))
        self.entry("allocation", day, -amount, cid, invoice=iid, payment=pid)
        self.entry("allocation", day, amount, cid, payment=pid)
        self.i_paid[iid] += amount
        self.touch(iid, day)

    def apply(self, day: int, pid: int, iid: int) -> None:
        """Unapplied cash applied to the invoice it was meant for (what is left of it)."""
        unapplied = self.p_amount[pid] - self.p_applied[pid] - self.p_refunded[pid]
        amount = min(unapplied, self.balance(iid) - self.i_disputed[iid])
        if amount <= 0:
            return
        self.allocate(day, pid, self.p_customer[pid], iid, amount, None)
        self.p_applied[pid] += amount
        self.p_last[pid] = day
        self.journal["apply"] += amount

    def reverse(self, day: int, pid: int, iid: int) -> None:
        """The payment bounced: its allocations and the payment itself are reversed; the customer pays again."""
        cid = self.p_customer[pid]
        for allocation, a_iid, amount in self.p_held.pop(pid):
            self.w_alloc(
                allocation[0],
                allocation[1],
                allocation[2],
                self.days[day],
                self.days.noon(day),
                NULL,
                allocation[3],
                allocation[4],
            )
            self.entry("allocation_reversal", day, amount, cid, invoice=a_iid, payment=pid)
            self.entry("allocation_reversal", day, -amount, cid, payment=pid)
            self.i_paid[a_iid] -= amount
            self.touch(a_iid, day)
        self.entry("payment_reversal", day, self.p_amount[pid], cid, payment=pid)
        journal = self.journal
        journal["rev_applied"] += self.p_applied[pid]
        journal["rev_unapplied"] += self.p_amount[pid] - self.p_applied[pid] - self.p_refunded[pid]
        journal["rev_amount"] += self.p_amount[pid]
        self.p_applied[pid] = 0
        self.p_reversed[pid] = day
        self.p_last[pid] = day
        self.schedule(next_working_day(day + self.rng.randint(3, 20)), PAY, iid, None)

    def refund(self, day: int, pid: int, amount: int) -> None:
        self.entry("refund", day, amount, self.p_customer[pid], payment=pid)
        self.p_refunded[pid] += amount
        self.p_last[pid] = day
        self.journal["refund"] += amount

    def write_off(self, day: int, iid: int) -> None:
        amount = self.balance(iid)
        if amount <= 0:
            return
        wid = self.next_id("write_off")
        cid = self.customer_of[iid]
        self.w_wo(
            str(wid),
            money(amount),
            "Uncollectible: customer insolvent",
            self.days[day],
            self.days.noon(day),
            NULL,
            str(cid),
            str(iid),
        )
        self.entry("write_off", day, -amount, cid, invoice=iid, write_off=wid)
        self.i_written[iid] += amount
        self.touch(iid, day)
        self.journal["write_off"] += amount
