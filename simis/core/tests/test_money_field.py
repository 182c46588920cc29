"""MoneyField: numeric(14, 2) in PostgreSQL, Money in Python, usable by every app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, models
from django.db.models import F, Sum

from simis.core.money import Money, MoneyField


class Receipt(models.Model):
    """A throw-away model: the table is created inside the test's transaction."""

    amount = MoneyField()
    refund = MoneyField(null=True, blank=True)

    class Meta:
        app_label = "core"
        db_table = "core_test_receipt"

    def __str__(self) -> str:
        return str(self.amount)


@pytest.fixture
def receipts(db):  # type: ignore[no-untyped-def]
    with connection.schema_editor() as editor:
        editor.create_model(Receipt)
    return Receipt


def test_column_is_numeric_14_2_and_deconstructs_without_fixed_args():
    field = Receipt._meta.get_field("amount")
    assert (field.max_digits, field.decimal_places) == (14, 2)
    _, path, _, kwargs = field.deconstruct()
    assert path == "simis.core.money.MoneyField"
    assert "max_digits" not in kwargs and "decimal_places" not in kwargs


def test_assignment_makes_money_and_refuses_floats():
    receipt = Receipt(amount=Decimal("10.005"))
    assert receipt.amount == Money("10.01")
    receipt.amount = "3"
    assert receipt.amount == Money(3)
    with pytest.raises(TypeError):
        receipt.amount = 1.5
    assert Receipt(amount=None).amount is None


@pytest.mark.django_db
def test_round_trip_filters_and_aggregates(receipts):
    a = receipts.objects.create(amount=Money("975.00"))
    receipts.objects.create(amount=Money("25.50"), refund=Money(5))
    assert receipts.objects.get(pk=a.pk).amount == Money("975.00")
    assert receipts.objects.filter(amount__gt=Money(100)).count() == 1
    assert receipts.objects.filter(amount=Decimal("25.5")).count() == 1
    assert receipts.objects.aggregate(total=Sum("amount"))["total"] == Money("1000.50")
    assert receipts.objects.get(pk=a.pk).refund is None
    receipts.objects.filter(pk=a.pk).update(amount=F("amount") + Decimal("0.50"))
    a.refresh_from_db()
    assert a.amount == Money("975.50")


@pytest.mark.django_db
def test_full_clean_checks_digits_on_the_amount(receipts):
    Receipt(amount=Money("999999999999.99")).full_clean()
    with pytest.raises(TypeError):
        Receipt._meta.get_field("amount").get_prep_value(2.5)
