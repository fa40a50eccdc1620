"""The e-mails as the company starts with them, in English and German: seeded into
`NotificationTemplate` by the data migration, and the fallback when a kind has no template in
a language (then English) or none at all."""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"

# (kind, language) -> (subject, body)
DEFAULT_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("order_confirmation", "en"): (
        "Order confirmation {order_number}",
        "Dear {customer_name},\n\n"
        "Thank you for your order {order_number} of {order_date}. We confirm it; the order "
        "confirmation is attached.\n\n"
        "Order total: {order_total}\n"
        "Your reference: {customer_reference}\n"
        "Requested delivery: {requested_delivery_date}\n\n"
        "We will let you know as soon as the goods are on their way.\n\n"
        "Kind regards,\n{company_name}\n",
    ),
    ("order_confirmation", "de"): (
        "Auftragsbestätigung {order_number}",
        "Guten Tag {customer_name},\n\n"
        "vielen Dank für Ihre Bestellung {order_number} vom {order_date}. Wir bestätigen sie; die "
        "Auftragsbestätigung finden Sie im Anhang.\n\n"
        "Auftragssumme: {order_total}\n"
        "Ihre Referenz: {customer_reference}\n"
        "Gewünschte Lieferung: {requested_delivery_date}\n\n"
        "Sobald die Ware unterwegs ist, geben wir Ihnen Bescheid.\n\n"
        "Mit freundlichen Grüßen\n{company_name}\n",
    ),
    ("order_review", "en"): (
        "We are reviewing your order {order_number}",
        "Dear {customer_name},\n\n"
        "Thank you for your order {order_number} of {order_date}. We are reviewing it and will "
        "confirm it shortly.\n\n"
        "Kind regards,\n{company_name}\n",
    ),
    ("order_review", "de"): (
        "Wir prüfen Ihre Bestellung {order_number}",
        "Guten Tag {customer_name},\n\n"
        "vielen Dank für Ihre Bestellung {order_number} vom {order_date}. Wir prüfen sie gerade "
        "und bestätigen sie in Kürze.\n\n"
        "Mit freundlichen Grüßen\n{company_name}\n",
    ),
    ("shipping_notice", "en"): (
        "Your order {order_number} is on its way",
        "Dear {customer_name},\n\n"
        "The goods of your order {order_number} left our warehouse on {shipped_date} "
        "(shipment {shipment_number}).\n\n"
        "Carrier: {carrier}\n"
        "Tracking number: {tracking_number}\n"
        "Track your parcel: {tracking_url}\n"
        "Estimated delivery: {estimated_delivery}\n\n"
        "Kind regards,\n{company_name}\n",
    ),
    ("shipping_notice", "de"): (
        "Ihre Bestellung {order_number} ist unterwegs",
        "Guten Tag {customer_name},\n\n"
        "die Ware Ihrer Bestellung {order_number} hat am {shipped_date} unser Lager verlassen "
        "(Lieferung {shipment_number}).\n\n"
        "Versanddienstleister: {carrier}\n"
        "Sendungsnummer: {tracking_number}\n"
        "Sendungsverfolgung: {tracking_url}\n"
        "Voraussichtliche Zustellung: {estimated_delivery}\n\n"
        "Mit freundlichen Grüßen\n{company_name}\n",
    ),
    ("late_notice", "en"): (
        "Your delivery {shipment_number} is delayed",
        "Dear {customer_name},\n\n"
        "The delivery of your order {order_number} (shipment {shipment_number}) was expected "
        "by {estimated_delivery} and has not arrived yet. We are sorry for the delay and are "
        "looking into it with {carrier}.\n\n"
        "Track your parcel: {tracking_url}\n\n"
        "Kind regards,\n{company_name}\n",
    ),
    ("late_notice", "de"): (
        "Ihre Lieferung {shipment_number} verspätet sich",
        "Guten Tag {customer_name},\n\n"
        "die Lieferung Ihrer Bestellung {order_number} (Lieferung {shipment_number}) war bis "
        "zum {estimated_delivery} erwartet und ist noch nicht angekommen. Wir bitten die "
        "Verzögerung zu entschuldigen und klären sie mit {carrier}.\n\n"
        "Sendungsverfolgung: {tracking_url}\n\n"
        "Mit freundlichen Grüßen\n{company_name}\n",
    ),
    ("late_notice_internal", "en"): (
        "Late shipment {shipment_number} for {customer_name}",
        "Hello {sales_owner_name},\n\n"
        "Shipment {shipment_number} of order {order_number} for {customer_name} "
        "({customer_code}) was expected by {estimated_delivery} and is not delivered yet. The "
        "customer was told of the delay (unless they turned such notices off).\n\n"
        "Carrier: {carrier}\n"
        "Tracking: {tracking_url}\n"
        "Customer e-mail: {customer_email}\n",
    ),
    ("late_notice_internal", "de"): (
        "Verspätete Lieferung {shipment_number} für {customer_name}",
        "Hallo {sales_owner_name},\n\n"
        "die Lieferung {shipment_number} des Auftrags {order_number} für {customer_name} "
        "({customer_code}) war bis zum {estimated_delivery} erwartet und ist noch nicht "
        "zugestellt. Der Kunde wurde über die Verspätung informiert (sofern er solche "
        "Hinweise nicht abbestellt hat).\n\n"
        "Versanddienstleister: {carrier}\n"
        "Sendungsverfolgung: {tracking_url}\n"
        "E-Mail des Kunden: {customer_email}\n",
    ),
}

# Carrier -> tracking page, seeded into `CarrierTracking` (editable on the notifications page).
DEFAULT_CARRIERS: dict[str, str] = {
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id={tracking_number}",
    "DPD": "https://tracking.dpd.de/status/en_US/parcel/{tracking_number}",
    "GLS": "https://gls-group.com/track/{tracking_number}",
    "UPS": "https://www.ups.com/track?tracknum={tracking_number}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={tracking_number}",
}
