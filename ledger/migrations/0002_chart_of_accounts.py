from django.db import migrations

# The seeded chart of accounts. `key` is how services name an account; `code` is what accountants
# see and may renumber. Later changes to the chart go in a new migration.
CHART = [
    ("1000", "bank", "Bank", "asset"),
    ("1100", "receivables", "Accounts receivable", "asset"),
    ("1200", "inventory", "Inventory", "asset"),
    ("2000", "vat_payable", "VAT payable", "liability"),
    ("2100", "customer_advances", "Customer advances (unapplied cash)", "liability"),
    ("3000", "equity", "Owner's equity and opening balances", "equity"),
    ("4000", "revenue", "Sales revenue", "revenue"),
    ("4900", "fx_gain_loss", "Exchange rate gains and losses", "revenue"),
    ("5000", "cogs", "Cost of goods sold", "expense"),
    ("6000", "bad_debt", "Bad debt expense", "expense"),
]


def seed_chart(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for code, key, name, account_type in CHART:
        Account.objects.update_or_create(key=key, defaults={"code": code, "name": name, "type": account_type})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed_chart, migrations.RunPython.noop)]
