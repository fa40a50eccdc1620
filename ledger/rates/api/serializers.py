from rest_framework import serializers

from ledger.rates.models import ExchangeRate
from o2c.api_fields import DateField, TextField


class ExchangeRateIn(serializers.Serializer):
    currency = TextField(max_length=3, help_text="ISO 4217, not the base currency")
    rate = serializers.CharField(
        max_length=40, help_text='units of the currency per base unit, e.g. "1.0812"'
    )
    valid_on = DateField()


class ExchangeRateOut(serializers.ModelSerializer):
    rate = serializers.DecimalField(max_digits=18, decimal_places=8)

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "rate", "valid_on", "source"]


class EcbUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text="the ECB's eurofxref.csv or eurofxref-hist.csv")


class EcbUploadOut(serializers.Serializer):
    written = serializers.IntegerField()
