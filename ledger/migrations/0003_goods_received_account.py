from django.db import migrations


def add_account(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.update_or_create(
        key="goods_received",
        defaults={"code": "2200", "name": "Goods received not invoiced", "type": "liability"},
    )


class Migration(migrations.Migration):
    """Stock receipts are valued at standard cost: Dr inventory / Cr goods received not invoiced,
    cleared when purchasing books the supplier's invoice."""

    dependencies = [("ledger", "0002_chart_of_accounts")]
    operations = [migrations.RunPython(add_account, migrations.RunPython.noop)]
