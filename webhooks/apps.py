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
