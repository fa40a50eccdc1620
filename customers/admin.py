from django.contrib import admin

from customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "email", "currency", "payment_terms_days", "credit_limit", "blocked"]
    list_filter = ["blocked", "dunning_enabled", "currency"]
    search_fields = ["code", "name", "email", "vat_number"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("customers.change_credit_terms"):
            return []
        return ["credit_limit", "blocked", "dunning_enabled"]
