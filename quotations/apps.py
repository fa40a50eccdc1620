from django.apps import AppConfig


class QuotationsConfig(AppConfig):
    name = "quotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quotations import documents  # noqa: F401  (registers the outbox handler)
