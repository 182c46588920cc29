"""Payments' coded, bilingual refusals (PAY-xxx).

Numbering: PAY-00x a bank statement file as a whole (size, format, XML safety, encoding, how many
statements), PAY-01x one statement (missing or unreadable fields, balances), PAY-02x one field or
entry (dates, amounts, marks, currencies, references). PAY-03x onwards are free for reconciliation.
Codes never change meaning; a retired refusal keeps its number unused.

``line`` is a line of the file as a text editor counts it; ``field`` names the place in the file in
the file's own vocabulary (``:61:`` in MT940, ``Ntry[12]/BookgDt`` in camt.053 — the 12th entry of
the file), which a one-line XML file needs because every element there is on line 1."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class PaymentError(ErrorCatalogue):
    # --- The file ---
    EMPTY_FILE = ("PAY-001", _("The statement file %(file)s is empty."))
    FILE_TOO_LARGE = (
        "PAY-002",
        _(
            "The statement file %(file)s is %(size)s bytes; statement files of up to %(limit)s bytes "
            "are read."
        ),
    )
    UNKNOWN_FORMAT = (
        "PAY-003",
        _("The file %(file)s is neither an ISO 20022 camt.053 bank statement nor a SWIFT MT940 statement."),
    )
    UNSUPPORTED_MESSAGE = (
        "PAY-004",
        _(
            "The file %(file)s is an ISO 20022 %(found)s message; only bank-to-customer statements "
            "camt.053, versions %(supported)s, are read."
        ),
    )
    MALFORMED_XML = (
        "PAY-005",
        _("The file %(file)s is not well-formed XML (line %(line)s): %(detail)s"),
    )
    DOCUMENT_TYPE = (
        "PAY-006",
        _(
            "The file %(file)s declares a document type or entities (<!DOCTYPE> or <!ENTITY>). Bank "
            "statements never need them and they can be used to attack the system, so the file was not "
            "read."
        ),
    )
    ENCODING = (
        "PAY-007",
        _("The file %(file)s cannot be read as %(encoding)s text."),
    )
    SEVERAL_STATEMENTS = (
        "PAY-008",
        _("The file %(file)s holds %(count)s statements where one was expected."),
    )
    NO_STATEMENT = ("PAY-009", _("The file %(file)s holds no statement."))
    # --- One statement ---
    MISSING_FIELD = (
        "PAY-010",
        _("Line %(line)s: the statement %(statement)s has no %(field)s."),
    )
    MALFORMED_FIELD = (
        "PAY-011",
        _("Line %(line)s: the field %(field)s cannot be read: %(value)s"),
    )
    FIELD_OUT_OF_PLACE = (
        "PAY-012",
        _("Line %(line)s: %(field)s is not expected here; %(expected)s must come first."),
    )
    BALANCE_MISMATCH = (
        "PAY-013",
        _(
            "The statement %(statement)s does not add up: the opening balance %(opening)s plus credits "
            "of %(credits)s minus debits of %(debits)s makes %(expected)s, but the closing balance is "
            "%(closing)s."
        ),
    )
    CURRENCY_MISMATCH = (
        "PAY-014",
        _("Line %(line)s (%(field)s): the amount is in %(value)s but the statement is in %(currency)s."),
    )
    # --- One field or entry ---
    BAD_DATE = ("PAY-020", _("Line %(line)s (%(field)s): %(value)s is not a valid date."))
    BAD_AMOUNT = (
        "PAY-021",
        _(
            "Line %(line)s (%(field)s): %(value)s is not a valid amount (digits with at most "
            "%(places)s decimal places)."
        ),
    )
    BAD_MARK = (
        "PAY-022",
        _("Line %(line)s (%(field)s): %(value)s is not a credit or debit mark."),
    )
    BAD_CURRENCY = (
        "PAY-023",
        _("Line %(line)s (%(field)s): %(value)s is not a currency code (three capital letters)."),
    )
    MISSING_REFERENCE = (
        "PAY-024",
        _(
            "Line %(line)s: entry %(entry)s has no bank reference (%(field)s), so it could not be "
            "told apart when the same statement is read again."
        ),
    )
    DUPLICATE_REFERENCE = (
        "PAY-025",
        _(
            "Line %(line)s: entry %(entry)s has the bank reference %(reference)s, already used by entry "
            "%(first)s of the same file."
        ),
    )
