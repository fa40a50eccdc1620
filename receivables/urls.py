"""The finance clerk's cash pages under /cash/: one module per area, one namespace."""

from receivables import pages_bank, pages_disputes, pages_dunning, pages_payments, pages_statements

app_name = "receivables"
urlpatterns = [
    *pages_payments.urlpatterns,
    *pages_disputes.urlpatterns,
    *pages_bank.urlpatterns,
    *pages_dunning.urlpatterns,
    *pages_statements.urlpatterns,
]
