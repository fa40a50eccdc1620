"""Opening invoices: open invoices carried over from a previous system (imports, decision 0044).

An opening invoice has no order and no lines: its total is what the customer still owed in the
previous system, its number is ours (`OB-2026-000001`) and `previous_number` keeps the old one.
From then on it is an open invoice like any other: aging, dunning, statements and payments.
"""
