from django.db import migrations

ACCOUNTS = [
    ("fx_gains", "7810", "Realised exchange gains", "revenue"),
    ("fx_losses", "7820", "Realised exchange losses", "expense"),
    ("fx_unrealised", "7830", "Unrealised exchange gains and losses (revaluation)", "revenue"),
    ("receivables_revaluation", "1190", "Receivables: exchange revaluation", "asset"),
]


def add_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for key, code, name, account_type in ACCOUNTS:
        Account.objects.update_or_create(key=key, defaults={"code": code, "name": name, "type": account_type})


class Migration(migrations.Migration):
    """Foreign-currency documents (decision 0062): realised gains and losses of payments at another
    rate than their invoice's; the month-end revaluation of open foreign items posts its
    unrealised difference to 7830 against 1190, beside the receivables control account (so 1100
    always equals the open items at their own rates), and reverses it the next day."""

    dependencies = [("ledger", "0007_sales_discounts_account")]
    operations = [migrations.RunPython(add_accounts, migrations.RunPython.noop)]
