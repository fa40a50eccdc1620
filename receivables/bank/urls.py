from django.urls import path

from receivables.bank.views import lines, statements

urlpatterns = [
    path("bank/", statements.bank_statements, name="bank-statements"),
    path("bank/map/<str:sha>/", statements.bank_mapping, name="bank-mapping"),
    path("bank/customers/", lines.bank_customer_search, name="bank-customer-search"),
    path("bank/<int:statement_id>/", statements.bank_statement, name="bank-statement"),
    path("bank/<int:statement_id>/lines/<int:line_id>/", lines.bank_line, name="bank-line"),
    path(
        "bank/<int:statement_id>/confirm-matched/",
        statements.bank_confirm_matched,
        name="bank-confirm-matched",
    ),
    path("bank/<int:statement_id>/record/", statements.bank_record, name="bank-record"),
    path("bank/<int:statement_id>/progress/", statements.bank_progress, name="bank-progress"),
]
