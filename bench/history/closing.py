"""The closing rows of the simulation: the daily summary journal entries, the orders not
invoiced yet, and the final figures of invoices, orders, payments and disputes."""

from __future__ import annotations

from history.rows import CURRENCY, NULL, half_up, money


class Closing:
    """The closing rows of `History` (bench/history/simulation.py)."""

    # ── the ledger: one summary entry per day and kind of movement ──

    def post_journal(self, day: int) -> None:
        j = self.journal
        if not j:
            return
        ar, adv, bank = "receivables", "customer_advances", "bank"
        entries = [
            (
                "invoice",
                "Invoices issued",
                [(ar, j["inv_total"], 0), ("revenue", 0, j["inv_net"]), ("vat_payable", 0, j["inv_tax"])],
            ),
            (
                "credit_note",
                "Credit notes issued",
                [("revenue", j["cn_net"], 0), ("vat_payable", j["cn_tax"], 0), (ar, 0, j["cn_total"])],
            ),
            (
                "payment",
                "Payments received",
                [(bank, j["pay_amount"], 0), (ar, 0, j["pay_applied"]), (adv, 0, j["pay_unapplied"])],
            ),
            ("payment", "Unapplied cash applied", [(adv, j["apply"], 0), (ar, 0, j["apply"])]),
            (
                "payment_reversal",
                "Payments reversed",
                [(ar, j["rev_applied"], 0), (adv, j["rev_unapplied"], 0), (bank, 0, j["rev_amount"])],
            ),
            ("refund", "Refunds", [(adv, j["refund"], 0), (bank, 0, j["refund"])]),
            ("write_off", "Write-offs", [("bad_debt", j["write_off"], 0), (ar, 0, j["write_off"])]),
        ]
        for source, memo, lines in entries:
            lines = [line for line in lines if line[1] or line[2]]
            if not lines:
                continue
            assert sum(d for _, d, _ in lines) == sum(c for _, _, c in lines), (day, source, lines)
            je = self.next_id("journal_entry")
            posted = self.days.at(day, 20)
            self.w_je(
                str(je),
                self.number("journal", "JE", day),
                self.days[day],
                f"{memo} on {self.days[day]} (summary, bench/history.py)",
                source,
                "history-summary",
                posted,
                NULL,
                NULL,
            )
            for account, debit, credit in lines:
                self.w_jl(
                    str(self.next_id("journal_line")),
                    money(debit),
                    money(credit),
                    CURRENCY,
                    money(debit - credit),
                    memo,
                    str(self.accounts[account]),
                    str(je),
                )

    # ── orders not invoiced yet: entered in the last days, open or on credit hold ──

    def open_orders(self, last_invoice: int) -> list[tuple]:
        rng, days = self.rng, self.days
        rows = []
        w_line = self.w_line
        for oid in range(last_invoice + 1, last_invoice + 1 + max(1, self.n_invoices // 400)):
            cid = 1 + min(self.n_customers - 1, self._draw_customers(1)[0])
            pid, pname, price, rate = self.products[rng.randrange(len(self.products))]
            rate = 0 if self.c_exempt[cid] else rate
            quantity = rng.randint(1, 10)
            net = quantity * price
            tax = half_up(net * rate, 100)
            order_date = self.today - rng.randint(0, 10)
            on_hold = rng.random() < 0.3
            submitted = days.at(order_date, rng.randint(7, 16), rng.randint(0, 59))
            w_line(
                str(oid),
                "1",
                pname,
                "t",
                f"{quantity}.000",
                money(price),
                "0.00",
                f"{rate}.00",
                money(net),
                money(tax),
                money(net + tax),
                "0.000",
                "0.000",
                "0.000",
                "0.000",
                str(oid),
                str(pid),
            )
            if on_hold:
                self.order_event(submitted, "credit_hold", "draft", "on_hold", oid, "over the credit limit")
            else:
                self.order_event(submitted, "approved", "draft", "open", oid)
            rows.append((oid, cid, order_date, submitted, net, tax, "on_hold" if on_hold else "open"))
        return rows

    # ── final figures: invoices, orders, payments, disputes ──

    def write_final(self) -> None:
        days, t = self.days, self.t
        w_invoice = t.writer("invoicing_invoice")
        w_order = t.writer("orders_salesorder")
        wh = str(self.warehouse_id)
        for iid in range(1, self.n_invoices + 1):
            cid = self.customer_of[iid]
            total, paid, credited, written = (
                self.i_total[iid],
                self.i_paid[iid],
                self.i_credited[iid],
                self.i_written[iid],
            )
            balance = total - paid - credited - written
            if balance > 0:
                status = "partially_paid" if paid > 0 else "open"
            elif written > 0:
                status = "written_off"
            elif credited > 0 and paid == 0:
                status = "credited"
            else:
                status = "paid"
            issue, s_iid, s_cid = self.i_issue[iid], str(iid), str(cid)
            s_net, s_tax, s_total = money(self.i_net[iid]), money(self.i_tax[iid]), money(total)
            last = days[self.i_last[iid]]
            reference = f"PO-{iid:07d}" if iid % 3 else ""
            w_invoice(
                s_iid,
                self.i_number[iid],
                CURRENCY,
                days[issue],
                days[self.i_due[iid]],
                reference,
                self.c_address[cid],
                s_net,
                s_tax,
                s_total,
                money(paid),
                money(credited),
                money(written),
                money(balance),
                status,
                "",
                days.at(issue, 15, 30),
                days.at(issue, 15),
                s_cid,
                s_iid,
                s_iid,
                last,
            )
            settled = paid + credited + written
            paid_on = last if balance == 0 else NULL
            order_date = self.i_order_date[iid]
            w_order(
                s_iid,
                f"SO-{days[order_date][:4]}-{iid:06d}",
                CURRENCY,
                days[order_date],
                self.i_requested[iid],
                reference,
                self.c_address[cid],
                s_net,
                s_tax,
                s_total,
                "closed" if balance == 0 else "fulfilled",
                "shipped",
                "invoiced",
                "paid" if balance == 0 else ("partially_paid" if settled else "unpaid"),
                self.i_submitted[iid],
                self.i_submitted[iid],
                "t" if self.i_late[iid] else "f",
                NULL,
                s_cid,
                wh,
                paid_on,
            )
            if balance == 0:
                self.order_event(days.at(self.i_last[iid], 18), "closed", "fulfilled", "closed", iid)
        for oid, cid, order_date, submitted, net, tax, status in self.extra_orders:
            w_order(
                str(oid),
                f"SO-{days[order_date][:4]}-{oid:06d}",
                CURRENCY,
                days[order_date],
                NULL,
                "",
                self.c_address[cid],
                money(net),
                money(tax),
                money(net + tax),
                status,
                "unallocated",
                "not_invoiced",
                "unpaid",
                submitted,
                submitted,
                "f",
                NULL,
                str(cid),
                wh,
                NULL,
            )
        w_payment = t.writer("receivables_payment")
        for pid in range(1, len(self.p_amount)):
            reversed_on = self.p_reversed[pid]
            amount, applied, refunded = self.p_amount[pid], self.p_applied[pid], self.p_refunded[pid]
            if reversed_on:
                applied = refunded = unapplied = 0
            else:
                unapplied = amount - applied - refunded
            received = self.p_received[pid]
            w_payment(
                str(pid),
                self.p_number[pid],
                CURRENCY,
                money(amount),
                money(applied),
                money(refunded),
                money(unapplied),
                self.p_method[pid],
                self.p_reference[pid],
                days[received],
                self.p_note[pid],
                self.p_source[pid],
                "reversed" if reversed_on else "posted",
                days[reversed_on] if reversed_on else NULL,
                "Returned by the bank: insufficient funds" if reversed_on else "",
                days.at(received, 12),
                NULL,
                str(self.p_customer[pid]),
                days[self.p_last[pid]],
            )
        w_dispute = t.writer("receivables_dispute")
        for dispute_id, iid, amount, reason, opened, status, resolved, credit_note in self.disputes:
            w_dispute(
                str(dispute_id),
                money(amount),
                reason,
                "Customer called about the invoice",
                "",  # no message for the customer
                status,
                days[opened],
                days.at(opened, 10),
                NULL if resolved is None else days[resolved],
                "" if resolved is None else f"Resolved: {status}",
                NULL if credit_note is None else str(credit_note),
                str(self.customer_of[iid]),
                str(iid),
                NULL,
                NULL,
                NULL,
            )
