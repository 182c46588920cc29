"""The portal's language/date switch stores the choice on the user."""

from __future__ import annotations

import pytest

from simis.core.errors import SimisError
from simis.identity.models import User
from simis.identity.public import user_update_preferences

pytestmark = pytest.mark.django_db


def test_language_and_date_display_are_stored() -> None:
    sara = User.objects.create_user(username="sara", password="x")
    user_update_preferences(user=sara, language="en", date_display="gregorian")
    sara.refresh_from_db()
    assert (sara.preferred_language, sara.date_display) == ("en", "gregorian")
    user_update_preferences(user=sara, language="ar")
    sara.refresh_from_db()
    assert (sara.preferred_language, sara.date_display) == ("ar", "gregorian")


def test_unknown_language_is_refused_with_a_code() -> None:
    sara = User.objects.create_user(username="sara", password="x")
    with pytest.raises(SimisError) as exc:
        user_update_preferences(user=sara, language="fr")
    assert exc.value.code == "IDN-001"
    with pytest.raises(SimisError) as exc:
        user_update_preferences(user=sara, date_display="julian")
    assert exc.value.code == "IDN-002"
