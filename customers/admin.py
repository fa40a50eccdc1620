from django.contrib import admin

from customers.models import Customer
from customers.services import NOTIFICATION_FIELDS


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "email", "currency", "payment_terms_days", "credit_limit", "blocked"]
    list_filter = ["blocked", "dunning_enabled", "currency"]
    search_fields = ["code", "name", "email", "vat_number"]

    # The e-mail language and opt-outs (decision 0046), the e-invoicing address and format (0058),
    # the price list (0054) and the cash discount terms (0056) are edited on the customer page and
    # the API, whose services check them.
    NOTIFICATION_FIELDS = [
        "language",
        *NOTIFICATION_FIELDS,
        "country",
        "peppol_id",
        "invoice_format",
        "price_list",
        "discount_percent",
        "discount_days",
    ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("customers.change_credit_terms"):
            return self.NOTIFICATION_FIELDS
        return ["credit_limit", "blocked", "dunning_enabled", *self.NOTIFICATION_FIELDS]
