from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The stock pages and API of inventory (master data, which imports no stage) show what
        # open orders wait for: orders hands in the reader (decision 0040).
        from inventory.selectors import backordered_reader_set
        from orders.selectors import backordered_quantities

        backordered_reader_set(backordered_quantities)
