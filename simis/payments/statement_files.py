"""Banks' end-of-day statement files read into plain values (CON-3, CON-5, CH-4).

The institution reconciles employers' payments from the statements its banks send for its
collection accounts, in one of two formats (detected from the content, never from the file name):

- **ISO 20022 camt.053** (BankToCustomerStatement), versions 001.02 to 001.13, recognised by the
  namespace ``urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN``. The elements read have kept their
  names through those versions; where they moved (the debtor's name under ``Dbtr/Nm`` before
  version 08 and ``Dbtr/Pty/Nm`` from 08; a date as ``Dt`` or ``DtTm``) both places are read.
  Files are streamed (lxml ``iterparse``, each entry dropped once read), so a 100,000-entry file
  never stands whole in memory as a tree. The parser resolves no entity, loads no DTD, reaches no
  network and keeps libxml2's size limits; a file that declares a document type or an entity is
  refused before parsing (PAY-006), which rules out XXE and "billion laughs" alike.
- **SWIFT MT940**, as a FIN message (``{1:…}{2:…}{4:`` … ``-}``) or as the bare fields the
  banks' portals export, one or several statements a file. Fields read: :20: :25: :28C:
  :60F:/:60M: :61: :86: :62F:/:62M: (others are passed over). The text is UTF-8, Windows-1256 or
  ISO-8859-6 (Arabic names); which of the two Arabic code pages is told apart by what the
  letters decode to (``encoding`` forces one).

What an entry carries (``StatementEntry``) is the same for both formats; how each field is found
is said on the dataclass. Every refusal is a coded ``SimisError`` (PAY-0xx, simis/payments/
errors.py) naming the line and the field. Nothing here touches the database.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _
from lxml import etree

from simis.core.errors import SimisError
from simis.core.identifiers import bill_number_valid, normalise_digits
from simis.payments.errors import PaymentError

# A default, not a setting: the caller that receives files passes its own limit. 100,000 entries
# of camt.053 take about 70 MB.
STATEMENT_MAX_BYTES = 256 * 1024 * 1024
CAMT053_VERSIONS = tuple(f"{number:02d}" for number in range(2, 14))
MT940_ENCODINGS = ("utf-8", "windows-1256", "iso-8859-6")

# Currencies whose minor unit is a thousandth (ISO 4217); every other amount has two places.
_THREE_PLACES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
_CENTS = Decimal("0.01")
_MILS = Decimal("0.001")
_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,5})?")
_BILL_TOKEN = re.compile(r"(?<!\d)1[0-9]{13}(?!\d)")
# What banks write when the payer gave no end-to-end reference (SEPA and ISO 20022 usage).
_NO_REFERENCE = frozenset({"", "NOTPROVIDED", "NONREF"})


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", _("ISO 20022 camt.053 bank statement")
    MT940 = "mt940", _("SWIFT MT940 bank statement")


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One booked movement on the account.

    - ``line``: the entry's 1-based position among the file's entries (1 = the first entry of the
      file, across statements); errors name the text line as well.
    - ``entry_reference``: the bank's own reference of the booking, unique within the file —
      camt ``Ntry/AcctSvcrRef``, else ``Ntry/NtryRef``, else the first transaction's
      ``Refs/AcctSvcrRef``; MT940 field 61's bank reference (after ``//``), else its reference for
      the account owner.
    - ``amount``: positive, two decimal places (three for BHD, JOD, KWD, OMR and the other
      currencies with a thousandth); ``credit`` says the direction as booked. A reversal
      (camt ``RvslInd``, MT940 ``RC``/``RD``) is booked against the original: ``RC`` (reversal of
      a credit) is a debit and ``RD`` a credit, and ``reversal`` is set.
    - ``currency``: camt ``Ntry/Amt/@Ccy``; MT940 entries carry none, so the statement's.
    - ``debtor_name``, ``debtor_account`` (IBAN, else the other account number), ``end_to_end_id``:
      the other party as the bank names it — camt from the first ``TxDtls`` (its ``RltdPties`` and
      ``Refs/EndToEndId``); MT940 from field 86's ``/NAME/`` (or ``/ORDP/``), ``/IBAN/`` (or
      ``/ACCT/``) and ``/EREF/`` codes, the end-to-end id falling back on field 61's reference for
      the account owner. ``NOTPROVIDED`` and ``NONREF`` read as no reference.
    - ``remittance``: camt ``RmtInf/Ustrd`` texts then ``RmtInf/Strd/CdtrRefInf/Ref`` of every
      transaction, joined by a space; MT940 field 86's ``/REMI/`` text, or the whole of field 86
      when it has no codes.
    - ``bill_numbers``: every 14-digit number in the end-to-end id, the remittance and (MT940) field
      61's reference for the account owner and supplementary details that is a valid bill number
      (``bill_number_valid``), in order of appearance, each once. Arabic-Indic digits count.
    """

    line: int
    entry_reference: str
    booking_date: date
    value_date: date
    amount: Decimal
    credit: bool
    currency: str
    debtor_name: str = ""
    debtor_account: str = ""
    remittance: str = ""
    bill_numbers: tuple[str, ...] = ()
    end_to_end_id: str = ""
    reversal: bool = False


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of one account. Balances are signed (a debit balance is negative).

    Construction checks that the opening balance plus the credits minus the debits booked in the
    statement's currency is the closing balance (PAY-013). Entries in another currency — which
    some banks list on a collection account without booking them in its balance — are left out
    of that sum and kept for reconciliation to refuse."""

    format: StatementFormat
    statement_id: str
    account: str
    currency: str
    opening_balance: Decimal
    opening_date: date
    closing_balance: Decimal
    closing_date: date
    entries: tuple[StatementEntry, ...]
    message: str = ""  # "camt.053.001.08", "MT940"

    def __post_init__(self) -> None:
        credits, debits = self.credits, self.debits
        expected = self.opening_balance + credits - debits
        if expected != self.closing_balance:
            raise SimisError(
                PaymentError.BALANCE_MISMATCH,
                statement=self.statement_id,
                opening=self.opening_balance,
                credits=credits,
                debits=debits,
                expected=expected,
                closing=self.closing_balance,
            )

    @property
    def credits(self) -> Decimal:
        """The sum of the credit entries in the statement's currency."""
        return entries_total(self.entries, currency=self.currency, credit=True)

    @property
    def debits(self) -> Decimal:
        """The sum of the debit entries in the statement's currency."""
        return entries_total(self.entries, currency=self.currency, credit=False)


def entries_total(entries: Iterable[StatementEntry], *, currency: str, credit: bool) -> Decimal:
    """The sum of the credit (or debit) entries in ``currency``; 0 when there are none."""
    return sum((e.amount for e in entries if e.credit is credit and e.currency == currency), Decimal(0))


def bill_numbers_find(*texts: str) -> tuple[str, ...]:
    """The valid bill numbers standing as whole 14-digit numbers in ``texts``, in order, each once.
    A longer run of digits holds none (it is some other number)."""
    text = " ".join(texts)  # one scan; the space keeps numbers of different texts apart
    if not text.isascii():
        text = normalise_digits(text)
    found: list[str] = []
    for token in _BILL_TOKEN.findall(text):
        if token not in found and bill_number_valid(token):
            found.append(token)
    return tuple(found)


def statements_parse(
    data: bytes,
    *,
    filename: str = "",
    max_bytes: int = STATEMENT_MAX_BYTES,
    encoding: str | None = None,
) -> tuple[Statement, ...]:
    """Every statement in the file, in file order. ``encoding`` forces MT940's text encoding
    (camt.053 declares its own). Entry references are unique across the whole file (PAY-025)."""
    file = filename or "-"
    if not data:
        raise SimisError(PaymentError.EMPTY_FILE, file=file)
    if len(data) > max_bytes:
        raise SimisError(PaymentError.FILE_TOO_LARGE, file=file, size=len(data), limit=max_bytes)
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    camt = head.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not camt and (b"\x00" in head or not re.match(rb"(?:\{1:|(?:[^\n]*\n){0,3}:20:)", head)):
        raise SimisError(PaymentError.UNKNOWN_FORMAT, file=file)
    # Python's cyclic collector paused while the file is read: a large file makes hundreds of
    # thousands of small objects that hold no cycles, which every collection would scan again as
    # they pile up (a third of the time of a 100,000-entry MT940 file).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if camt:
            statements = _camt_parse(data, file)
        else:
            statements = _Mt940Reader(_mt940_text(data, file, encoding)).statements()
    finally:
        if collecting:
            gc.enable()
    if not statements:
        raise SimisError(PaymentError.NO_STATEMENT, file=file)
    return tuple(statements)


def statement_parse(
    data: bytes,
    *,
    filename: str = "",
    max_bytes: int = STATEMENT_MAX_BYTES,
    encoding: str | None = None,
) -> Statement:
    """The one statement in the file (PAY-008 when it holds several: use ``statements_parse``)."""
    statements = statements_parse(data, filename=filename, max_bytes=max_bytes, encoding=encoding)
    if len(statements) > 1:
        raise SimisError(PaymentError.SEVERAL_STATEMENTS, file=filename or "-", count=len(statements))
    return statements[0]


# --- Shared field readers -----------------------------------------------------------------------


def _amount(text: str, currency: str, *, line: int, field: str) -> Decimal:
    """A non-negative amount with no more decimal places than its currency has, to that many."""
    places = 3 if currency in _THREE_PLACES else 2
    if _AMOUNT.fullmatch(text):
        value = Decimal(text)
        exact = value.quantize(_MILS if places == 3 else _CENTS)
        if exact == value:
            return exact
    raise SimisError(PaymentError.BAD_AMOUNT, line=line, field=field, value=text, places=places)


def _currency(text: str | None, *, line: int, field: str) -> str:
    if text and _CURRENCY.fullmatch(text):
        return text
    raise SimisError(PaymentError.BAD_CURRENCY, line=line, field=field, value=text or "")


class _References:
    """Entry references seen so far in one file, with the first entry that used each."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def check(self, reference: str, *, entry: int, line: int, field: str) -> str:
        if not reference:
            raise SimisError(PaymentError.MISSING_REFERENCE, line=line, entry=entry, field=field)
        first = self.seen.setdefault(reference, entry)
        if first != entry:
            raise SimisError(
                PaymentError.DUPLICATE_REFERENCE, line=line, entry=entry, reference=reference, first=first
            )
        return reference


# --- ISO 20022 camt.053 ---------------------------------------------------------------------------

_CAMT_NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.001\.(\d{2})\}Document")
# libxml2 options: no entity substitution, no DTD, no network, its size limits kept (huge_tree
# off), and no comments or processing instructions in the tree (so every node is an element).
_SAFE_XML: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _camt_parse(data: bytes, file: str) -> list[Statement]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        # ISO 20022 messages are UTF-8; a UTF-16 file would also slip past the byte check below.
        raise SimisError(PaymentError.ENCODING, file=file, encoding="UTF-8")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SimisError(PaymentError.DOCUMENT_TYPE, file=file)
    try:
        return _camt_read(data, file)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno is not None else 0
        raise SimisError(PaymentError.MALFORMED_XML, file=file, line=line, detail=error.msg) from None


def _camt_read(data: bytes, file: str) -> list[Statement]:
    # First the root alone, to learn the message and version (its namespace) and to see that no
    # DTD came with it (the byte check above already refused the usual spellings).
    _event, root = next(iter(etree.iterparse(io.BytesIO(data), events=("start",), **_SAFE_XML)))
    if root.getroottree().docinfo.doctype:
        raise SimisError(PaymentError.DOCUMENT_TYPE, file=file)
    match = _CAMT_NAMESPACE.fullmatch(root.tag) if isinstance(root.tag, str) else None
    if match is None:
        raise SimisError(PaymentError.UNKNOWN_FORMAT, file=file)
    message, version = match.groups()
    if message != "camt.053" or version not in CAMT053_VERSIONS:
        raise SimisError(
            PaymentError.UNSUPPORTED_MESSAGE,
            file=file,
            found=f"{message}.001.{version}",
            supported=f"001.{CAMT053_VERSIONS[0]}–001.{CAMT053_VERSIONS[-1]}",
        )
    namespace = root.tag[: -len("Document")]
    entry_tag, statement_tag = namespace + "Ntry", namespace + "Stmt"
    reader = _CamtReader(namespace, f"{message}.001.{version}")
    statements: list[Statement] = []
    entries: list[StatementEntry] = []
    for _event, element in etree.iterparse(
        io.BytesIO(data), events=("end",), tag=(entry_tag, statement_tag), remove_blank_text=True, **_SAFE_XML
    ):
        if element.tag == entry_tag:
            entries.append(reader.entry(element))
            # Entries are dropped once read: the one before this (never this one, which the parser
            # still points at).
            previous = element.getprevious()
            if previous is not None and previous.tag == entry_tag:
                element.getparent().remove(previous)
            element.clear()
        else:
            statements.append(reader.statement(element, entries))
            entries = []
            element.clear()
    return statements


def _text(element: Any) -> str:
    return (element.text or "").strip() if element is not None else ""


class _CamtReader:
    """Reads entries and statements of one camt.053 file; ``cut`` is the length of the
    ``{namespace}`` prefix of every tag."""

    def __init__(self, namespace: str, message: str) -> None:
        self.cut = len(namespace)
        self.message = message
        self.detail_tags = tuple(
            namespace + name for name in ("Ustrd", "Ref", "EndToEndId", "AcctSvcrRef", "Nm", "IBAN", "Id")
        )
        self.entries = 0
        self.references = _References()

    def children(self, element: Any) -> dict[str, Any]:
        cut = self.cut
        return {child.tag[cut:]: child for child in element} if element is not None else {}

    def date_of(self, element: Any, *, field: str) -> date:
        """A ``Dt`` or ``DtTm`` choice's date (a date-time's own calendar day)."""
        line = element.sourceline or 0
        choice = element[0] if len(element) else None
        name = choice.tag[self.cut :] if choice is not None else ""
        if name not in ("Dt", "DtTm"):
            choice = None
        text = (choice.text or "").strip() if choice is not None else ""
        try:
            if len(text) >= 10 and text[4] == "-" and text[7] == "-":
                return date.fromisoformat(text[:10])
        except ValueError:
            pass
        if choice is None:
            self.missing(element, f"{field}/Dt")
        raise SimisError(
            PaymentError.BAD_DATE, line=choice.sourceline or line, field=f"{field}/{name}", value=text
        )

    def statement_id(self, element: Any) -> str:
        """The ``Stmt/Id`` of the statement ``element`` stands in, for messages."""
        while element is not None and element.tag[self.cut :] != "Stmt":
            element = element.getparent()
        return _text(self.children(element).get("Id")) if element is not None else ""

    def path_is(self, element: Any, *names: str) -> bool:
        """Whether ``element``'s parent, grandparent… have these local names (parent first)."""
        cut = self.cut
        for name in names:
            element = element.getparent()
            if element is None or element.tag[cut:] != name:
                return False
        return True

    def missing(self, parent: Any, field: str) -> NoReturn:
        raise SimisError(
            PaymentError.MISSING_FIELD,
            line=parent.sourceline or 0,
            statement=self.statement_id(parent),
            field=field,
        )

    def present(self, element: Any, name: str, parent: Any, field: str) -> Any:
        """``element``, which is ``parent``'s child ``name``; PAY-010 when it is missing."""
        if element is None:
            self.missing(parent, f"{field}/{name}")
        return element

    def mark(self, element: Any, *, field: str) -> bool:
        text = _text(element)
        if text == "CRDT":
            return True
        if text == "DBIT":
            return False
        raise SimisError(PaymentError.BAD_MARK, line=element.sourceline or 0, field=field, value=text)

    def money(self, element: Any, *, field: str) -> tuple[Decimal, str]:
        line = element.sourceline or 0
        currency = _currency(element.get("Ccy"), line=line, field=f"{field}/@Ccy")
        return _amount(_text(element), currency, line=line, field=field), currency

    def entry(self, ntry: Any) -> StatementEntry:
        # The hot loop of a 100,000-entry file: one pass over the entry's children, then one over
        # the few descendants of its details that matter (lxml filters them by tag in C).
        self.entries += 1
        number = self.entries
        field = f"Ntry[{number}]"
        line = ntry.sourceline or 0
        cut = self.cut
        amount_element = mark_element = booking = valuing = details = None
        reversal = False
        reference = entry_reference = ""
        for child in ntry:
            name = child.tag[cut:]
            if name == "Amt":
                amount_element = child
            elif name == "CdtDbtInd":
                mark_element = child
            elif name == "BookgDt":
                booking = child
            elif name == "ValDt":
                valuing = child
            elif name == "AcctSvcrRef":
                reference = (child.text or "").strip()
            elif name == "NtryRef":
                entry_reference = (child.text or "").strip()
            elif name == "NtryDtls":
                details = child
            elif name == "RvslInd":
                reversal = (child.text or "").strip() in ("true", "1")
        amount, currency = self.money(self.present(amount_element, "Amt", ntry, field), field=f"{field}/Amt")
        credit = self.mark(self.present(mark_element, "CdtDbtInd", ntry, field), field=f"{field}/CdtDbtInd")
        booked = self.date_of(self.present(booking, "BookgDt", ntry, field), field=f"{field}/BookgDt")
        valued = self.date_of(valuing, field=f"{field}/ValDt") if valuing is not None else booked
        reference = reference or entry_reference
        name = account = end_to_end = ""
        remittance: list[str] = []
        if details is not None:
            # Document order: a transaction's Ustrd lines come before its Strd references.
            for element in details.iter(*self.detail_tags):
                kind = element.tag[cut:]
                text = (element.text or "").strip()
                if kind == "Ustrd":
                    remittance.append(text)
                elif kind == "Ref":
                    if element.getparent().tag[cut:] == "CdtrRefInf":
                        remittance.append(text)
                elif kind == "EndToEndId":
                    if not end_to_end:
                        end_to_end = "" if text in _NO_REFERENCE else text
                elif kind == "AcctSvcrRef":
                    reference = reference or text
                elif kind == "Nm":
                    if not name and (self.path_is(element, "Dbtr") or self.path_is(element, "Pty", "Dbtr")):
                        name = text
                elif kind == "IBAN":
                    if not account and self.path_is(element, "Id", "DbtrAcct"):
                        account = text
                elif not account and self.path_is(element, "Othr", "Id", "DbtrAcct"):  # kind == "Id"
                    account = text  # an account without an IBAN
        self.references.check(reference, entry=number, line=line, field=f"{field}/AcctSvcrRef")
        text = " ".join(part for part in remittance if part)
        return StatementEntry(
            line=number,
            entry_reference=reference,
            booking_date=booked,
            value_date=valued,
            amount=amount,
            credit=credit,
            currency=currency,
            debtor_name=name,
            debtor_account=account,
            remittance=text,
            bill_numbers=bill_numbers_find(end_to_end, text),
            end_to_end_id=end_to_end,
            reversal=reversal,
        )

    def statement(self, stmt: Any, entries: list[StatementEntry]) -> Statement:
        field = "Stmt"
        kids = self.children(stmt)
        statement_id = _text(self.present(kids.get("Id"), "Id", stmt, field))
        account_element = self.present(kids.get("Acct"), "Acct", stmt, field)
        account_kids = self.children(account_element)
        identifier = self.children(account_kids.get("Id"))
        account = _text(identifier.get("IBAN")) or _text(self.children(identifier.get("Othr")).get("Id"))
        if not account:
            self.missing(account_element, f"{field}/Acct/Id")
        currency = ""
        if "Ccy" in account_kids:
            currency = _currency(
                _text(account_kids["Ccy"]),
                line=account_kids["Ccy"].sourceline or 0,
                field=f"{field}/Acct/Ccy",
            )
        balances: dict[str, tuple[Decimal, str, date, int]] = {}
        cut = self.cut
        for balance in stmt.iterchildren(stmt.tag[:cut] + "Bal"):
            parts = self.children(balance)
            kind_choice = self.children(self.children(parts.get("Tp")).get("CdOrPrtry"))
            kind = _text(kind_choice.get("Cd")) or _text(kind_choice.get("Prtry"))
            where = f"{field}/Bal[{kind}]"
            amount, balance_currency = self.money(
                self.present(parts.get("Amt"), "Amt", balance, where), field=f"{where}/Amt"
            )
            mark = self.present(parts.get("CdtDbtInd"), "CdtDbtInd", balance, where)
            if not self.mark(mark, field=f"{where}/CdtDbtInd"):
                amount = -amount
            on = self.date_of(self.present(parts.get("Dt"), "Dt", balance, where), field=f"{where}/Dt")
            balances.setdefault(kind, (amount, balance_currency, on, balance.sourceline or 0))
        opening = balances.get("OPBD") or balances.get("PRCD")
        closing = balances.get("CLBD")
        if opening is None:
            self.missing(stmt, f"{field}/Bal[OPBD]")
        if closing is None:
            self.missing(stmt, f"{field}/Bal[CLBD]")
        currency = currency or opening[1]
        for found, name in ((opening, "Bal[OPBD]"), (closing, "Bal[CLBD]")):
            if found[1] != currency:
                raise SimisError(
                    PaymentError.CURRENCY_MISMATCH,
                    line=found[3],
                    field=f"{field}/{name}/Amt",
                    value=found[1],
                    currency=currency,
                )
        return Statement(
            format=StatementFormat.CAMT053,
            statement_id=statement_id,
            account=account,
            currency=currency,
            opening_balance=opening[0],
            opening_date=opening[2],
            closing_balance=closing[0],
            closing_date=closing[2],
            entries=tuple(entries),
            message=self.message,
        )


# --- SWIFT MT940 ----------------------------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# What Arabic text decoded with the wrong one of the two code pages turns into: Latin letters with
# accents and × ÷ (ISO-8859-6 text read as Windows-1256), or vowel marks and tatweel where letters
# should be (Windows-1256 text read as ISO-8859-6).
_MISREAD = re.compile("[\u00c0-\u00ff\u064b-\u0652\u0640]")


def _mt940_text(data: bytes, file: str, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            raise SimisError(PaymentError.ENCODING, file=file, encoding=encoding) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    best, best_score = "", None
    for candidate in MT940_ENCODINGS[1:]:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        score = len(_ARABIC_LETTER.findall(text)) - 4 * len(_MISREAD.findall(text))
        if best_score is None or score > best_score:
            best, best_score = text, score
    return best  # Windows-1256 decodes every byte, so one candidate always stands


_TAG = re.compile(r":(\d{2}[A-Z]?):")
_FIELD_61 = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<marks>[A-Z]{1,3})(?P<amount>[0-9][0-9,.]*)"
    r"(?P<type>[A-Z][A-Z0-9]{3})(?P<references>.*)"
)
_MT_AMOUNT = re.compile(r"[0-9]{1,15},[0-9]{0,3}")
_MT86_CODE = re.compile(r"/(EREF|NAME|ORDP|IBAN|ACCT|REMI|PURP|BENM|ADDR|BIC|CODE)/")
# Field 86 lines are at most 65 characters: a full line was cut where it ran out of room (glued to
# the next as it is, so a reference cut in two is whole again), a shorter one ended a phrase.
_MT86_LINE = 65


@dataclass(slots=True)
class _Field:
    tag: str
    line: int
    lines: list[str]

    @property
    def value(self) -> str:
        return self.lines[0]


class _Mt940Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.entries = 0
        self.references = _References()

    def messages(self) -> list[list[_Field]]:
        """The file's messages as lists of fields, a field's continuation lines kept with it."""
        messages: list[list[_Field]] = []
        fields: list[_Field] = []
        lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, line in enumerate(lines, 1):
            first = line[:1]
            if first == "{":
                # A FIN header: blocks 1 and 2, then block 4 holds the fields ({5: trailers alone
                # on a line carry nothing).
                start = line.find("{4:")
                if start < 0:
                    continue
                if fields:
                    messages.append(fields)
                fields = []
                line = line[start + 3 :].strip()
                first = line[:1]
            if first == ":":
                tag = _TAG.match(line)
                if tag is not None:
                    name = tag.group(1)
                    if name == "20" and fields:
                        messages.append(fields)
                        fields = []
                    fields.append(_Field(name, number, [line[tag.end() :]]))
                    continue
            elif first == "-" and (line == "-" or line.startswith("-}")):
                if fields:
                    messages.append(fields)
                fields = []
                continue
            elif not line.strip():
                continue
            if not fields:
                raise SimisError(
                    PaymentError.FIELD_OUT_OF_PLACE, line=number, field=line[:20], expected=":20:"
                )
            fields[-1].lines.append(line)
        if fields:
            messages.append(fields)
        return messages

    def statements(self) -> list[Statement]:
        return [self.statement(fields) for fields in self.messages()]

    def statement(self, fields: list[_Field]) -> Statement:
        statement_id = account = ""
        opening: tuple[Decimal, str, date] | None = None
        closing: tuple[Decimal, str, date] | None = None
        entries: list[StatementEntry] = []
        index, count = 0, len(fields)
        while index < count:
            field = fields[index]
            tag = field.tag
            if tag == "20":
                statement_id = field.value.strip()
            elif tag == "25":
                account = field.value.strip()
                bank, slash, number = account.rpartition("/")
                if slash and re.fullmatch(r"[A-Z0-9]{8}(?:[A-Z0-9]{3})?", bank):
                    account = number  # "BIC/account", as some banks write it
            elif tag in ("60F", "60M"):
                opening = self.balance(field)
            elif tag == "61":
                if opening is None:
                    raise SimisError(
                        PaymentError.FIELD_OUT_OF_PLACE, line=field.line, field=":61:", expected=":60F:"
                    )
                details = None
                if index + 1 < count and fields[index + 1].tag == "86":
                    index += 1
                    details = fields[index]
                entries.append(self.entry(field, details, opening[1]))
            elif tag in ("62F", "62M"):
                closing = self.balance(field)
            index += 1
        first = fields[0].line
        for present, name in (
            (statement_id, ":20:"),
            (account, ":25:"),
            (opening, ":60F:"),
            (closing, ":62F:"),
        ):
            if not present:
                raise SimisError(PaymentError.MISSING_FIELD, line=first, statement=statement_id, field=name)
        assert opening is not None and closing is not None
        if closing[1] != opening[1]:
            line = next(f.line for f in fields if f.tag in ("62F", "62M"))
            raise SimisError(
                PaymentError.CURRENCY_MISMATCH,
                line=line,
                field=":62F:",
                value=closing[1],
                currency=opening[1],
            )
        return Statement(
            format=StatementFormat.MT940,
            statement_id=statement_id,
            account=account,
            currency=opening[1],
            opening_balance=opening[0],
            opening_date=opening[2],
            closing_balance=closing[0],
            closing_date=closing[2],
            entries=tuple(entries),
            message="MT940",
        )

    def balance(self, field: _Field) -> tuple[Decimal, str, date]:
        """Fields 60a/62a: D/C mark, YYMMDD, currency, amount — a signed amount."""
        value, line, name = field.value.strip(), field.line, f":{field.tag}:"
        if value[:1] not in ("C", "D"):
            raise SimisError(PaymentError.BAD_MARK, line=line, field=name, value=value[:1])
        on = self.date_of(value[1:7], line=line, field=name)
        currency = _currency(value[7:10], line=line, field=name)
        amount = self.amount(value[10:], currency, line=line, field=name)
        return (-amount if value[0] == "D" else amount), currency, on

    @staticmethod
    def date_of(text: str, *, line: int, field: str) -> date:
        if len(text) == 6 and text.isascii() and text.isdigit():
            year = int(text[:2])
            try:
                return date(year + (2000 if year < 80 else 1900), int(text[2:4]), int(text[4:6]))
            except ValueError:
                pass
        raise SimisError(PaymentError.BAD_DATE, line=line, field=field, value=text)

    @staticmethod
    def amount(text: str, currency: str, *, line: int, field: str) -> Decimal:
        """A SWIFT amount: digits, a decimal comma (mandatory), the decimals."""
        if not _MT_AMOUNT.fullmatch(text):
            places = 3 if currency in _THREE_PLACES else 2
            raise SimisError(PaymentError.BAD_AMOUNT, line=line, field=field, value=text, places=places)
        return _amount(text.replace(",", ".").removesuffix("."), currency, line=line, field=field)

    def entry(self, field: _Field, details: _Field | None, currency: str) -> StatementEntry:
        """Field 61: value date YYMMDD, [entry date MMDD], mark C/D/RC/RD, [funds code], amount,
        transaction type, reference for the account owner, [//bank reference]; the next line,
        if any, supplementary details. ``details`` is the field 86 that follows."""
        self.entries += 1
        number, line = self.entries, field.line
        value = field.value.strip()
        match = _FIELD_61.fullmatch(value)
        if match is None:
            raise SimisError(PaymentError.MALFORMED_FIELD, line=line, field=":61:", value=value)
        valued = self.date_of(match["value"], line=line, field=":61:")
        booked = valued
        if match["entry"]:
            booked = self.entry_date(match["entry"], valued, line=line)
        marks = match["marks"]
        mark = marks[:2] if marks[:2] in ("RC", "RD") else marks[:1]
        if mark not in ("C", "D", "RC", "RD") or len(marks) - len(mark) > 1:
            raise SimisError(PaymentError.BAD_MARK, line=line, field=":61:", value=marks)
        amount = self.amount(match["amount"], currency, line=line, field=":61:")
        owner, _slashes, bank = match["references"].partition("//")
        owner, bank = owner.strip(), bank.strip()
        if owner in _NO_REFERENCE:
            owner = ""
        supplementary = " ".join(part.strip() for part in field.lines[1:])
        reference = self.references.check(bank or owner, entry=number, line=line, field=":61:")
        name = account = end_to_end = ""
        remittance = ""
        if details is not None:
            name, account, end_to_end, remittance = self.details(details)
        end_to_end = end_to_end or owner
        return StatementEntry(
            line=number,
            entry_reference=reference,
            booking_date=booked,
            value_date=valued,
            amount=amount,
            credit=mark in ("C", "RD"),
            currency=currency,
            debtor_name=name,
            debtor_account=account,
            remittance=remittance,
            bill_numbers=bill_numbers_find(end_to_end, owner, remittance, supplementary),
            end_to_end_id=end_to_end,
            reversal=mark in ("RC", "RD"),
        )

    @staticmethod
    def entry_date(text: str, valued: date, *, line: int) -> date:
        """Field 61's entry date (MMDD) in the year that puts it nearest the value date (a
        payment valued on 2 January may have been booked on 31 December)."""
        month, day = int(text[:2]), int(text[2:])
        nearest = None
        for year in (valued.year, valued.year - 1, valued.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if abs((candidate - valued).days) <= 183:
                return candidate
            if nearest is None or abs((candidate - valued).days) < abs((nearest - valued).days):
                nearest = candidate
        if nearest is None:
            raise SimisError(PaymentError.BAD_DATE, line=line, field=":61:", value=text)
        return nearest

    @staticmethod
    def details(field: _Field) -> tuple[str, str, str, str]:
        """Field 86 as (name, account, end-to-end id, remittance)."""
        text = field.lines[0]
        for previous, line in zip(field.lines, field.lines[1:], strict=False):
            text += line if len(previous) >= _MT86_LINE else " " + line
        text = text.strip()
        if _MT86_CODE.match(text) is None:
            return "", "", "", text
        parts = _MT86_CODE.split(text)
        codes: dict[str, str] = {}
        for code, value in zip(parts[1::2], parts[2::2], strict=True):
            codes.setdefault(code, value.strip())
        end_to_end = codes.get("EREF", "")
        return (
            codes.get("NAME") or codes.get("ORDP", ""),
            codes.get("IBAN") or codes.get("ACCT", ""),
            "" if end_to_end in _NO_REFERENCE else end_to_end,
            codes.get("REMI", ""),
        )
