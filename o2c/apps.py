from django.apps import AppConfig


class O2CConfig(AppConfig):
    name = "o2c"
    verbose_name = "O2C kernel"
    default_auto_field = "django.db.models.BigAutoField"
