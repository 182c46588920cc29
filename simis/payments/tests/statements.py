"""Hand-made MT940 statements for the reconciliation tests: each entry exactly as a test needs
it (the sample generator in ``statement_samples`` makes realistic files at random)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from simis.payments.statement_samples import INSTITUTION_IBAN

DAY = date(2026, 11, 25)


@dataclass(frozen=True)
class Row:
    amount: Decimal | str
    reference: str
    text: str = ""
    mark: str = "C"  # C credit, D debit, RC reversal of a credit, RD reversal of a debit
    end_to_end: str = "NOTPROVIDED"
    name: str = "Nour Trading Est."
    kind: str = "NTRF"


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def mt940(
    rows: list[Row], *, statement_id: str = "STMT-T1", opening: str = "1000.00", on: date = DAY
) -> bytes:
    balance = Decimal(opening)
    lines = [
        f":20:{statement_id}",
        f":25:{INSTITUTION_IBAN}",
        ":28C:1/1",
        f":60F:C{on:%y%m%d}SAR{_amount(balance)}",
    ]
    for row in rows:
        amount = Decimal(row.amount)
        balance += amount if row.mark in ("C", "RD") else -amount
        lines.append(f":61:{on:%y%m%d}{on:%m%d}{row.mark}R{_amount(amount)}{row.kind}NONREF//{row.reference}")
        details = f"/EREF/{row.end_to_end}/NAME/{row.name}"
        if row.text:
            details += f"/REMI/{row.text}"
        chunks = [details[start : start + 65] for start in range(0, len(details), 65)]
        lines.append(":86:" + chunks[0])
        lines.extend(chunks[1:])
    lines += [f":62F:C{on:%y%m%d}SAR{_amount(balance)}", "-"]
    return ("\r\n".join(lines) + "\r\n").encode()
