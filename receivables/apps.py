from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "receivables"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the outbox handler that a dunning run enqueues letters for.
        from receivables.dunning import letters  # noqa: F401
