from django.contrib import admin

from o2c.models import OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only services write (stock moves, postings, outbox): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "attempts", "next_attempt_at", "delivered_at", "last_error"]
    list_filter = ["kind", "status"]
