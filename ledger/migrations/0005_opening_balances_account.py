from django.db import migrations


def add_account(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.update_or_create(
        key="opening_balances",
        defaults={"code": "3900", "name": "Opening balances (carried over)", "type": "equity"},
    )


class Migration(migrations.Migration):
    """Balances carried over from a previous system (imports, decision 0044) are posted against
    this suspense account: Dr receivables / Cr opening balances for open invoices, Dr inventory /
    Cr opening balances for opening stock. It clears when the opening trial balance is entered."""

    dependencies = [("ledger", "0004_ledger_settings_lock_date")]
    operations = [migrations.RunPython(add_account, migrations.RunPython.noop)]
