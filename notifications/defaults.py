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

# Receivables (decision 0066). The tone rises with the level: a friendly reminder that allows for an
# oversight, a firm one that asks for payment by a date, a final notice that says what happens next.
RECEIVABLES_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("dunning_friendly", "en"): (
        "Friendly reminder: {amount_due} open",
        "Dear {customer_name},\n\n"
        "We may have missed your payment, or it may simply be on its way: according to our "
        "records, the invoices below are past their due date.\n\n"
        "{invoices}\n\n"
        "Amount due: {amount_due}. We would be grateful for your payment by {pay_by}; the "
        "pay-now link beside each invoice takes a minute.\n\n"
        "Or by bank transfer to {bank_details}, quoting {payment_reference}.\n\n"
        "If you have paid in the meantime, thank you, and please disregard this e-mail. Your "
        "statement of account is attached; if anything on it looks wrong, just reply.\n\n"
        "Kind regards,\n{company_name}\nAccounts receivable\n",
    ),
    ("dunning_friendly", "de"): (
        "Freundliche Erinnerung: {amount_due} offen",
        "Guten Tag {customer_name},\n\n"
        "vielleicht ist Ihre Zahlung schon unterwegs oder ist Ihnen durchgerutscht: Nach unseren "
        "Unterlagen sind die folgenden Rechnungen fällig.\n\n"
        "{invoices}\n\n"
        "Offener Betrag: {amount_due}. Wir freuen uns über Ihre Zahlung bis zum {pay_by}; über "
        "den Link „Jetzt bezahlen“ bei jeder Rechnung geht es in einer Minute.\n\n"
        "Oder per Überweisung an {bank_details}, Verwendungszweck {payment_reference}.\n\n"
        "Falls Sie inzwischen bezahlt haben, danke schön, dann betrachten Sie diese E-Mail als "
        "gegenstandslos. Ihr Kontoauszug liegt bei; sollte etwas nicht stimmen, antworten Sie "
        "einfach auf diese E-Mail.\n\n"
        "Mit freundlichen Grüßen\n{company_name}\nDebitorenbuchhaltung\n",
    ),
    ("dunning_firm", "en"): (
        "Second reminder: {amount_due} overdue",
        "Dear {customer_name},\n\n"
        "We wrote to you about the invoices below, but we have not yet received your payment.\n\n"
        "{invoices}\n\n"
        "Please pay the amount due of {amount_due} by {pay_by}, with the pay-now link beside "
        "each invoice or by bank transfer to {bank_details}, quoting {payment_reference}.\n\n"
        "If there is a reason you cannot pay an invoice, please tell us now so that we can "
        "sort it out. Your statement of account is attached.\n\n"
        "Kind regards,\n{company_name}\nAccounts receivable\n",
    ),
    ("dunning_firm", "de"): (
        "Zweite Zahlungserinnerung: {amount_due} überfällig",
        "Guten Tag {customer_name},\n\n"
        "wir hatten Sie an die folgenden Rechnungen erinnert, Ihre Zahlung ist bei uns aber "
        "noch nicht eingegangen.\n\n"
        "{invoices}\n\n"
        "Bitte zahlen Sie den offenen Betrag von {amount_due} bis zum {pay_by}, über den Link "
        "bei jeder Rechnung oder per Überweisung an {bank_details}, Verwendungszweck "
        "{payment_reference}.\n\n"
        "Gibt es einen Grund, warum Sie eine Rechnung nicht bezahlen können, sagen Sie es uns "
        "bitte jetzt, damit wir es klären können. Ihr Kontoauszug liegt bei.\n\n"
        "Mit freundlichen Grüßen\n{company_name}\nDebitorenbuchhaltung\n",
    ),
    ("dunning_final", "en"): (
        "Final notice: {amount_due} overdue",
        "Dear {customer_name},\n\n"
        "Despite our reminders, the invoices below are still unpaid. This is our final notice.\n\n"
        "{invoices}\n\n"
        "Please pay the amount due of {amount_due} by {pay_by}, with the pay-now link beside "
        "each invoice or by bank transfer to {bank_details}, quoting {payment_reference}.\n\n"
        "If we have not received your payment by then, we will put your account on hold and "
        "accept no further orders until it is settled. Your statement of account is attached.\n\n"
        "{company_name}\nAccounts receivable\n",
    ),
    ("dunning_final", "de"): (
        "Letzte Mahnung: {amount_due} überfällig",
        "Guten Tag {customer_name},\n\n"
        "trotz unserer Erinnerungen sind die folgenden Rechnungen noch offen. Dies ist unsere "
        "letzte Mahnung.\n\n"
        "{invoices}\n\n"
        "Bitte zahlen Sie den offenen Betrag von {amount_due} bis zum {pay_by}, über den Link "
        "bei jeder Rechnung oder per Überweisung an {bank_details}, Verwendungszweck "
        "{payment_reference}.\n\n"
        "Geht Ihre Zahlung bis dahin nicht ein, sperren wir Ihr Kundenkonto und nehmen keine "
        "weiteren Aufträge an, bis es ausgeglichen ist. Ihr Kontoauszug liegt bei.\n\n"
        "{company_name}\nDebitorenbuchhaltung\n",
    ),
    ("statement", "en"): (
        "Your statement of account with {company_name}",
        "Dear {customer_name},\n\n"
        "Please find attached your statement of account as of {statement_date}. Your balance "
        "is {balance}, of which {amount_due} is overdue:\n\n"
        "{invoices}\n\n"
        "You can pay each invoice online with the link beside it, or by bank transfer to "
        "{bank_details}, quoting {payment_reference}.\n\n"
        "If anything on the statement looks wrong to you, just reply to this e-mail.\n\n"
        "Kind regards,\n{collector_name}\n{company_name}\n",
    ),
    ("statement", "de"): (
        "Ihr Kontoauszug bei {company_name}",
        "Guten Tag {customer_name},\n\n"
        "anbei Ihr Kontoauszug zum {statement_date}. Ihr Saldo beträgt {balance}, davon sind "
        "{amount_due} überfällig:\n\n"
        "{invoices}\n\n"
        "Sie können jede Rechnung über den Link daneben online bezahlen oder per Überweisung an "
        "{bank_details}, Verwendungszweck {payment_reference}.\n\n"
        "Sollte auf dem Auszug etwas nicht stimmen, antworten Sie einfach auf diese E-Mail.\n\n"
        "Mit freundlichen Grüßen\n{collector_name}\n{company_name}\n",
    ),
}
DEFAULT_TEMPLATES |= RECEIVABLES_TEMPLATES

# Carrier -> tracking page, seeded into `CarrierTracking` (editable on the notifications page).
DEFAULT_CARRIERS: dict[str, str] = {
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id={tracking_number}",
    "DPD": "https://tracking.dpd.de/status/en_US/parcel/{tracking_number}",
    "GLS": "https://gls-group.com/track/{tracking_number}",
    "UPS": "https://www.ups.com/track?tracknum={tracking_number}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={tracking_number}",
}
