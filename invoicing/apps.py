from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "invoicing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the outbox handlers that invoice_create and credit_note_create enqueue for.
        from invoicing import delivery  # noqa: F401
