from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (the `seed_demo` command): above the pipeline, it builds its state
    through the stage services and the pipeline steps, as production does."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
