"""Realistic bank statement files, camt.053 or MT940, made from a list of bill payments.

For the tests, the benchmark (100,000 entries) and the demo. Each payment —
``(bill number, amount, debtor name, date)`` — becomes a credit entry the way Saudi banks report
incoming transfers; with ``noise`` a share of them is spoiled the way real files are, and extra
entries are mixed in:

- a payment whose payer gave no bill number, one with a mistyped check digit, one transfer
  paying two bills at once (two consecutive payments merged);
- bank charges (debits), a payment returned to the payer (a reversal: ``RC`` in MT940,
  ``DBIT`` with ``RvslInd`` in camt.053) and a payment in another currency (in camt.053 an entry in
  USD, outside the account's balance; in MT940 converted to riyals, the original amount in the
  remittance).

The same payments, seed and options give the same bytes. ``SampleFile.statement`` is what
``statement_parse`` must read back — what the round-trip tests compare. Pure Python: no database.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from simis.core.identifiers import bill_number_make
from simis.payments.statement_files import (
    Statement,
    StatementEntry,
    StatementFormat,
    bill_numbers_find,
    entries_total,
)


def iban_make(bank: str, account: str) -> str:
    """A Saudi IBAN (``SA``, check digits, 2-digit bank code, 18-character account) with the
    right ISO 13616 check digits."""
    bban = f"{bank:0>2}{account:0>18}"
    digits = "".join(str(int(char, 36)) for char in bban + "SA00")
    return f"SA{98 - int(digits) % 97:02d}{bban}"


# The institution's collection account and its bank (Al Rajhi's SWIFT code as an example).
INSTITUTION_IBAN = iban_make("80", "000000608010167519")
BANK_BIC = "RJHISARIXXX"

ARABIC_NAMES = (
    "مؤسسة نور للتجارة",
    "شركة بدر للمقاولات",
    "مصنع الخليج للبلاستيك",
    "مؤسسة سارة العتيبي للخياطة",
    "شركة الرياض للنقل البري",
    "مطعم الواحة",
    "مكتب خالد الدوسري للاستشارات الهندسية",
    "شركة المدينة للأغذية المحدودة",
)
ENGLISH_NAMES = (
    "Nour Trading Est.",
    "Badr Builders Co.",
    "Gulf Plastics Factory",
    "Riyadh Land Transport Co.",
    "Oasis Restaurant",
    "Al Madina Foods Ltd",
    "Ravi Kumar Tailoring",
    "Eastern Province Logistics",
)
_BILL_TEXTS = (
    "Social insurance contributions bill {bill}",
    "GOSI BILL {bill}",
    "سداد فاتورة اشتراكات التأمينات رقم {bill}",
    "{bill}",
    "CONTRIBUTIONS {month} BILL NO {bill}",
)
_NO_BILL_TEXTS = (
    "Social insurance contributions",
    "اشتراكات شهر {month}",
    "PAYMENT GOSI {month}",
)


_CENTS = Decimal("0.01")


class SamplePayment(NamedTuple):
    bill_number: str
    amount: Decimal
    debtor_name: str
    paid_on: date


@dataclass(frozen=True, slots=True)
class SampleFile:
    data: bytes
    statement: Statement  # what statement_parse reads back
    filename: str


def sample_payments(
    count: int, *, seed: int, first_sequence: int = 1, paid_on: date = date(2025, 1, 5), days: int = 1
) -> list[SamplePayment]:
    """``count`` payments of consecutive bills from ``first_sequence``, by establishments with
    Arabic or English names, spread over ``days`` days from ``paid_on``."""
    rng = random.Random(seed)
    names = ARABIC_NAMES + ENGLISH_NAMES
    return [
        SamplePayment(
            bill_number_make(first_sequence + index),
            (Decimal(rng.randint(10_000, 5_000_000)) / 100).quantize(_CENTS),
            rng.choice(names),
            paid_on + timedelta(days=rng.randrange(days)),
        )
        for index in range(count)
    ]


@dataclass(frozen=True, slots=True)
class _Draft:
    """One entry before it is written: what the reader must find, and how it is written."""

    entry: StatementEntry
    texts: tuple[str, ...]  # unstructured remittance lines
    creditor_reference: str  # structured remittance reference ("" for none)
    end_to_end: str  # as written ("NOTPROVIDED" when the payer gave none)
    structured: bool  # MT940: field 86 with /EREF/ /NAME/ /IBAN/ /REMI/ codes, or plain text
    kind: str  # the SWIFT transaction type: NTRF transfer, NCHG charges, NRTN return


def statement_file_sample(
    payments: Iterable[tuple[str, Decimal, str, date]],
    *,
    format: StatementFormat | str = StatementFormat.CAMT053,
    seed: int = 0,
    noise: float = 0.1,
    camt_version: str = "08",
    encoding: str = "utf-8",
    fin_blocks: bool = True,
    account: str = INSTITUTION_IBAN,
    opening_balance: Decimal = Decimal("250000.00"),
    statement_id: str = "",
) -> SampleFile:
    """A statement file of the payments (see the module docstring). ``camt_version`` is 02 or 08
    (the layouts of the namespaces before and from 08); ``encoding`` and ``fin_blocks`` (the
    ``{1:}{2:}{4:`` envelope, or bare fields) apply to MT940."""
    chosen = StatementFormat(format)
    rng = random.Random(seed)
    listed = [
        SamplePayment(bill, Decimal(amount).quantize(_CENTS, ROUND_HALF_UP), name, paid_on)
        for bill, amount, name, paid_on in payments
    ]
    drafts = _drafts(listed, rng, noise=noise, mt940=chosen == StatementFormat.MT940)
    first = min((d.entry.booking_date for d in drafts), default=date(2025, 1, 5))
    last = max((d.entry.booking_date for d in drafts), default=first)
    statement_id = statement_id or f"STMT{last:%Y%m%d}{seed % 1000:03d}"
    entries = tuple(d.entry for d in drafts)
    credits = entries_total(entries, currency="SAR", credit=True)
    debits = entries_total(entries, currency="SAR", credit=False)
    statement = Statement(
        format=chosen,
        statement_id=statement_id,
        account=account,
        currency="SAR",
        opening_balance=opening_balance,
        opening_date=first,
        closing_balance=opening_balance + credits - debits,
        closing_date=last,
        entries=entries,
        message=f"camt.053.001.{camt_version}" if chosen == StatementFormat.CAMT053 else "MT940",
    )
    if chosen == StatementFormat.CAMT053:
        data = _camt_render(statement, drafts, camt_version)
        filename = f"{statement_id}.xml"
    else:
        data = _mt940_render(statement, drafts, fin_blocks=fin_blocks).encode(encoding)
        filename = f"{statement_id}.sta"
    return SampleFile(data=data, statement=statement, filename=filename)


def _drafts(payments: list[SamplePayment], rng: random.Random, *, noise: float, mt940: bool) -> list[_Draft]:
    drafts: list[_Draft] = []
    serial = 0

    def add(
        payment: SamplePayment,
        *,
        amount: Decimal,
        credit: bool = True,
        currency: str = "SAR",
        texts: tuple[str, ...] = (),
        creditor_reference: str = "",
        end_to_end: str = "NOTPROVIDED",
        bills: tuple[str, ...] = (),
        reversal: bool = False,
        kind: str = "NTRF",
    ) -> None:
        nonlocal serial
        serial += 1
        booked = payment.paid_on
        # MT940's field 86 as plain text carries neither the payer's name nor account, and the
        # payer's reference goes into field 61 (the reference for the account owner) instead.
        structured = kind != "NCHG" and (not mt940 or rng.random() < 0.85)
        name = " ".join(payment.debtor_name.split()) if structured else ""
        remittance = " ".join(part for part in (*texts, creditor_reference) if part)
        given_end_to_end = "" if end_to_end == "NOTPROVIDED" else end_to_end
        entry = StatementEntry(
            line=serial,
            entry_reference=f"FT{booked:%y%j}{serial:07d}",
            booking_date=booked,
            value_date=booked,
            amount=amount,
            credit=credit,
            currency=currency,
            debtor_name=name,
            debtor_account=_payer_iban(name) if structured else "",
            remittance=remittance,
            bill_numbers=bill_numbers_find(given_end_to_end, remittance),
            end_to_end_id=given_end_to_end,
            reversal=reversal,
        )
        # The generator says what it meant to write; the reader's rule must agree.
        assert set(entry.bill_numbers) == set(bills), (entry, bills)
        drafts.append(_Draft(entry, texts, creditor_reference, end_to_end, structured, kind))

    index = 0
    while index < len(payments):
        payment = payments[index]
        bill, month = payment.bill_number, f"{payment.paid_on:%m/%Y}"
        spoiled = rng.random() < noise
        kind = rng.choice(("no bill", "check digit", "two bills")) if spoiled else "bill"
        if kind == "two bills" and index + 1 < len(payments):
            other = payments[index + 1]
            index += 1
            text = f"BILLS {bill} AND {other.bill_number}"
            add(payment, amount=payment.amount + other.amount, texts=(text,), bills=(bill, other.bill_number))
        elif kind == "no bill":
            text = rng.choice(_NO_BILL_TEXTS).format(month=month)
            add(payment, amount=payment.amount, texts=(text,), end_to_end=_end_to_end(rng))
        elif kind == "check digit":
            wrong = bill[:-1] + str((int(bill[-1]) + rng.randint(1, 9)) % 10)
            add(payment, amount=payment.amount, texts=(f"GOSI BILL {wrong}",))
        else:
            text = rng.choice(_BILL_TEXTS).format(bill=bill, month=month)
            style = rng.random()
            if style < 0.25:  # the bill as the end-to-end reference
                add(payment, amount=payment.amount, texts=(text,), end_to_end=bill, bills=(bill,))
            elif style < 0.45 and not mt940:  # a structured creditor reference
                add(payment, amount=payment.amount, creditor_reference=bill, bills=(bill,))
            else:
                add(payment, amount=payment.amount, texts=(text,), end_to_end=_end_to_end(rng), bills=(bill,))
        if rng.random() < noise / 2:
            extra = rng.choice(("charge", "return", "foreign"))
            if extra == "charge":
                fee = Decimal(rng.choice((575, 1150, 2300))) / 100
                add(payment, amount=fee, credit=False, texts=("BANK CHARGES",), kind="NCHG")
            elif extra == "return":
                # The payer's bank sent this payment back: booked against it, as a reversal.
                add(
                    payment,
                    amount=payment.amount,
                    credit=False,
                    texts=(f"RETURN BILL {bill} ACCOUNT CLOSED",),
                    bills=(bill,),
                    reversal=True,
                    kind="NRTN",
                )
            else:
                dollars = Decimal(rng.randint(10_000, 500_000)) / 100
                foreign = bill_number_make(900_000_000_000 + rng.randrange(10**9))
                if mt940:  # converted by the bank; the original stays in the remittance
                    text = f"BILL {foreign} USD {dollars} RATE 3.75"
                    add(
                        payment,
                        amount=(dollars * Decimal("3.75")).quantize(_CENTS, ROUND_HALF_UP),
                        texts=(text,),
                        bills=(foreign,),
                    )
                else:
                    add(payment, amount=dollars, currency="USD", texts=(f"BILL {foreign}",), bills=(foreign,))
        index += 1
    return drafts


def _end_to_end(rng: random.Random) -> str:
    return "E2E" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))


@functools.cache
def _payer_iban(name: str) -> str:
    # The same payer always pays from the same account.
    return iban_make("10", str(sum(ord(char) * 31**position for position, char in enumerate(name)) % 10**18))


# --- camt.053 -------------------------------------------------------------------------------------


def _camt_render(statement: Statement, drafts: list[_Draft], version: str) -> bytes:
    new = version >= "08"
    booked = [e for e in statement.entries if e.currency == statement.currency]
    stamp = f"{statement.closing_date:%Y-%m-%d}T23:59:00+03:00"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n',
        "  <BkToCstmrStmt>\n",
        f"    <GrpHdr>\n      <MsgId>{escape(statement.statement_id)}-MSG</MsgId>\n",
        f"      <CreDtTm>{stamp}</CreDtTm>\n    </GrpHdr>\n",
        f"    <Stmt>\n      <Id>{escape(statement.statement_id)}</Id>\n",
        "      <StmtPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></StmtPgntn>\n" if new else "",
        "      <ElctrncSeqNb>1</ElctrncSeqNb>\n",
        f"      <CreDtTm>{stamp}</CreDtTm>\n",
        f"      <Acct>\n        <Id><IBAN>{statement.account}</IBAN></Id>\n",
        f"        <Ccy>{statement.currency}</Ccy>\n",
        "        <Ownr><Nm>المؤسسة العامة للتأمينات الاجتماعية</Nm></Ownr>\n",
        f"        <Svcr><FinInstnId><{'BICFI' if new else 'BIC'}>{BANK_BIC}</{'BICFI' if new else 'BIC'}>"
        "</FinInstnId></Svcr>\n      </Acct>\n",
        _camt_balance("OPBD", statement.opening_balance, statement.currency, statement.opening_date),
        _camt_balance("CLBD", statement.closing_balance, statement.currency, statement.closing_date),
        "      <TxsSummry>\n",
        f"        <TtlCdtNtries><NbOfNtries>{sum(e.credit for e in booked)}</NbOfNtries>"
        f"<Sum>{statement.credits:.2f}</Sum></TtlCdtNtries>\n",
        f"        <TtlDbtNtries><NbOfNtries>{sum(not e.credit for e in booked)}</NbOfNtries>"
        f"<Sum>{statement.debits:.2f}</Sum></TtlDbtNtries>\n",
        "      </TxsSummry>\n",
    ]
    out.extend(_camt_entry(draft, new) for draft in drafts)
    out.append("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")
    return "".join(out).encode("utf-8")


def _camt_balance(kind: str, amount: Decimal, currency: str, on: date) -> str:
    mark = "DBIT" if amount < 0 else "CRDT"
    return (
        f"      <Bal>\n        <Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp>\n"
        f'        <Amt Ccy="{currency}">{abs(amount):.2f}</Amt>\n        <CdtDbtInd>{mark}</CdtDbtInd>\n'
        f"        <Dt><Dt>{on.isoformat()}</Dt></Dt>\n      </Bal>\n"
    )


def _camt_entry(draft: _Draft, new: bool) -> str:
    entry = draft.entry
    mark = "CRDT" if entry.credit else "DBIT"
    amount = f"<Amt Ccy={quoteattr(entry.currency)}>{entry.amount:.2f}</Amt>"
    on = entry.booking_date.isoformat()
    family = {"NTRF": ("RCDT", "DMCT"), "NRTN": ("RCDT", "RRTN"), "NCHG": ("ACMT", "CHRG")}[draft.kind]
    parts = [
        f"      <Ntry>\n        <NtryRef>{entry.line}</NtryRef>\n        {amount}\n",
        f"        <CdtDbtInd>{mark}</CdtDbtInd>\n",
        "        <RvslInd>true</RvslInd>\n" if entry.reversal else "",
        "        <Sts><Cd>BOOK</Cd></Sts>\n" if new else "        <Sts>BOOK</Sts>\n",
        f"        <BookgDt><Dt>{on}</Dt></BookgDt>\n        <ValDt><Dt>{on}</Dt></ValDt>\n",
        f"        <AcctSvcrRef>{entry.entry_reference}</AcctSvcrRef>\n",
        f"        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family[0]}</Cd><SubFmlyCd>{family[1]}</SubFmlyCd>"
        "</Fmly></Domn></BkTxCd>\n",
        "        <NtryDtls>\n          <TxDtls>\n",
        f"            <Refs><AcctSvcrRef>{entry.entry_reference}</AcctSvcrRef>"
        f"<EndToEndId>{escape(draft.end_to_end)}</EndToEndId></Refs>\n",
        f"            {amount}<CdtDbtInd>{mark}</CdtDbtInd>\n"
        if new
        else f"            <AmtDtls><TxAmt>{amount}</TxAmt></AmtDtls>\n",
    ]
    if entry.debtor_name:
        name = f"<Nm>{escape(entry.debtor_name)}</Nm>"
        parts.append(
            "            <RltdPties>\n"
            f"              <Dbtr>{f'<Pty>{name}</Pty>' if new else name}</Dbtr>\n"
            f"              <DbtrAcct><Id><IBAN>{entry.debtor_account}</IBAN></Id></DbtrAcct>\n"
            "            </RltdPties>\n"
        )
    if draft.texts or draft.creditor_reference:
        parts.append("            <RmtInf>\n")
        parts.extend(f"              <Ustrd>{escape(text)}</Ustrd>\n" for text in draft.texts)
        if draft.creditor_reference:
            parts.append(
                "              <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                f"<Ref>{escape(draft.creditor_reference)}</Ref></CdtrRefInf></Strd>\n"
            )
        parts.append("            </RmtInf>\n")
    parts.append("          </TxDtls>\n        </NtryDtls>\n      </Ntry>\n")
    return "".join(parts)


# --- MT940 ----------------------------------------------------------------------------------------


def _mt940_amount(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def _mt940_render(statement: Statement, drafts: list[_Draft], *, fin_blocks: bool) -> str:
    opening, closing = statement.opening_balance, statement.closing_balance
    lines = []
    if fin_blocks:
        lines.append(
            f"{{1:F01{BANK_BIC[:8]}AXXX0000000000}}{{2:O940{2359:04d}{statement.closing_date:%y%m%d}"
            f"{BANK_BIC[:8]}AXXX0000000000{statement.closing_date:%y%m%d}2359N}}{{4:"
        )
    lines += [
        f":20:{statement.statement_id}",
        f":25:{statement.account}",
        ":28C:1/1",
        f":60F:{'D' if opening < 0 else 'C'}{statement.opening_date:%y%m%d}{statement.currency}"
        f"{_mt940_amount(opening)}",
    ]
    for draft in drafts:
        entry = draft.entry
        mark = ("RC" if entry.credit is False else "RD") if entry.reversal else ("C" if entry.credit else "D")
        owner = "NONREF"
        if not draft.structured and entry.end_to_end_id:
            owner = entry.end_to_end_id  # the payer's reference, in field 61 instead of 86
        lines.append(
            f":61:{entry.value_date:%y%m%d}{entry.booking_date:%m%d}{mark}{statement.currency[2]}"
            f"{_mt940_amount(entry.amount)}{draft.kind}{owner}//{entry.entry_reference}"
        )
        if draft.structured:
            details = f"/EREF/{draft.end_to_end}/NAME/{entry.debtor_name}/IBAN/{entry.debtor_account}"
            details += f"/REMI/{entry.remittance}" if entry.remittance else ""
        else:
            details = entry.remittance
        if details:
            chunks = [details[start : start + 65] for start in range(0, len(details), 65)]
            lines.append(":86:" + chunks[0])
            lines.extend(chunks[1:])
    lines.append(
        f":62F:{'D' if closing < 0 else 'C'}{statement.closing_date:%y%m%d}{statement.currency}"
        f"{_mt940_amount(closing)}"
    )
    lines.append("-}" if fin_blocks else "-")
    return "\r\n".join(lines) + "\r\n"
