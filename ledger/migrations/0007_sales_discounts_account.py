from django.db import migrations


def add_account(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.update_or_create(
        key="sales_discounts",
        defaults={"code": "4730", "name": "Sales discounts (cash discounts granted)", "type": "revenue"},
    )


class Migration(migrations.Migration):
    """Cash discounts taken by customers who paid in time (decision 0056): Dr sales discounts (the
    net per tax rate), Dr VAT payable (the tax per rate) / Cr receivables. A contra-revenue account:
    its debit balance reduces sales revenue."""

    dependencies = [("ledger", "0006_exchange_rates")]
    operations = [migrations.RunPython(add_account, migrations.RunPython.noop)]
