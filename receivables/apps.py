from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "receivables"
    default_auto_field = "django.db.models.BigAutoField"
