from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from o2c.models import OutboxMessage

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:  # ModelAdmin takes no type parameter at run time
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    """For rows only services write (stock moves, postings, outbox): the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "attempts", "next_attempt_at", "delivered_at", "last_error"]
    list_filter = ["kind", "status"]
