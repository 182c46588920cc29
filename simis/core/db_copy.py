"""Writing many model rows at once with ``COPY … FROM STDIN`` instead of ``bulk_create``.

``bulk_create`` turns every value into SQL text in Python (Django's field preparation, then
psycopg's client-side quoting): for a bank statement's 100,000 lines and their payments,
receipts, entries and postings that is most of the import's time. ``COPY`` sends the rows as
they are; psycopg's C dumpers write each value. Triggers, constraints and defaults apply as they
do to an ``INSERT`` (statement-level triggers fire once for the whole ``COPY``).

The objects are built as for ``bulk_create`` (model instances, their defaults filled in by
``__init__``). Their primary keys must be set beforehand when the caller needs them
(``ids_take``), or left to the table's default (``with_pk=False``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from psycopg.types.json import Jsonb

from simis.core.money import Money, MoneyField

# ``count`` values of a sequence in one round trip: ``nextval`` over a series, so a concurrent
# insert elsewhere can never take one of them.
SEQUENCE_DRAW_SQL = "SELECT nextval(%s) FROM generate_series(1, %s)"


def sequence_draw(sequence: str, count: int) -> list[int]:
    """``count`` fresh values of ``sequence``, ascending."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SEQUENCE_DRAW_SQL, [sequence, count])
        return sorted(row[0] for row in cursor.fetchall())


def serial_sequence(model: type[models.Model]) -> str:
    """The sequence behind the model's primary key."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return str(cursor.fetchone()[0])


def ids_take(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, ascending."""
    return sequence_draw(serial_sequence(model), count) if count > 0 else []


def _money(value: Any) -> Any:
    return value.amount if isinstance(value, Money) else value


def _json(value: Any) -> Any:
    return None if value is None else Jsonb(value)


def _aware(value: Any) -> Any:
    """A naive time would be read as UTC by the server (Django's connection time zone), where
    Django would have read it in the project's zone: refused rather than shifted."""
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"objects_copy: a naive datetime {value.isoformat()}")
    return value


def _day(value: Any) -> Any:
    """A time where a day is wanted: Django would take its day in the project's zone, the
    server in UTC. Refused."""
    if isinstance(value, datetime):
        raise ValueError(f"objects_copy: a datetime {value.isoformat()} for a date column")
    return value


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What a value read from the instance needs before psycopg dumps it (``None``: nothing).
    Django's own preparation (``pre_save``, ``get_db_prep_save``) does not run, so a field
    that depends on it is refused."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        raise TypeError(f"objects_copy: {field.name} is set by pre_save (auto_now)")
    if field.db_default is not models.NOT_PROVIDED:
        raise TypeError(f"objects_copy: {field.name} has a database default")
    if isinstance(field, MoneyField):
        return _money
    if isinstance(field, models.JSONField):
        if field.encoder is not None:
            raise TypeError(f"objects_copy: {field.name} has its own JSON encoder")
        return _json
    if isinstance(field, models.DateTimeField):
        return _aware
    if isinstance(field, models.DateField):
        return _day
    if isinstance(field, _AS_THEY_ARE):
        return None
    raise TypeError(f"objects_copy: no conversion for {type(field).__name__} {field.name}")


# Fields whose Python values psycopg dumps as the column takes them (a ``DateTimeField`` is a
# ``DateField``; keys and auto fields are integer fields or ``ForeignKey``).
_AS_THEY_ARE = (
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
    ArrayField,
)


def objects_copy(model: type[models.Model], objects: Sequence[models.Model], *, with_pk: bool = True) -> int:
    """Writes ``objects`` (instances of ``model``) in one ``COPY``, in this connection's
    transaction. Every concrete column is written, the primary key too unless ``with_pk`` is
    false (then the table's default gives it, and the instances do not learn it)."""
    if not objects:
        return 0
    if model._meta.parents:
        raise TypeError(f"objects_copy: {model.__name__} inherits another model's table")
    fields = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
    names = [field.attname for field in fields]
    converters = [_converter(field) for field in fields]
    plain = all(convert is None for convert in converters)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(statement) as copy:
            for instance in objects:
                values = [getattr(instance, name) for name in names]
                if not plain:
                    values = [
                        value if convert is None else convert(value)
                        for value, convert in zip(values, converters, strict=True)
                    ]
                copy.write_row(values)
    for instance in objects:  # saved, as bulk_create leaves them
        instance._state.adding = False
        instance._state.db = connection.alias
    return len(objects)
