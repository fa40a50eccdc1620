"""Every domain error carries a code from an `ErrorCode` enum (decision 0038): a raise without one
is found here before it runs, and `DomainError` refuses one at run time too; each code has one
owner; DRF's own codes are all in the enum the schema publishes; the API's error bodies carry the
code, also when a field named `code` is in error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework import fields, relations, serializers

from o2c.api import error_body, known_error_codes
from o2c.errors import Conflict, DomainError, ErrorCode, KernelErrorCode

ROOT = Path(settings.BASE_DIR)
APPS = (
    "o2c",
    "customers",
    "inventory",
    "ledger",
    "orders",
    "credit",
    "fulfillment",
    "invoicing",
    "receivables",
    "reporting",
)


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path, ast.parse(path.read_text(), filename=str(path))


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _classes_needing_a_code(trees) -> set[str]:
    """DomainError, Conflict and every subclass (by name, across modules) that sets no `code`."""
    needing = {"DomainError", "Conflict"}
    classes = [node for _, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for node in classes:
            sets_code = any(
                _name(target) == "code"
                for statement in node.body
                if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None
                for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
            )
            if (
                node.name not in needing
                and not sets_code
                and any(_name(base) in needing for base in node.bases)
            ):
                needing.add(node.name)
                changed = True
    return needing


def test_every_domain_error_is_raised_with_a_code_from_an_enum():
    trees = list(_modules())
    needing = _classes_needing_a_code(trees)
    missing, literal = [], []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in needing):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            code = next((keyword.value for keyword in node.keywords if keyword.arg == "code"), None)
            if code is None and not any(keyword.arg is None for keyword in node.keywords):
                missing.append(where)
            elif isinstance(code, ast.Constant):
                literal.append(where)
    assert not missing, f"raised without code=<ErrorCode member>: {missing}"
    assert not literal, f"a code written as a literal, not an enum member: {literal}"


def test_a_domain_error_without_an_enum_code_is_refused_when_raised():
    with pytest.raises(TypeError):
        DomainError("no code")
    with pytest.raises(TypeError):
        Conflict("a string is not a code", code="invalid")  # type: ignore[arg-type]
    assert DomainError("x", code=KernelErrorCode.INVALID).code == "invalid"


def test_each_code_has_one_owner_and_every_app_has_its_enum():
    known_error_codes()
    enums = ErrorCode.all_enums()
    values = [member.value for enum in enums for member in enum]
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)
    owners = {enum.__module__.split(".")[0] for enum in enums}
    assert owners >= {
        "o2c",
        "customers",
        "inventory",
        "ledger",
        "orders",
        "credit",
        "fulfillment",
        "invoicing",
    }
    for value in values:
        assert value == value.lower() and " " not in value, value


def _drf_codes() -> set[str]:
    """The codes DRF's fields, relations, serializers and exceptions can give."""
    found: set[str] = set()
    pending: list[type] = [fields.Field]
    while pending:
        field = pending.pop()
        found |= set(getattr(field, "default_error_messages", {}))
        pending.extend(field.__subclasses__())
    found |= set(serializers.Serializer.default_error_messages) | set(
        relations.RelatedField.default_error_messages
    )
    from rest_framework import exceptions

    pending = [exceptions.APIException]
    while pending:
        exception = pending.pop()
        found.add(exception.default_code)
        pending.extend(exception.__subclasses__())
    return found | {"unique"}


def test_the_enum_holds_every_code_drf_gives():
    assert _drf_codes() - set(known_error_codes()) == set()


def test_an_error_body_carries_the_code_beside_api_md_shape():
    assert error_body({"detail": "no"}, code=KernelErrorCode.INVALID) == {"detail": "no", "code": "invalid"}
    assert error_body({"name": ["blank"]}, code=KernelErrorCode.BLANK) == {"name": ["blank"], "code": "blank"}
    # a field named `code` keeps API.md's shape; the machine code moves to `error_code`
    assert error_body({"code": ["taken"]}, code=KernelErrorCode.UNIQUE) == {
        "code": ["taken"],
        "error_code": "unique",
    }


def test_the_schema_declares_the_error_body_on_every_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert set(components["ErrorCode"]["enum"]) == set(known_error_codes())
    assert {"detail", "code", "error_code"} <= set(components["Error"]["properties"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # 409 where a state can refuse: the state-changing methods, but for the token's (decision 0043)
            changes = method != "get" and path != "/api/v1/auth/token/"
            for status in ("400", "409") if changes else ("400",):
                answer = operation["responses"][status]
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, (
                    path,
                    method,
                    status,
                )
