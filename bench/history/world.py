"""The shape of the simulated trade: seasons, payment habits, terms, names, carriers."""

from __future__ import annotations

import random

# ── the simulation ───────────────────────────────────────────────────────────────────────────────

MONTH_FACTOR = {
    1: 0.85,
    2: 0.9,
    3: 1.1,
    4: 1.0,
    5: 1.0,
    6: 1.05,
    7: 0.9,
    8: 0.72,
    9: 1.05,
    10: 1.1,
    11: 1.2,
    12: 1.0,
}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.08, 0.02)
HABITS = (("prompt", 55), ("steady", 25), ("slow", 12), ("erratic", 6), ("bad", 2))
TERMS = ((14, 25), (30, 55), (60, 20))
NAME_A = (
    "Nord",
    "Süd",
    "Alpen",
    "Rhein",
    "Elb",
    "Hansa",
    "Berg",
    "Tal",
    "Wald",
    "See",
    "Stern",
    "Blau",
    "Grün",
    "Adler",
    "Falken",
    "Linden",
    "Eichen",
    "Kristall",
    "Sonnen",
    "Mond",
    "Atlas",
    "Nova",
    "Vega",
    "Orion",
)
NAME_B = (
    "technik",
    "handel",
    "bau",
    "logistik",
    "werk",
    "systeme",
    "medien",
    "küchen",
    "möbel",
    "optik",
    "metall",
    "papier",
    "textil",
    "elektro",
    "garten",
    "sport",
    "druck",
    "holz",
    "glas",
    "chemie",
    "pharma",
    "food",
)
NAME_C = ("GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "SE", "OHG", "UG")
CITIES = ("Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Bremen")
PRODUCT_WORDS = (
    "Bracket",
    "Valve",
    "Sensor",
    "Cable set",
    "Pump",
    "Filter",
    "Bearing",
    "Controller",
    "Panel",
    "Housing",
    "Adapter",
    "Switch",
    "Gasket",
    "Motor",
    "Relay",
    "Fan",
    "Hinge",
    "Clamp",
    "Nozzle",
    "Spring",
)
CARRIERS = ("DHL", "DPD", "UPS", "GLS")
DISPUTE_REASONS = ("pricing", "quantity", "damaged", "not_received", "quality", "other")
METHODS = (("bank_transfer", 80), ("direct_debit", 12), ("card", 5), ("cheque", 3))
SOURCES = (("bank_statement", 60), ("manual", 30), ("api", 10))

# Event kinds, processed in this order within a day.
DISPUTE_OPEN, DISPUTE_RESOLVE, CREDIT, PAY, SOLO_PAY, APPLY, REVERSE, REFUND, WRITE_OFF = range(9)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]
