from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "receivables"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the outbox handlers: the collector's e-mail (the dunning letter's is in
        # notifications/receivables.py, decision 0066).
        from receivables.collections import emails  # noqa: F401
