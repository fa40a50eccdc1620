"""Bank account identifiers of direct debits, checked in one place: the debtor's IBAN (schwifty:
ASCII letters and digits only, checksum, length and structure of its country, a SEPA country),
its BIC (derived from the IBAN when schwifty knows the bank, else entered and checked, and of the
IBAN's country), the creditor identifier (ISO 7064 MOD 97-10 over the national identifier and the
country, the business code left out, as the EPC's "Creditor Identifier" guidance computes it)
and a mandate reference (the SEPA character set, at most 35)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidChecksumDigits, InvalidLength

from o2c.errors import DomainError
from receivables.directdebit.errors import DirectDebitErrorCode as Code

# The SEPA scheme's countries and territories (EPC409-09, the list of countries in the SEPA schemes).
SEPA_COUNTRIES = frozenset(
    [
        "AD",
        "AT",
        "BE",
        "BG",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GG",
        "GI",
        "GR",
        "HR",
        "HU",
        "IE",
        "IM",
        "IS",
        "IT",
        "JE",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "SM",
        "VA",
    ]
)
_ASCII_ALNUM_SPACED = re.compile(r"[A-Za-z0-9 ]+")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
# The SEPA Latin character set of identifiers (EPC217-08), without "/" at the ends or "//".
_REFERENCE = re.compile(r"[A-Za-z0-9+?/\-:().,' ]{1,35}")
_CREDITOR_ID = re.compile(r"([A-Z]{2})([0-9]{2})([A-Z0-9]{3})([A-Z0-9]{1,28})")


@dataclass(frozen=True)
class Account:
    iban: str  # compact, upper case
    bic: str  # 8 or 11 characters; "" when neither known nor given


def _ascii_spaced(value: object, *, field: str, what: str, code: Code) -> str:
    if not isinstance(value, str) or not _ASCII_ALNUM_SPACED.fullmatch(value.strip() or "-"):
        raise DomainError(
            f"{what} is written with the letters A–Z, the digits 0–9 and spaces only", field=field, code=code
        )
    return value.replace(" ", "").upper()


def iban_check(value: object, *, field: str = "iban") -> str:
    """The IBAN, compact and upper case, or a DomainError naming `field` that says what is wrong."""
    compact = _ascii_spaced(value, field=field, what="an IBAN", code=Code.INVALID_IBAN)
    try:
        iban = IBAN(compact)
    except InvalidChecksumDigits:
        raise DomainError(
            f"{compact} is not an IBAN: its check digits do not match", field=field, code=Code.INVALID_IBAN
        ) from None
    except InvalidLength:
        raise DomainError(
            f"{compact} has {len(compact)} characters, not the length of an IBAN of {compact[:2]}",
            field=field,
            code=Code.INVALID_IBAN,
        ) from None
    except ValueError as error:  # schwifty's other refusals: country, structure, bank code
        raise DomainError(f"{compact} is not an IBAN: {error}", field=field, code=Code.INVALID_IBAN) from None
    if iban.country_code not in SEPA_COUNTRIES:
        raise DomainError(
            f"{iban.country_code} is not a country of the SEPA schemes",
            field=field,
            code=Code.NOT_SEPA_COUNTRY,
        )
    return str(iban.compact)


def account_check(
    *, iban: object, bic: object = "", iban_field: str = "iban", bic_field: str = "bic"
) -> Account:
    """The IBAN checked, and its BIC: the one entered (checked, and of the IBAN's country), else
    the one schwifty derives from the IBAN's bank code, else none (pain.008 then says NOTPROVIDED,
    which SEPA allows within the EEA)."""
    compact = iban_check(iban, field=iban_field)
    entered = (
        "" if bic in (None, "") else _ascii_spaced(bic, field=bic_field, what="a BIC", code=Code.INVALID_BIC)
    )
    if entered:
        if not _BIC.fullmatch(entered):
            raise DomainError(
                f"{entered} is not a BIC (8 or 11 letters and digits: bank, country, location, branch)",
                field=bic_field,
                code=Code.INVALID_BIC,
            )
        try:
            checked = BIC(entered)
        except ValueError as error:
            raise DomainError(
                f"{entered} is not a BIC: {error}", field=bic_field, code=Code.INVALID_BIC
            ) from None
        if checked.country_code != compact[:2] and (compact[:2], checked.country_code) not in _SHARED_BICS:
            raise DomainError(
                f"the BIC {entered} is of {checked.country_code}, the IBAN of {compact[:2]}",
                field=bic_field,
                code=Code.INVALID_BIC,
            )
        return Account(iban=compact, bic=entered)
    derived = IBAN(compact).bic
    return Account(iban=compact, bic=str(derived.compact) if derived is not None else "")


# Territories whose banks use another country's BIC country code (Monaco and the French overseas
# departments with FR, the Channel Islands and the Isle of Man with GB).
_SHARED_BICS = frozenset({("MC", "FR"), ("GG", "GB"), ("JE", "GB"), ("IM", "GB")})


def creditor_id_check(value: object, *, field: str = "creditor_id") -> str:
    """A SEPA creditor identifier (`DE98ZZZ09999999999`), compact and upper case, or a DomainError."""
    compact = _ascii_spaced(value, field=field, what="a creditor identifier", code=Code.INVALID_CREDITOR_ID)
    found = _CREDITOR_ID.fullmatch(compact)
    if found is None:
        raise DomainError(
            f"{compact} is not a creditor identifier (country, 2 check digits, a 3-character business code, "
            "the national identifier)",
            field=field,
            code=Code.INVALID_CREDITOR_ID,
        )
    country, digits, _business, national = found.groups()
    if country not in SEPA_COUNTRIES:
        raise DomainError(
            f"{country} is not a country of the SEPA schemes", field=field, code=Code.NOT_SEPA_COUNTRY
        )
    number = int("".join(str(int(char, 36)) for char in f"{national}{country}00"))
    if 98 - number % 97 != int(digits):
        raise DomainError(
            f"{compact} is not a creditor identifier: its check digits do not match",
            field=field,
            code=Code.INVALID_CREDITOR_ID,
        )
    return compact


def mandate_reference_check(value: object, *, field: str = "reference") -> str:
    """A mandate reference: 1 to 35 characters of the SEPA set, not starting or ending with "/"
    and without "//"."""
    text = value.strip() if isinstance(value, str) else ""
    if not _REFERENCE.fullmatch(text) or text.startswith("/") or text.endswith("/") or "//" in text:
        raise DomainError(
            "a mandate reference is 1 to 35 of the letters A–Z, digits and + ? / - : ( ) . , ' and spaces, "
            "with no '/' at either end and no '//'",
            field=field,
            code=Code.MANDATE_REFERENCE_INVALID,
        )
    return text
