"""Month-end revaluation of open foreign-currency invoices (decision 0062): an optional step.

manage.py revalue_open_items --date 2026-11-30
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from o2c.errors import DomainError
from receivables.revaluation.services import revaluation_run


class Command(BaseCommand):
    help = "Revalue open foreign-currency invoices as of a date (posted that day, reversed the next)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="the date of the revaluation, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"{options['date']!r} is not a date (YYYY-MM-DD)") from None
        try:
            result = revaluation_run(on=on)
        except DomainError as error:
            raise CommandError(error.message) from None
        for row in result.currencies:
            self.stdout.write(
                f"{row.currency} {row.balance} at {row.rate}: {row.revalued_base} "
                f"(kept at {row.kept_base}), difference {row.difference}"
            )
        if result.entry_number is None:
            self.stdout.write("nothing to post")
        else:
            state = "posted" if result.created else "already posted"
            self.stdout.write(f"{state}: {result.entry_number}, reversed by {result.reversal_number}")
