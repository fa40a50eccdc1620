"""Receivables in the admin: dunning levels are master data (editable, their letter text checked);
everything else is written by services only, so the admin shows it read-only."""

from django import forms
from django.contrib import admin

from o2c.admin import ReadOnlyAdmin
from receivables.dunning.letters import letter_template_error
from receivables.models import (
    Dispute,
    DunningLevel,
    DunningNotice,
    DunningNoticeLine,
    DunningRun,
    Payment,
)

LETTER_HELP = (
    "Django template text of the letter body, from the salutation to the last paragraph; the letter "
    "adds the letterhead, the address, the table of invoices, how to pay and the signature. Context: "
    "customer (name, code), level (level, name, blocks_customer), invoices (number, issue_date, due_date, "
    "days_overdue, total, balance, disputed, amount_due), total, currency, company (name, bank), as_of, "
    "pay_by, payment_reference."
)


class DunningLevelForm(forms.ModelForm):
    class Meta:
        model = DunningLevel
        fields = [
            "level", "name", "days_overdue", "subject", "letter_template", "tone", "blocks_customer", "active"
        ]  # fmt: skip
        widgets = {"letter_template": forms.Textarea(attrs={"rows": 16, "cols": 100})}
        help_texts = {"letter_template": LETTER_HELP}

    def clean_letter_template(self):
        text = self.cleaned_data["letter_template"]
        error = letter_template_error(text)
        if error:
            raise forms.ValidationError(error)
        return text


@admin.register(DunningLevel)
class DunningLevelAdmin(admin.ModelAdmin):
    form = DunningLevelForm
    list_display = ["level", "name", "days_overdue", "subject", "blocks_customer", "active"]
    list_display_links = ["level", "name"]
    list_editable = ["active"]
    ordering = ["days_overdue"]

    def has_delete_permission(self, request, obj=None):
        # a level that has been sent stays (notices refer to it); deactivate it instead
        if obj is not None and obj.notices.exists():
            return False
        return super().has_delete_permission(request, obj)


class DunningNoticeLineInline(admin.TabularInline):
    model = DunningNoticeLine
    fields = ["invoice", "level", "days_overdue", "balance", "disputed"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DunningNotice)
class DunningNoticeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "as_of", "customer", "level", "total", "currency", "emailed_at", "run"]
    list_filter = ["level", "as_of"]
    list_select_related = ["customer", "level", "run"]
    search_fields = ["customer__code", "customer__name"]
    inlines = [DunningNoticeLineInline]


@admin.register(DunningRun)
class DunningRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "as_of",
        "status",
        "customers_total",
        "customers_done",
        "notices_sent",
        "started_by",
    ]
    list_filter = ["status"]
    list_select_related = ["started_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_on", "customer", "amount", "unapplied_amount", "currency", "status"]
    list_filter = ["status", "method", "source"]
    list_select_related = ["customer"]
    search_fields = ["number", "reference", "customer__code", "customer__name"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "opened_on", "invoice", "customer", "amount", "reason", "status", "owner"]
    list_filter = ["status", "reason"]
    list_select_related = ["invoice", "customer", "owner"]
    search_fields = ["invoice__number", "customer__code", "customer__name"]
