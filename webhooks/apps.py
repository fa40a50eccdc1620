from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every event of the bus (o2c/events.py) becomes a delivery row per subscribed endpoint,
        # in the emitter's transaction.
        from o2c.events import event_listen
        from webhooks.services import webhook_event_record

        event_listen("*", webhook_event_record)

        # A change of an endpoint forgets the active endpoints read in this transaction.
        from django.db.models.signals import post_delete, post_save

        from webhooks.models import WebhookEndpoint
        from webhooks.services.events import endpoints_forget

        post_save.connect(endpoints_forget, sender=WebhookEndpoint, dispatch_uid="webhooks.endpoints_forget")
        post_delete.connect(
            endpoints_forget, sender=WebhookEndpoint, dispatch_uid="webhooks.endpoints_forget_d"
        )
