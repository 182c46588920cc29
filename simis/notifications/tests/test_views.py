"""The staff pages without a browser: who may open them, the outbox's filters and what a message
page shows, in Arabic and English; the error pages; and the gateway's signed status callback."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone

from simis.audit.public import AuditEntry
from simis.identity.models import Audience, User
from simis.notifications import services
from simis.notifications.choices import SmsStatus
from simis.notifications.public import error_capture
from simis.notifications.tests.conftest import Outbox, user_make
from simis.notifications.tests.helpers import registration_sms
from simis.notifications.views import callback_signature

pytestmark = pytest.mark.django_db

SECRET = "webhook-secret-1"
URL = "/notifications/sms/status/"


def client_for(user: User, language: str = "en") -> Client:
    if user.audience == Audience.STAFF and not user.authenticator_set.exists():  # type: ignore[attr-defined]
        TOTP.activate(user, pyotp.random_base32())  # staff must hold a second factor
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def sent_messages(outbox: Outbox) -> list[Any]:
    first = registration_sms(key="k-a")
    services.sms_deliver(message_id=first.pk)
    second = registration_sms(
        key="k-b",
        to="0509999999",
        template="reminder.generic",
        language="en",
        context={"subject": "medical committee", "date": timezone.localdate() + timedelta(days=3)},
    )
    return [first, second]


# --- Who may open the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/notifications/outbox/", "/notifications/errors/"])
def test_only_staff_open_the_pages(path: str, sara: User, khalid: User) -> None:
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(sara).get(path).status_code == 404
    employer = user_make("nour_officer", Audience.EMPLOYER)
    assert client_for(employer).get(path).status_code == 404
    assert client_for(khalid).get(path).status_code == 200


def test_the_nav_shows_the_pages_to_staff_only(khalid: User, sara: User) -> None:
    staff_page = client_for(khalid).get("/").content.decode()
    assert 'data-nav-key="notifications-outbox"' in staff_page
    assert (
        'href="/notifications/errors/"' in client_for(khalid).get("/notifications/outbox/").content.decode()
    )
    assert 'data-nav-key="notifications-outbox"' not in client_for(sara).get("/").content.decode()


# --- The outbox -----------------------------------------------------------------------------------


def test_the_outbox_lists_and_filters_messages(outbox: Outbox, khalid: User) -> None:
    first, second = sent_messages(outbox)
    client = client_for(khalid)
    page = client.get("/notifications/outbox/").content.decode()
    assert f'data-message="{first.pk}"' in page and f'data-message="{second.pk}"' in page
    assert "+9665•••••567" in page  # numbers masked in the list
    assert "+966551234567" not in page

    sent_only = client.get("/notifications/outbox/", {"status": "sent"}).content.decode()
    assert f'data-message="{first.pk}"' in sent_only and f'data-message="{second.pk}"' not in sent_only
    reminders = client.get("/notifications/outbox/", {"template": "reminder.generic"}).content.decode()
    assert f'data-message="{second.pk}"' in reminders and f'data-message="{first.pk}"' not in reminders
    by_number = client.get("/notifications/outbox/", {"recipient": "٠٥٠٩٩٩٩٩٩٩"}).content.decode()
    assert f'data-message="{second.pk}"' in by_number and f'data-message="{first.pk}"' not in by_number
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    future = client.get(
        "/notifications/outbox/", {"created_from": tomorrow, "created_from_calendar": "gregorian"}
    ).content.decode()
    assert 'data-testid="outbox-empty"' in future


def test_a_bad_filter_is_explained_not_crashed(outbox: Outbox, khalid: User) -> None:
    response = client_for(khalid).get("/notifications/outbox/", {"recipient": "12345"})
    assert response.status_code == 200
    assert "NTF-002" in response.content.decode() or "not a Saudi mobile" in response.content.decode()


def test_a_message_page_shows_text_parts_encoding_and_history_in_arabic(outbox: Outbox, khalid: User) -> None:
    first, _second = sent_messages(outbox)
    page = client_for(khalid, "ar").get(f"/notifications/outbox/{first.pk}/").content.decode()
    assert first.text in page
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert 'data-testid="sms-recipient">+966551234567<' in page  # in full on the message's own page
    assert 'data-testid="sms-history"' in page
    assert page.count('data-testid="sms-status" data-status="sent"') == 2  # the header and the history
    assert "UCS-2" in page
    assert "سجل الحالات" in page  # "Status history"
    assert client_for(khalid).get("/notifications/outbox/999999/").status_code == 404


def test_the_outbox_in_english(outbox: Outbox, khalid: User) -> None:
    sent_messages(outbox)
    page = client_for(khalid, "en").get("/notifications/outbox/").content.decode()
    assert "SMS outbox" in page and "Reminder of an appointment or a deadline" in page


# --- Errors ---------------------------------------------------------------------------------------


def test_the_error_pages_list_groups_and_occurrences(khalid: User) -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        error_capture(exc, request_id="req-abcdef12", path="/registry/x/", method="POST")
    client = client_for(khalid)
    listing = client.get("/notifications/errors/").content.decode()
    assert "builtins.KeyError" in listing
    from simis.notifications.models import ErrorEvent

    event = ErrorEvent.objects.get()
    detail = client.get(f"/notifications/errors/{event.pk}/").content.decode()
    assert "req-abcdef12" in detail and "POST /registry/x/" in detail
    assert "Traceback" in detail
    assert client.get("/notifications/errors/999999/").status_code == 404


# --- The status callback -------------------------------------------------------------------------


def post_signed(body: Any, *, secret: str = SECRET, at: int | None = None) -> Any:
    raw = json.dumps(body).encode()
    timestamp = str(at if at is not None else int(time.time()))
    return Client().post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_X_SIMIS_TIMESTAMP=timestamp,
        HTTP_X_SIMIS_SIGNATURE=callback_signature(secret, timestamp, raw),
    )


def test_a_signed_callback_marks_the_message_delivered(outbox: Outbox, settings: Any) -> None:
    settings.SIMIS_SMS_WEBHOOK_SECRET = SECRET
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    response = post_signed({"reference": message.reference, "status": "delivered"})
    assert response.status_code == 200
    assert response.json() == {"reference": message.reference, "status": "delivered"}
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED

    # A late "sent" after "delivered" is acknowledged and ignored, so the gateway stops resending.
    late = post_signed([{"reference": message.reference, "status": "failed"}])
    assert late.json() == {"results": [{"reference": message.reference, "ignored": "NTF-103"}]}


def test_an_unsigned_or_stale_callback_is_refused_and_audited(outbox: Outbox, settings: Any) -> None:
    settings.SIMIS_SMS_WEBHOOK_SECRET = SECRET
    message = registration_sms()
    forged = post_signed({"reference": message.reference, "status": "delivered"}, secret="guess")
    assert forged.status_code == 403 and forged.json()["code"] == "NTF-202"
    stale = post_signed({"reference": message.reference, "status": "delivered"}, at=int(time.time()) - 3600)
    assert stale.status_code == 403
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED
    assert (
        AuditEntry.objects.filter(action="notifications.status_callback_refused", outcome="refused").count()
        == 2
    )


def test_callback_refusals_are_coded(outbox: Outbox, settings: Any) -> None:
    settings.SIMIS_SMS_WEBHOOK_SECRET = SECRET
    unknown = post_signed({"reference": "simis-sms-999999", "status": "delivered"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "NTF-105"
    message = registration_sms()
    odd = post_signed({"reference": message.reference, "status": "perhaps"})
    assert odd.status_code == 400 and odd.json()["code"] == "NTF-201"
    assert "message_ar" in odd.json()


def test_without_a_secret_the_callback_does_not_exist(settings: Any) -> None:
    settings.SIMIS_SMS_WEBHOOK_SECRET = ""
    assert post_signed({"status": "delivered"}, secret="").status_code == 404
