"""Cash pages (filled in by its issue part)."""

urlpatterns: list = []
