"""Payments' coded, bilingual refusals (PAY-xxx).

Numbering: PAY-00x a bank statement file as a whole (size, format, XML safety, encoding, how many
statements), PAY-01x one statement (missing or unreadable fields, balances), PAY-02x one field or
entry (dates, amounts, marks, currencies, references); PAY-03x the banks' web services (bill
inquiry, payment notification, reversal), PAY-04x statement imports and the staff's work queue,
PAY-05x receipts.
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
    # --- The banks' web services ---
    BAD_BILL_NUMBER = (
        "PAY-030",
        _(
            "%(number)s is not a bill number: a bill number has 14 digits, starts with 1 and ends in a "
            "check digit."
        ),
    )
    UNKNOWN_BILL = ("PAY-031", _("There is no bill with the number %(number)s."))
    NOT_A_BANK = (
        "PAY-032",
        _("Only banks' systems may use the payment services; your system is registered as %(kind)s."),
    )
    REFERENCE_CONFLICT = (
        "PAY-033",
        _(
            "The bank reference %(reference)s was already notified, for bill %(bill)s and %(amount)s SAR "
            "(payment %(payment)s). Another payment needs a reference of its own."
        ),
    )
    AMOUNT_NOT_POSITIVE = ("PAY-034", _("The amount paid must be more than zero; %(amount)s was given."))
    PAID_IN_FUTURE = ("PAY-035", _("The payment time %(value)s is later than now (%(now)s)."))
    UNKNOWN_PAYMENT = (
        "PAY-036",
        _("Your bank notified no payment with the reference %(reference)s."),
    )
    BAD_REFERENCE = (
        "PAY-037",
        _("%(reference)s is not a bank reference: 1 to 64 Latin letters, digits and the signs - _ . / :"),
    )
    REASON_REQUIRED = ("PAY-038", _("Give the reason of the reversal (1 to 200 characters)."))
    # --- Statement imports and the work queue ---
    BANK_REQUIRED = ("PAY-040", _("Name the bank whose statement this is."))
    LINE_NOT_WAITING = (
        "PAY-041",
        _(
            "Entry %(position)s of the statement %(statement)s is no longer waiting for staff: it is "
            "%(outcome)s."
        ),
    )
    TARGET_REQUIRED = (
        "PAY-042",
        _("Give the bill number or the establishment number the payment is for."),
    )
    UNKNOWN_ESTABLISHMENT = ("PAY-043", _("There is no establishment with the number %(number)s."))
    DEBIT_NOT_APPLICABLE = (
        "PAY-044",
        _(
            "Entry %(position)s is money paid out of the account, not a payment received: it cannot be "
            "applied to an establishment. Mark it as not a contribution payment, with a note."
        ),
    )
    NOTE_REQUIRED = ("PAY-045", _("Write a note saying why (it is kept with the entry)."))
    OTHER_CURRENCY = (
        "PAY-046",
        _("Entry %(position)s is in %(currency)s; only payments in Saudi riyals can be applied."),
    )
    # PAY-047 retired: a file paying more establishments than PostgreSQL's lock table held (the
    # ledger locked accounts with advisory locks; it locks their rows now).
    # --- Receipts ---
    RECEIPTS_NOT_ALLOWED = (
        "PAY-050",
        _("Only employers' systems may ask for receipts; your system is registered as %(kind)s."),
    )
    ESTABLISHMENT_NOT_ALLOWED = (
        "PAY-051",
        _("Your organisation (%(key)s) may not see the receipts of establishment %(number)s."),
    )
    DATE_RANGE = ("PAY-052", _("The first day (%(start)s) is after the last day (%(end)s)."))
