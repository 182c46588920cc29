"""Money: Saudi riyal amounts, exact to the halala.

Every amount SIMIS bills, pays or posts is a ``Money``: a ``Decimal`` in SAR with exactly two
places. Rounding happens in one place only, ``quantize_sar`` (half up, the way contribution
amounts are rounded on GOSI bills), and only when a ``Money`` is made: adding or subtracting
two amounts is exact; multiplying by a rate rounds the exact product once. Floats are refused
everywhere, because 0.1 + 0.2 is not 0.3 in binary.

``MoneyField`` stores a ``Money`` in a ``numeric(14, 2)`` column, so amounts up to
999,999,999,999.99 SAR fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.query_utils import DeferredAttribute

from simis.core.errors import MoneyError, SimisError

CURRENCY = "SAR"
MAX_DIGITS = 14
DECIMAL_PLACES = 2
HALALA = Decimal("0.01")
# numeric(14, 2) holds 12 digits before the point.
_LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
_MINUS_LIMIT = -_LIMIT
_HUNDRED = Decimal(100)
_ZERO_AMOUNT = Decimal("0.00")

Number = Decimal | int | str


def _as_decimal(value: object) -> Decimal:
    """``Decimal`` from a Decimal, an int or a numeric string; floats (and bools) are refused
    with a TypeError because they cannot hold riyal amounts exactly."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"Money refuses {type(value).__name__} {value!r}: pass a Decimal, an int or a string "
            "such as Decimal('12.50')."
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise SimisError(MoneyError.NOT_A_NUMBER, value=value) from None
    else:
        raise TypeError(
            f"Money refuses {type(value).__name__} {value!r}: pass a Decimal, an int or a string."
        )
    if not number.is_finite():
        raise SimisError(MoneyError.NOT_A_NUMBER, value=str(value))
    return number


def quantize_sar(amount: Decimal) -> Decimal:
    """The one rounding rule for money: two places (halalas), half up (0.005 → 0.01).

    Every ``Money`` passes through here when it is made; nothing else in SIMIS rounds money."""
    return amount.quantize(HALALA, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An immutable amount in Saudi riyals with exactly two decimal places.

    ``Money(Decimal("12.345"))`` is 12.35 SAR (rounded by ``quantize_sar``). Construction from a
    float raises ``TypeError``; a currency other than SAR raises ``SimisError(MNY-001)``."""

    amount: Decimal
    currency: str = CURRENCY

    def __init__(self, amount: Number, currency: str = CURRENCY) -> None:
        if currency != CURRENCY:
            raise SimisError(MoneyError.UNSUPPORTED_CURRENCY, currency=str(currency))
        # A finite Decimal (what arithmetic and the database give) or an int needs no checks.
        exact: Decimal
        if type(amount) is Decimal and amount.is_finite():
            exact = amount
        elif type(amount) is int:
            exact = Decimal(amount)
        else:
            exact = _as_decimal(amount)
        if not _MINUS_LIMIT < exact < _LIMIT or not _MINUS_LIMIT < (rounded := quantize_sar(exact)) < _LIMIT:
            raise SimisError(MoneyError.TOO_LARGE, value=str(amount))
        # Normalise -0.00 to 0.00 so equal amounts print alike.
        object.__setattr__(self, "amount", rounded if rounded else _ZERO_AMOUNT)
        object.__setattr__(self, "currency", CURRENCY)

    # --- construction helpers ---
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def total(cls, amounts: Iterable[Money]) -> Money:
        """The exact sum of many amounts; ``Money.zero()`` for none."""
        result = Decimal("0.00")
        for item in amounts:
            result += cls._require(item).amount
        return cls(result)

    @staticmethod
    def _require(other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Money can only be combined with Money, not {type(other).__name__} {other!r}.")
        return other

    # --- arithmetic ---
    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._require(other).amount)

    def __radd__(self, other: object) -> Money:
        # Lets the built-in sum() start from its default 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return Money(self._require(other).amount + self.amount)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._require(other).amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __abs__(self) -> Money:
        return Money(abs(self.amount))

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Money cannot be multiplied by Money.")
        if isinstance(factor, str):
            raise TypeError("Money cannot be multiplied by a string; pass a Decimal.")
        return Money(self.amount * _as_decimal(factor))

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return bool(self.amount)

    def percent(self, rate: Decimal | int) -> Money:
        """``rate`` per cent of this amount, rounded once: ``Money(10000).percent(Decimal("9.75"))``
        is 975.00 SAR. Rates in parameters are stored as percentages, so they pass here unchanged."""
        if isinstance(rate, str):
            raise TypeError("A rate must be a Decimal or an int, not a string.")
        return Money(self.amount * _as_decimal(rate) / _HUNDRED)

    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {CURRENCY}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}')"


class _MoneyAttribute(DeferredAttribute):
    """Keeps the attribute a ``Money`` whatever is assigned (Decimal, int, numeric string),
    so an unsaved instance behaves like a loaded one. Query expressions pass through."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        if value is not None and not isinstance(value, Money) and not hasattr(value, "resolve_expression"):
            value = Money(value)
        instance.__dict__[self.field.attname] = value


class MoneyField(models.DecimalField):
    """A SAR amount: ``numeric(14, 2)`` in PostgreSQL, ``Money`` in Python.

    Accepts Money, Decimal, int or numeric strings; refuses floats. ``max_digits`` and
    ``decimal_places`` are fixed and cannot be passed."""

    descriptor_class = _MoneyAttribute
    # What django-stubs should take a model's attribute to be: reads give Money.
    _pyi_private_set_type: Money | Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Money  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_digits"] = MAX_DIGITS
        kwargs["decimal_places"] = DECIMAL_PLACES
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Decimal | None, expression: Any, connection: Any) -> Money | None:
        return None if value is None else Money(value)

    def to_python(self, value: Any) -> Money | None:
        if value is None or isinstance(value, Money):
            return value
        if isinstance(value, float):
            _as_decimal(value)  # raises the clear TypeError
        return Money(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, float):
            _as_decimal(value)  # raises the clear TypeError
        # DecimalField.get_prep_value goes through to_python, which gives Money here.
        value = super().get_prep_value(value)
        return value.amount if isinstance(value, Money) else value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        amount = value.amount if isinstance(value, Money) else value
        return connection.ops.adapt_decimalfield_value(amount, self.max_digits, self.decimal_places)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value.amount if isinstance(value, Money) else value)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return str(value.amount) if isinstance(value, Money) else ""
