"""The pain.008 file of a collection run, written by sepaxml and validated against the XSD that
sepaxml ships (pain.008.001.08, the version of the EPC's 2023 rulebooks) before it is stored.

sepaxml numbers the message and its payment blocks at random; the file carries the run's own
ids instead (`MsgId` the run's message id, `PmtInfId` the run number and the sequence), so the
bank's statement, which repeats them, points back at the run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sepaxml
import xmlschema
from lxml import etree
from sepaxml import SepaDD

from o2c.errors import DomainError
from receivables.directdebit.errors import DirectDebitErrorCode as Code

SCHEMA = "pain.008.001.08"
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
_NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}


@dataclass(frozen=True)
class Creditor:
    name: str
    iban: str
    bic: str
    creditor_id: str


@dataclass(frozen=True)
class Debit:
    end_to_end_id: str
    amount: Decimal
    sequence: str  # FRST or RCUR
    mandate_reference: str
    mandate_signed_on: date
    debtor_name: str
    iban: str
    bic: str
    description: str


def pain008(
    *,
    creditor: Creditor,
    scheme: str,
    message_id: str,
    run_number: str,
    collection_date: date,
    debits: list[Debit],
) -> bytes:
    """The pain.008 document of one run (one scheme: CORE and B2B go in separate files), checked
    against its XSD; a file the schema refuses is a DomainError and nothing is stored."""
    config = {
        "name": creditor.name,
        "IBAN": creditor.iban,
        "BIC": creditor.bic,
        "batch": True,
        "creditor_id": creditor.creditor_id,
        "currency": "EUR",
        "instrument": scheme,
    }
    document = SepaDD(config, schema=SCHEMA, clean=True)
    for debit in debits:
        payment = {
            "name": debit.debtor_name,
            "IBAN": debit.iban,
            "amount": int(debit.amount * 100),
            "type": debit.sequence,
            "collection_date": collection_date,
            "mandate_id": debit.mandate_reference,
            "mandate_date": debit.mandate_signed_on,
            "description": debit.description,
            "endtoend_id": debit.end_to_end_id,
        }
        if debit.bic:
            payment["BIC"] = debit.bic
        document.add_payment(payment)
    root = etree.fromstring(document.export(validate=False))
    root.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", _NS).text = message_id
    for block in root.findall("p:CstmrDrctDbtInitn/p:PmtInf", _NS):
        sequence = block.find("p:PmtTpInf/p:SeqTp", _NS).text
        block.find("p:PmtInfId", _NS).text = f"{run_number}-{sequence}"
    content: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    pain008_validate(content)
    return content


def pain008_validate(content: bytes) -> None:
    """Refuse a file its XSD does not accept (a DomainError with the schema's first complaint)."""
    errors = list(_schema().iter_errors(content.decode()))
    if errors:
        error = errors[0]
        raise DomainError(
            f"the pain.008 file does not validate against {SCHEMA}: {error.reason} at {error.path}",
            field="file",
            code=Code.FILE_INVALID,
        )


_SCHEMA_CACHE: list[xmlschema.XMLSchema] = []


def _schema() -> xmlschema.XMLSchema:
    if not _SCHEMA_CACHE:
        _SCHEMA_CACHE.append(xmlschema.XMLSchema(str(XSD)))
    return _SCHEMA_CACHE[0]
