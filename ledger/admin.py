from django.contrib import admin

from ledger.models import Account, JournalEntry, JournalLine, LedgerSettings
from o2c.admin import ReadOnlyAdmin


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "key", "active"]
    list_filter = ["type", "active"]
    readonly_fields = ["key"]


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    fields = ["account", "debit", "credit", "currency", "amount_currency", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """Posted entries are immutable: the admin shows them; the journal API and services post."""

    list_display = ["number", "date", "source", "source_reference", "memo"]
    list_filter = ["source"]
    search_fields = ["number", "source_reference", "memo"]
    inlines = [JournalLineInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(ReadOnlyAdmin):
    """The lock date moves through its page or API (`lock_date_set`: forward only, back by a
    manager); the admin shows it."""

    list_display = ["lock_date", "updated_by", "updated_at"]
