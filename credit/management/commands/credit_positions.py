"""`manage.py credit_positions [--fix] [--customer ID …]`: compare every customer's kept exposure
(open receivables, open orders value) with the sums of its invoices and orders; `--fix` sets the
differing ones to their sums. Exit status 1 when a difference is found and not fixed
(docs/decisions/0050)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from credit.services import credit_positions_repair


class Command(BaseCommand):
    help = "Check (and with --fix repair) the kept credit exposure of customers against the sums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="set the differing figures to the sums")
        parser.add_argument("--customer", type=int, nargs="+", help="only these customer ids")

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = credit_positions_repair(customer_ids=options["customer"], fix=options["fix"])
        for check in wrong:
            self.stdout.write(
                f"customer {check.customer_id}: kept receivables {check.kept[0]}, open orders "
                f"{check.kept[1]}; summed {check.summed[0]}, {check.summed[1]}"
                + (" (fixed)" if options["fix"] else "")
            )
        if wrong and not options["fix"]:
            raise CommandError(f"{len(wrong)} customers' kept exposure differs from the sums (--fix repairs)")
        self.stdout.write(f"{len(wrong)} differing" + (", fixed" if wrong and options["fix"] else ""))
