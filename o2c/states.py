"""Status changes through a table of allowed transitions (STYLE.md rule 3)."""

from __future__ import annotations

from collections.abc import Collection

from o2c.errors import InvalidTransition


def transition_check(*, label: str, current: str, target: str, allowed: Collection[tuple[str, str]]) -> None:
    """Raise InvalidTransition unless `current → target` is in `allowed`."""
    if (current, target) not in allowed:
        raise InvalidTransition(
            f"{label} is {current.replace('_', ' ')} and cannot become {target.replace('_', ' ')}"
        )


def transitions_from(current: str, allowed: Collection[tuple[str, str]]) -> list[str]:
    """The states reachable from `current`: pages use it to decide which buttons to show."""
    return sorted(target for source, target in allowed if source == current)
