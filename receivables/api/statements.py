"""Statement and portal-link API (filled in by its issue part)."""

urlpatterns: list = []
