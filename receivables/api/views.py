"""Payments, disputes, write-offs and payment notifications: the API of API.md."""

urlpatterns: list = []
