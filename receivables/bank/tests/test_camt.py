"""CAMT.053 statements read as ISO 20022 puts them: statements from the test data of OCA
bank-statement-import and of pycamt and a file of our own (fixtures/camt/README.md names the
sources), then the refusals:
amounts that are not amounts, unsafe XML and CSV files with a NUL byte, none of which saves anything."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from o2c.errors import DomainError
from receivables.bank import services as bank_services
from receivables.bank.files import camt053_lines, csv_read
from receivables.models import BankStatement, BankStatementLine, Payment

D = Decimal
CAMT = Path(__file__).parent / "fixtures" / "camt"
LIST = reverse("receivables:bank-statements")
Line = BankStatementLine.Status


@pytest.fixture
def finance(client, make_user):
    user = make_user("finance")
    client.force_login(user)
    return user


def read(name: str):
    return camt053_lines((CAMT / name).read_bytes())


# ── real exports ─────────────────────────────────────────────────────────────────────────────────


def test_oca_statement_a_returned_direct_debit_stays_a_debit():
    direct_debit, returned_one, returned_two, credit = read("oca-test-camt053.xml")

    assert (direct_debit.amount, direct_debit.currency) == (D("-754.25"), "EUR")
    assert direct_debit.counterparty == "INSURANCE COMPANY TESTX"
    assert direct_debit.counterparty_account == "NL46ABNA0499998748"
    assert "435005714488-ABNO33052620" in direct_debit.reference
    assert not direct_debit.reversal

    # Ntry 664.05 DBIT, RvslInd true: two returned collections, money out, at their TxAmt
    assert [returned_one.amount, returned_two.amount] == [D("-564.05"), D("-100.00")]
    assert returned_one.reversal and returned_two.reversal
    assert "TESTBANK/NL/20141229/01206408" in returned_one.reference
    assert "TESTBANK/NL/20141229/01206407" in returned_two.reference
    assert returned_one.counterparty == "Test Customer"
    assert "AC06" in returned_one.note and "not a customer payment" in returned_one.note

    assert credit.amount == D("1405.31") and credit.counterparty == "3rd party Media"
    assert credit.counterparty_account == "NL69ABNA0522123643"
    assert credit.reference == "115"  # the end-to-end id: the entry has no remittance text
    assert {str(line.booking_date) for line in (direct_debit, returned_one, credit)} == {"2014-01-05"}


def test_oca_batch_credit_is_one_line_per_transaction_at_its_own_amount():
    first, second = read("oca-test-camt053-txdtls.xml")
    assert [first.amount, second.amount] == [D("2187.00"), D("1296.00")]
    assert {first.currency, second.currency} == {"CHF"}
    assert first.reference.startswith("302388292000011111111111111")
    assert second.reference.startswith("302388292000022222222222222")
    assert first.counterparty_account == "CH2222000000123456789"
    assert second.counterparty_account == "CH3333000000123456789"
    assert first.bank_reference == "20170323001234567891234567891234"  # the entry's
    assert not first.note and not first.reversal


def test_oca_booking_dates_given_as_date_times_are_read():
    lines = read("oca-test-camt053-bookgdt-dttm.xml")
    assert lines[0].amount == D("-754.25") and str(lines[0].booking_date) == "2014-01-04"


def test_oca_statement_without_entries_is_refused_with_a_message():
    with pytest.raises(DomainError) as refused:
        read("oca-test-camt053-no-ntry.xml")
    assert "no booked entries" in refused.value.message


def test_pycamt_statement_one_credit_at_its_entry_amount_referenced_by_its_end_to_end_id():
    (credit,) = read("pycamt-test-parser.xml")
    assert (credit.amount, credit.currency) == (D("500.00"), "EUR")  # Ntry Amt, CRDT
    assert str(credit.booking_date) == "2020-06-23"
    assert credit.reference == "ENDTOENDID123"  # no remittance information
    assert credit.bank_reference == "123"  # the entry's AcctSvcrRef
    assert (credit.counterparty, credit.counterparty_account) == ("", "")  # no RltdPties
    assert not credit.reversal and not credit.note


def test_pycamt_statement_nine_unstructured_remittance_lines_make_one_reference():
    (credit,) = read("pycamt-test-parser-multiple-ustrd.xml")
    assert (credit.amount, credit.currency) == (D("69.06"), "EUR")
    assert str(credit.booking_date) == "2020-07-07"
    assert credit.reference == (
        "Ref.. 1234567890123456 Betrag EUR 69,06 /ADRS CH/Basel,1234 A12345/ Best 00123456 "
        "7185) Peter Pan Urspr. EUR 69,06 ADRS Re xxxxx,4 CH/Basel Land,1234/ ERST RAIFCH12345"
        " / ENDTOENDID123"
    )  # every Ustrd in order, runs of spaces as one, then the end-to-end id
    assert credit.bank_reference == "123"
    assert not credit.reversal and not credit.note


def test_pycamt_statement_with_a_chf_amount_of_three_decimals_is_refused_naming_the_entry():
    content = (CAMT / "pycamt-test-transaction.xml").read_bytes()
    with pytest.raises(DomainError) as refused:
        camt053_lines(content)  # Ntry 1: 12345.678 CHF, a minor unit CHF does not have
    assert refused.value.field == "file"
    assert refused.value.message.startswith("entry 1: ") and "12345.678" in refused.value.message

    # the same file without that entry: its card payment, a DBIT, one TxDtls under a Btch of one
    start, end = content.index(b"<Ntry>"), content.index(b"</Ntry>") + len(b"</Ntry>")
    (card,) = camt053_lines(content[:start] + content[end:])
    assert (card.amount, card.currency) == (D("-123.20"), "CHF")
    assert str(card.booking_date) == "2025-12-11"  # BookgDt, not the ValDt 2025-12-10
    assert card.reference == "10.12.2025 16:00 Kartennummer: 1231456798"  # EndToEndId NOTPROVIDED
    assert card.counterparty == "Donald Duck"  # the creditor of a debit
    assert card.counterparty_account == ""  # no CdtrAcct
    assert card.bank_reference == "ZV20251201/127310"  # the entry's, not the transaction's /1
    assert not card.reversal and card.note == "a debit: not a customer payment"


# ── amounts: entry, transaction, batch ───────────────────────────────────────────────────────────


def test_entry_amounts_and_batch_transaction_amounts_are_read_where_iso_20022_puts_them():
    lines = read("batch-and-returns.xml")
    assert [(line.amount, line.reference.split(" / ")[0]) for line in lines] == [
        (D("8.85"), "INV-2026-000301"),  # not the instructed 105.75 SEK
        (D("8.85"), "INV-2026-000302"),  # not the 0.00 of its charges
        (D("8.85"), "INV-2026-000303"),  # batch: TxAmt
        (D("46.90"), "INV-2026-000304"),  # batch: InstdAmt in the entry's currency
        (D("50.00"), "INV-2026-000305"),  # batch: TxDtls/Amt (v04 on)
        (D("-250.00"), "INV-2026-000306"),  # returned direct debit: DBIT, RvslInd true
        (D("99.50"), "INV-2026-000307"),  # does not add up: one line at the entry amount
    ]
    single, _, batch_one, _, _, returned, unbalanced = lines
    assert single.counterparty == "Nordic Kiosk AB" and single.currency == "EUR"  # Dbtr/Pty/Nm (v08)
    assert batch_one.bank_reference == "B-0003"
    assert "NOTPROVIDED" not in batch_one.reference
    assert returned.reversal and "MD06" in returned.note and returned.counterparty == ""
    assert "INV-2026-000308" in unbalanced.reference and "do not add up" in unbalanced.note


@pytest.mark.django_db
def test_a_returned_direct_debit_is_ignored_with_its_reason_and_never_recorded(client, finance):
    from tests.builders import a_customer, an_invoice

    acme = a_customer(code="ACME", name="Acme Trading GmbH")
    invoice = an_invoice(acme, "250.00")
    content = (
        (CAMT / "batch-and-returns.xml").read_bytes().replace(b"INV-2026-000306", invoice.number.encode())
    )

    response = client.post(LIST, {"file": SimpleUploadedFile("ret.xml", content), "currency": "EUR"})

    assert response.status_code == 302
    returned = BankStatementLine.objects.get(amount=D("-250.00"))
    assert returned.status == Line.IGNORED
    assert "returned direct debit" in returned.match_note and "MD06" in returned.match_note
    assert returned.customer_id is None and returned.allocations == []
    statement = returned.statement
    assert bank_services.matched_confirm(statement_id=statement.pk) >= 0
    assert not BankStatementLine.objects.filter(amount__lt=0).exclude(status=Line.IGNORED).exists()
    with pytest.raises(DomainError):
        bank_services.line_decide(statement_id=statement.pk, line_id=returned.pk, action="restore")
    assert Payment.objects.count() == 0


# ── refusals: a 400 naming the line, nothing saved ───────────────────────────────────────────────

ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-04-30</Dt></BookgDt></Ntry>"""


def statement(*amounts: str) -> bytes:
    entries = "".join(ENTRY.format(amount=amount) for amount in amounts)
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        f"<BkToCstmrStmt><Stmt><Id>S</Id>{entries}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


@pytest.mark.parametrize(
    "amount", ["NaN", "Infinity", "-Infinity", "1e30", "10000000000.00", "-5.00", "1.005", ""]
)
def test_an_amount_that_is_not_an_amount_refuses_the_file_naming_the_entry(amount):
    with pytest.raises(DomainError) as refused:
        camt053_lines(statement("10.00", amount))
    assert refused.value.field == "file"
    assert refused.value.message.startswith("entry 2: ")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e30"])
def test_the_upload_page_answers_400_and_saves_nothing(client, finance, amount):
    response = client.post(
        LIST, {"file": SimpleUploadedFile("bad.xml", statement("10.00", amount)), "currency": "EUR"}
    )
    assert response.status_code == 400
    assert b"entry 2" in response.content
    assert not BankStatement.objects.exists() and not BankStatementLine.objects.exists()


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry>'
    b'<Amt Ccy="EUR">&lol3;</Amt></Ntry></Stmt></BkToCstmrStmt></Document>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry>'
    b'<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-04-30</Dt></BookgDt>'
    b"<NtryDtls><TxDtls><RmtInf><Ustrd>&xxe;</Ustrd></RmtInf></TxDtls></NtryDtls>"
    b"</Ntry></Stmt></BkToCstmrStmt></Document>"
)


@pytest.mark.parametrize("content", [BOMB, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_never_expanded_even_behind_a_long_prologue(content):
    """The DTD check reads the first 64 KB; behind a longer comment the parser itself resolves
    nothing: the entity stays unexpanded (or the file is refused), /etc/passwd is never read."""
    padded = content.replace(b"?>", b"?><!--" + b"x" * 70_000 + b"-->", 1)
    for attempt in (content, padded):
        try:
            lines = camt053_lines(attempt)
        except DomainError as refused:
            assert refused.field == "file"
            continue
        assert all("root:" not in line.reference and "lol" not in line.reference for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [BOMB, XXE, b"<Document><unclosed></Document>", b"<?xml version='1.0'?><a>" + b"<b>" * 300 + b"</a>"],
    ids=["billion-laughs", "xxe", "malformed", "deep-unclosed"],
)
def test_unsafe_or_malformed_xml_uploads_answer_400(client, finance, content):
    response = client.post(LIST, {"file": SimpleUploadedFile("x.xml", content), "currency": "EUR"})
    assert response.status_code == 400
    assert not BankStatement.objects.exists()


# ── CSV with a NUL byte anywhere ─────────────────────────────────────────────────────────────────


def csv_with_nul_after(offset: int) -> bytes:
    rows = "".join(f"2026-04-{1 + n % 28:02d},10.00,ref {n:05d},Payer\n" for n in range(400))
    content = ("Date,Amount,Reference,Payer\n" + rows).encode()
    assert len(content) > offset
    return content[:offset] + b"\x00" + content[offset:]


def test_a_csv_with_a_nul_byte_after_4_kb_is_refused_naming_the_line():
    with pytest.raises(DomainError) as refused:
        csv_read(csv_with_nul_after(6000))
    assert refused.value.field == "file"
    assert "NUL" in refused.value.message and "line " in refused.value.message


@pytest.mark.django_db
def test_the_upload_page_answers_400_for_a_csv_with_a_nul_byte_after_4_kb(client, finance):
    response = client.post(
        LIST, {"file": SimpleUploadedFile("nul.csv", csv_with_nul_after(6000)), "currency": "EUR"}
    )
    assert response.status_code == 400
    assert not BankStatement.objects.exists()
