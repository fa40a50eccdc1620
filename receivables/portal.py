"""The customer portal: a signed link shows one customer its open invoices, PDFs, statement
and how to pay."""

app_name = "portal"
urlpatterns: list = []
