"""Opening invoice reads: which previous numbers were carried over already."""

from __future__ import annotations

from collections.abc import Iterable

from invoicing.models import Invoice


def previous_numbers_taken(*, numbers: Iterable[str]) -> set[str]:
    """Those of `numbers` that an invoice already carries as its previous number."""
    wanted = sorted({number for number in numbers if number})
    taken: set[str] = set()
    for start in range(0, len(wanted), 5000):
        taken.update(
            Invoice.objects.filter(previous_number__in=wanted[start : start + 5000]).values_list(
                "previous_number", flat=True
            )
        )
    return taken
