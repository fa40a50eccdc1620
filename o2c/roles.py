"""Roles are Django groups; each group carries the model permissions its work needs.

`manager` may do all that `sales`, `warehouse` and `finance` may, plus what is marked manager;
`admin` (and superusers) may do everything. Pages and API views ask `has_role`; the admin site
and fine-grained checks use the groups' permissions, kept in step with ROLE_PERMISSIONS by
`roles_sync` (run by data migrations and the `sync_roles` command).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SALES, WAREHOUSE, FINANCE, MANAGER, ADMIN = "sales", "warehouse", "finance", "manager", "admin"
ROLES = (SALES, WAREHOUSE, FINANCE, MANAGER, ADMIN)
ROLE_LABELS = {SALES: "Sales", WAREHOUSE: "Warehouse", FINANCE: "Finance", MANAGER: "Manager", ADMIN: "Admin"}
_MANAGER_COVERS = {SALES, WAREHOUSE, FINANCE, MANAGER}

_VIEW_MASTER_DATA = [
    "customers.view_customer",
    "inventory.view_product",
    "inventory.view_warehouse",
    "inventory.view_stocklevel",
    "inventory.view_stockmove",
]
_VIEW_ORDERS = [
    "orders.view_salesorder",
    "orders.view_salesorderline",
    "orders.view_orderevent",
    "credit.view_creditdecision",
]
_EDIT_ORDERS = [
    "orders.add_salesorder",
    "orders.change_salesorder",
    "orders.add_salesorderline",
    "orders.change_salesorderline",
]
_CREDIT_DECISIONS = ["credit.add_creditdecision"]
_VIEW_BILLING = [
    "fulfillment.view_shipment",
    "fulfillment.view_shipmentline",
    "fulfillment.view_shipmentevent",
    "invoicing.view_invoice",
    "invoicing.view_invoiceevent",
    "invoicing.view_invoiceline",
    "invoicing.view_creditnote",
    "invoicing.view_creditnoteline",
]
_SHIPPING = ["fulfillment.add_shipment", "fulfillment.change_shipment"]
_CREDIT_NOTES = ["invoicing.add_creditnote"]
_VIEW_CASH = [
    "receivables.view_payment",
    "receivables.view_paymentevent",
    "receivables.view_allocation",
    "receivables.view_receivableentry",
    "receivables.view_dispute",
    "receivables.view_disputeevent",
    "receivables.view_writeoff",
    "receivables.view_dunninglevel",
    "receivables.view_dunningrun",
    "receivables.view_dunningnotice",
    "receivables.view_bankstatement",
    "receivables.view_bankstatementevent",
    "receivables.view_bankstatementlineevent",
    "receivables.view_portallink",
]
_CASH = [
    "receivables.add_payment",
    "receivables.change_payment",
    "receivables.add_allocation",
    "receivables.add_dispute",
    "receivables.change_dispute",
    "receivables.add_dunningrun",
    "receivables.add_dunninglevel",
    "receivables.change_dunninglevel",
    "receivables.add_bankstatement",
    "receivables.change_bankstatement",
    "receivables.add_portallink",
    "receivables.change_portallink",
]
_REPORTS = [
    "reporting.view_kpisnapshot",
    "reporting.add_reportsubscription",
    "reporting.change_reportsubscription",
    "reporting.view_reportsubscription",
]
_LEDGER = [
    "ledger.view_account",
    "ledger.view_journalentry",
    "ledger.view_journalline",
    "ledger.add_journalentry",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SALES: [
        *_VIEW_MASTER_DATA,
        *_VIEW_ORDERS,
        *_EDIT_ORDERS,
        *_VIEW_BILLING,
        "customers.add_customer",
        "customers.change_customer",
    ],
    WAREHOUSE: [*_VIEW_MASTER_DATA, *_VIEW_ORDERS, *_VIEW_BILLING, *_SHIPPING, "inventory.add_stockmove"],
    FINANCE: [
        *_VIEW_MASTER_DATA,
        *_VIEW_ORDERS,
        *_CREDIT_DECISIONS,
        *_VIEW_BILLING,
        *_CREDIT_NOTES,
        "customers.add_customer",
        "customers.change_customer",
        "customers.change_credit_terms",
        *_LEDGER,
        *_VIEW_CASH,
        *_CASH,
        *_REPORTS,
    ],
    MANAGER: [
        *_VIEW_MASTER_DATA,
        *_VIEW_ORDERS,
        *_EDIT_ORDERS,
        *_CREDIT_DECISIONS,
        *_VIEW_BILLING,
        *_SHIPPING,
        *_CREDIT_NOTES,
        "customers.add_customer",
        "customers.change_customer",
        "customers.change_credit_terms",
        "inventory.add_product",
        "inventory.change_product",
        "inventory.add_warehouse",
        "inventory.change_warehouse",
        "inventory.add_stockmove",
        *_LEDGER,
        "ledger.add_account",
        "ledger.change_account",
        *_VIEW_CASH,
        *_CASH,
        "receivables.add_writeoff",
        *_REPORTS,
    ],
    ADMIN: ["*"],
}


def user_roles(user: Any) -> frozenset[str]:
    """The role names of `user`, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_o2c_roles", None)
    if cached is None:
        cached = user_roles_remember(user, user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return cached


def user_roles_remember(user: Any, group_names: Any) -> frozenset[str]:
    """Keep on the user object the roles of its `group_names` (read along with the user: the API
    token's authentication does), so `user_roles` reads none."""
    names = set(group_names) & set(ROLES)
    if user.is_superuser:
        names.add(ADMIN)
    cached = frozenset(names)
    user._o2c_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    """True when `user` holds one of `roles`, directly or through manager or admin."""
    held = user_roles(user)
    if ADMIN in held:
        return True
    if MANAGER in held and _MANAGER_COVERS.intersection(roles):
        return True
    return bool(held.intersection(roles))


def primary_role(user: Any) -> str | None:
    held = user_roles(user)
    for role in (ADMIN, MANAGER, FINANCE, SALES, WAREHOUSE):
        if role in held:
            return MANAGER if role == ADMIN else role
    return None


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Page decorator: anonymous users go to the login page, other roles get a 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not has_role(request.user, *roles):
                raise PermissionDenied(f"this page is for {', '.join(roles)}")
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]  # a mark on the view
        return wrapped

    return decorator


def roles_sync(apps: Apps | None = None) -> dict[str, int]:
    """Create the role groups and give each exactly its permissions; returns counts per role.

    Permissions of models that do not exist yet (an early migration on a fresh database) are
    skipped; the migration that adds those models calls this again.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    counts: dict[str, int] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if names == ["*"]:
            permissions = list(permission_model.objects.all())
        else:
            wanted = {tuple(name.split(".", 1)) for name in names}
            permissions = [
                permission
                for permission in permission_model.objects.select_related("content_type")
                if (permission.content_type.app_label, permission.codename) in wanted
            ]
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def ensure_permissions_exist(apps: Apps) -> None:
    """Create the model permissions now (Django would only after the whole migrate run)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]  # any truthy value
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def roles_sync_migration(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The RunPython step of every migration that adds models the roles work with."""
    ensure_permissions_exist(apps)
    roles_sync(apps)
