"""The cash pages: the payment entry (entry.py), the payment list and one payment (payments.py)."""
