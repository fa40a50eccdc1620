from django.apps import AppConfig


class O2CConfig(AppConfig):
    name = "o2c"
    verbose_name = "O2C kernel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import models
        from rest_framework import serializers

        from o2c.api_fields import DateTimeField

        # API timestamps in UTC (API.md), through the one field that writes them.
        serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField
