"""Domain exceptions with stable codes. The API maps them to 400/409 JSON naming the field;
pages turn them into a message. A view never lets one become a 500."""

from __future__ import annotations


class DomainError(Exception):
    """Input the domain refuses: a 400, naming `field` when there is one."""

    code = "invalid"
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, list[str] | str]:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class Conflict(DomainError):
    """An action the object's current state does not allow: a 409."""

    code = "conflict"
    status_code = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"


class UnbalancedEntry(DomainError):
    code = "unbalanced_entry"


class ImmutableDocument(Conflict):
    code = "immutable"
