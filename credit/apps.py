from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "credit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The customer pages and API (master data, which imports no stage) show each customer's
        # credit position: credit hands in the reader (decision 0040).
        from credit.selectors import customer_positions
        from customers.selectors import positions_reader_set

        positions_reader_set(customer_positions)
