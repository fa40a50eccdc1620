from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox handler that sends the e-mails, and the listeners that queue them on the
        # domain events of orders and shipments (docs/decisions/0046); the dunning e-mail's (0066).
        from notifications import delivery, receivables, services  # noqa: F401

        services.listeners_register()
