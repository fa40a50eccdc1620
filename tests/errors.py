"""Reading an API error's machine code in tests (decision 0038): `code`, or `error_code` when a
field named `code` is the one in error."""

from __future__ import annotations


def error_code(response) -> str:
    """The machine code of an error response (400, 403, 404, 409, …)."""
    body = response.json()
    code = body.get("error_code", body.get("code"))
    assert isinstance(code, str), body
    return code
