"""Helpers of the pay-now link tests: find the links in an e-mail, a PDF or a page, and open them."""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import urlsplit

from django.test import Client
from pypdf import PdfReader

from o2c.paylinks import pay_token_read

PAY_LINK = re.compile(r"(?:https?://[^\s\"'<>]+)?/pay/[A-Za-z0-9_:.\-]+/")


def links_in_text(text: str) -> list[str]:
    return PAY_LINK.findall(text)


def links_in_pdf(pdf: bytes) -> list[str]:
    """The URIs of the PDF's link annotations that lead to a pay page."""
    uris = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return [uri for uri in uris if PAY_LINK.fullmatch(uri)]


def opens_pay_page(url: str, invoice_number: str) -> bool:
    """The link (absolute, on `O2C_PUBLIC_URL`) opens the payment page of that invoice."""
    answer = Client().get(urlsplit(url).path)
    return answer.status_code == 200 and f"Invoice {invoice_number}" in answer.content.decode()


def invoices_of(links: list[str]) -> list[int | None]:
    """The invoice each link pays (its signed token read back); None for a forged one."""
    return [pay_token_read(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]) for link in links]
