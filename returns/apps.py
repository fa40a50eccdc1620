from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from returns import delivery  # noqa: F401  (registers the outbox handler of the e-mail)
