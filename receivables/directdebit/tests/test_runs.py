"""Collection runs: the pain.008 file validates against its XSD and says what was collected;
FRST on a mandate's first run then RCUR; disputed, promised, pending, non-euro and not yet due
invoices stay out; a run again collects nothing; mandates are made and revoked by their rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from lxml import etree

from o2c import pipeline
from o2c.errors import Conflict, DomainError
from receivables.collections import services as collections
from receivables.collections.tests.clock import on_day
from receivables.collections.worklist import worklist
from receivables.directdebit import runs, services
from receivables.directdebit.sepa_file import pain008_validate
from receivables.directdebit.tests.builders import IBANS, a_customer_with_mandate, a_mandate, a_run
from receivables.dunning.selectors import dunning_preview
from receivables.models import DirectDebitItem, Mandate
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}


def test_a_run_writes_a_valid_pain008_of_what_it_collects():
    alpha, _ = a_customer_with_mandate(IBANS[0], name="Alpha Bäckerei GmbH")
    beta, _ = a_customer_with_mandate(IBANS[1])
    first = an_invoice(alpha, "119.00")
    second = an_invoice(alpha, "10.50")
    third = an_invoice(beta, "1000.00")
    an_invoice(a_customer(payment_terms_days=0), "55.00")  # no mandate: not collected

    run = a_run(collection_date=timezone.localdate() + timedelta(days=2))

    assert run.items_count == 3 and run.total == D("1129.50") and run.number.startswith("DD-")
    pain008_validate(run.xml.encode())  # the XSD sepaxml ships accepts it
    root = etree.fromstring(run.xml.encode())
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", namespaces=NS) == run.message_id
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "1129.50"
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    (block,) = root.findall("p:CstmrDrctDbtInitn/p:PmtInf", namespaces=NS)
    assert block.findtext("p:PmtInfId", namespaces=NS) == f"{run.number}-FRST"
    assert block.findtext("p:ReqdColltnDt", namespaces=NS) == run.collection_date.isoformat()
    assert block.findtext("p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == "DE98ZZZ09999999999"
    transactions = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx
        for tx in block.findall("p:DrctDbtTxInf", namespaces=NS)
    }
    items = {item.invoice_id: item for item in run.items.all()}
    assert set(items) == {first.pk, second.pk, third.pk}
    for invoice in (first, second, third):
        item = items[invoice.pk]
        tx = transactions[item.end_to_end_id]
        assert tx.findtext("p:InstdAmt", namespaces=NS) == f"{invoice.total:.2f}"
        assert tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS) == item.mandate.reference
        assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == item.mandate.iban
        assert invoice.number in tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS)
        assert item.status == DirectDebitItem.Status.PENDING and item.sequence == "FRST"
    assert "Alpha Backerei GmbH" in run.xml  # transliterated to the SEPA character set


def test_a_broken_file_is_refused_by_the_schema():
    with pytest.raises(DomainError) as caught:
        pain008_validate(
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"><CstmrDrctDbtInitn/></Document>'
        )
    assert caught.value.code == "sepa_file_invalid"


def test_first_then_recurring():
    customer, mandate = a_customer_with_mandate()
    an_invoice(customer, "20.00")
    first = a_run()
    assert first.items.get().sequence == "FRST"
    mandate.refresh_from_db()
    assert mandate.sequence == Mandate.Sequence.RECURRING
    an_invoice(customer, "30.00")
    second = a_run()
    assert second.items.get().sequence == "RCUR"
    assert f"{second.number}-RCUR" in second.xml and "<SeqTp>RCUR</SeqTp>" in second.xml
    assert second.number != first.number


def test_what_a_run_leaves_out_and_a_run_again_collects_nothing():
    customer, _ = a_customer_with_mandate()
    collected = an_invoice(customer, "10.00")
    disputed = an_invoice(customer, "20.00")
    promised = an_invoice(customer, "30.00")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="5.00", reason="damaged", by=None)
    collections.promise_make(
        customer_id=customer.pk,
        invoice_ids=[promised.pk],
        amount="30.00",
        promised_on=timezone.localdate() + timedelta(days=3),
    )
    run = a_run()
    assert [item.invoice_id for item in run.items.all()] == [collected.pk]
    with pytest.raises(DomainError) as caught:  # the same run again: everything is pending or left out
        a_run()
    assert caught.value.code == "nothing_to_collect" and caught.value.field == "due_by"
    later = an_invoice(customer, "40.00")
    with pytest.raises(DomainError):  # not due by yesterday
        a_run(due_by=timezone.localdate() - timedelta(days=1))
    assert a_run().items.get().invoice_id == later.pk


def test_a_pending_collection_pauses_dunning():
    customer, _ = a_customer_with_mandate()
    an_invoice(customer, "10.00")
    in_a_month = timezone.localdate() + timedelta(days=60)
    assert any(n.customer_id == customer.pk for n in dunning_preview(as_of=in_a_month))
    a_run()
    assert not any(n.customer_id == customer.pk for n in dunning_preview(as_of=in_a_month))


def test_run_input_refused_with_the_field():
    today = timezone.localdate()
    with pytest.raises(DomainError) as caught:
        runs.direct_debit_run_create(due_by=today, collection_date=today - timedelta(days=1))
    assert caught.value.field == "collection_date"
    with pytest.raises(DomainError) as caught:
        runs.direct_debit_run_create(due_by=today, collection_date=today + timedelta(days=400))
    assert caught.value.field == "collection_date"
    with pytest.raises(DomainError) as caught:
        runs.direct_debit_run_create(due_by=today, collection_date=today, scheme="COR1")
    assert caught.value.field == "scheme"


def test_creditor_settings_are_checked(settings):
    customer, _ = a_customer_with_mandate()
    an_invoice(customer, "10.00")
    settings.O2C_SEPA_CREDITOR_ID = "DE97ZZZ09999999999"  # a wrong check digit
    with pytest.raises(DomainError) as caught:
        a_run()
    assert caught.value.code == "creditor_not_configured" and "check digits" in caught.value.message
    settings.O2C_SEPA_CREDITOR_ID = ""
    with pytest.raises(DomainError):
        a_run()
    assert not DirectDebitItem.objects.exists()


def test_mandate_rules():
    customer, mandate = a_customer_with_mandate()
    assert (
        mandate.bic == "BYLADEM1001" and mandate.sequence == "FRST" and mandate.debtor_name == customer.name
    )
    other = a_customer(payment_terms_days=0)
    with pytest.raises(DomainError) as caught:  # the reference is unique
        services.mandate_create(
            customer_id=other.pk, reference=mandate.reference, iban=IBANS[1], signed_on=timezone.localdate()
        )
    assert caught.value.code == "mandate_reference_taken"
    with pytest.raises(Conflict):  # one active mandate per customer
        a_mandate(customer, iban=IBANS[1])
    with pytest.raises(DomainError) as caught:
        services.mandate_create(
            customer_id=other.pk,
            reference="M-FUTURE",
            iban=IBANS[1],
            signed_on=timezone.localdate() + timedelta(days=1),
        )
    assert caught.value.field == "signed_on"
    usd = a_customer(currency="USD")
    with pytest.raises(DomainError) as caught:
        a_mandate(usd)
    assert caught.value.code == "mandate_not_eur"
    services.mandate_revoke(mandate_id=mandate.pk, reason="the customer withdrew it")
    mandate.refresh_from_db()
    assert mandate.status == "revoked" and mandate.revoked_on == timezone.localdate()
    assert mandate.events.get().to_status == "revoked"
    with pytest.raises(Conflict):
        services.mandate_revoke(mandate_id=mandate.pk, reason="again")
    an_invoice(customer, "10.00")
    with pytest.raises(DomainError):  # revoked: nothing to collect
        a_run()
    a_mandate(customer, iban=IBANS[1])  # a new one after the revocation
    assert a_run().items.count() == 1
    assert_books_in_step()


def test_the_worklist_shows_a_pending_collection_apart():
    customer, _ = a_customer_with_mandate()
    with on_day(-20):
        an_invoice(customer, "80.00")  # overdue 20 days
    today = timezone.localdate()
    (before,) = [row for row in worklist(as_of=today) if row.customer_id == customer.pk]
    assert before.overdue == D("80.00")
    a_run()
    rows = [row for row in worklist(as_of=today) if row.customer_id == customer.pk]
    assert rows == []  # nothing left to chase: the bank collects it
    assert_books_in_step()
