"""The notification app's coded, bilingual refusals (NTF-xxx).

Numbering: NTF-0xx a recipient or a message (number, language, template, length), NTF-1xx the
outbox's life (idempotency, status changes, scheduling), NTF-2xx the gateway and its status
callback, NTF-3xx settings. Codes never change meaning; a retired refusal keeps its number unused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class NotificationError(ErrorCatalogue):
    # --- A recipient and a message ---
    PHONE_EMPTY = ("NTF-001", _("Enter a mobile number."))
    PHONE_NOT_SAUDI_MOBILE = (
        "NTF-002",
        _(
            "%(value)s is not a Saudi mobile number. Write it as 05XXXXXXXX or +9665XXXXXXXX "
            "(Arabic or Western digits)."
        ),
    )
    LANGUAGE_UNSUPPORTED = (
        "NTF-003",
        _("Messages are written in Arabic (ar) or English (en); %(value)s is not offered."),
    )
    TEMPLATE_UNKNOWN = ("NTF-004", _("There is no message template called %(key)s."))
    PLACEHOLDER_UNKNOWN = (
        "NTF-005",
        _("The message template %(key)s has no placeholder %(names)s; it takes %(allowed)s."),
    )
    PLACEHOLDER_MISSING = (
        "NTF-006",
        _("The message template %(key)s needs a value for %(names)s."),
    )
    TEXT_TOO_LONG = (
        "NTF-007",
        _("The message would take %(segments)s SMS parts; at most %(limit)s are sent."),
    )
    TEMPLATES_INVALID = ("NTF-008", _("The message templates file is not valid: %(detail)s"))
    # --- The outbox ---
    IDEMPOTENCY_KEY_EMPTY = ("NTF-101", _("A message needs an idempotency key."))
    IDEMPOTENCY_KEY_REUSED = (
        "NTF-102",
        _(
            "The idempotency key %(key)s was already used for a different message (another "
            "recipient, template or language)."
        ),
    )
    STATUS_CHANGE_REFUSED = (
        "NTF-103",
        _("A message that is %(current)s cannot become %(new)s."),
    )
    REMINDER_TOO_LATE = (
        "NTF-104",
        _("The reminder is for %(day)s, which has already passed."),
    )
    MESSAGE_UNKNOWN = ("NTF-105", _("No message matches %(reference)s."))
    # Raised by the database trigger of migration 0002, quoted here so the code is catalogued.
    HISTORY_APPEND_ONLY = (
        "NTF-106",
        _("A message's status history cannot be changed or deleted; a new status is a new entry."),
    )
    # --- The gateway and its status callback ---
    GATEWAY_STATUS_UNKNOWN = (
        "NTF-201",
        _("The delivery status %(value)s sent by the gateway is not understood."),
    )
    WEBHOOK_SIGNATURE_INVALID = (
        "NTF-202",
        _("The status callback is not signed with the shared secret, or its timestamp is stale."),
    )
    WEBHOOK_BODY_INVALID = ("NTF-203", _("The status callback's body is not valid JSON: %(detail)s"))
    # --- Settings ---
    BACKEND_UNKNOWN = (
        "NTF-301",
        _("SIMIS_SMS_BACKEND=%(value)s is not a gateway SIMIS knows (file, console, http, smpp)."),
    )
    GATEWAY_URL_INVALID = (
        "NTF-302",
        _("SIMIS_SMS_GATEWAY_URL=%(value)s does not suit the %(backend)s gateway: %(detail)s"),
    )
