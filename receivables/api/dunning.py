"""Dunning API (filled in by its issue part)."""

urlpatterns: list = []
