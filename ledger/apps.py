from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A change of an account forgets the accounts journal postings read in this transaction.
        from django.db.models.signals import post_delete, post_save

        from ledger.models import Account
        from ledger.services import accounts_forget

        post_save.connect(accounts_forget, sender=Account, dispatch_uid="ledger.accounts_forget")
        post_delete.connect(accounts_forget, sender=Account, dispatch_uid="ledger.accounts_forget_d")
