"""A foreign key checked once per statement instead of once per row.

PostgreSQL checks a foreign key with one look-up per inserted row, at commit. A table that is
written hundreds of thousands of rows at a time (a billing run's bills and postings) spends
seconds on those look-ups. ``statement_reference_sql`` keeps the same rule with triggers:

- after an insert into the child, one anti-join of the statement's rows (a transition table)
  against the parent refuses any row naming no parent;
- a parent that children name can neither be deleted nor change its key.

A concurrent delete of a parent between the check and the inserting transaction's commit is
prevented one of two ways:

- ``lock_parents=True``: the check locks the named parents ``FOR KEY SHARE``, as a foreign key
  does — cheap when the rows name few parents (all of a run's bills name one run);
- ``lock_parents=False``: a parent's delete first takes ``SHARE`` on the child table, so it
  waits for every transaction inserting children, then looks for children with a fresh
  snapshot. Locking half a million parent rows (every establishment billed) costs as much as
  the foreign key did; deleting a parent is rare and may wait. That delete is refused outside
  ``READ COMMITTED``, where its snapshot could not see children committed while it waited.

``statement_reference_sql`` serves a child that refuses updates of the column (the
contributions tables refuse any update, CON-009). ``statement_references_sql`` serves tables
that are updated too (the register's: migration 0009): all of a child's references (composite
ones included) checked after each inserting statement, and per row for an update that changes
them (updates come one row at a time, through the services), guards that check
after the parent's statement (as ``NO ACTION``), and a whole-table check function for bulk
loads that disable the insert trigger. ``TRUNCATE`` is not guarded. Errors carry PostgreSQL's
``foreign_key_violation`` code, so Django raises ``IntegrityError`` as for a foreign key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _children_wait_sql(child: str, parent: str) -> str:
    """PL/pgSQL for a parent's delete or re-key when the children's check locks no parent row:
    wait for every transaction writing children, then look with a fresh snapshot (READ
    COMMITTED only)."""
    return f"""
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'rows of "{parent}" are deleted or re-keyed only under READ COMMITTED'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Rows of "{child}" committed meanwhile would not be seen.';
        END IF;
        LOCK TABLE {child} IN SHARE MODE;"""


def _read_committed_sql(what: str, hint: str) -> str:
    """PL/pgSQL refusing to go on outside READ COMMITTED, where a statement's snapshot could
    miss rows committed since the transaction began (a foreign key looks past its snapshot;
    these checks cannot)."""
    return f"""
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION '{what} only under READ COMMITTED'
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = '{hint}';
        END IF;"""


def statement_reference_sql(
    child: str, column: str, parent: str, noun: str, *, lock_parents: bool = True
) -> tuple[str, str]:
    """The SQL that makes ``child.column`` reference ``parent.id`` (and undoes it): a check of
    each inserting statement's rows and a guard on the parent's deletes and key changes.
    The names are SQL identifiers written in a migration, never input; they are checked."""
    for name in (child, column, parent, noun):
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    constraint = f"{child}_{column}_exists"
    lock_rows = (
        f"PERFORM 1 FROM {parent} p WHERE p.id IN (SELECT DISTINCT {column} FROM new_rows) FOR KEY SHARE;"
        if lock_parents
        else ""
    )
    wait_for_children = "" if lock_parents else _children_wait_sql(child, parent)
    forward = f"""
CREATE FUNCTION {constraint}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    {lock_rows}
    SELECT n.{column} INTO missing
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = n.{column})
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert on table "{child}" violates foreign key "{constraint}"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key ({column})=(%s) is not present in table "{parent}".', missing);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER {constraint} AFTER INSERT ON {child}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {constraint}();

CREATE FUNCTION {parent}_keeps_{noun}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id THEN{wait_for_children}
        NULL;
    END IF;
    IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id)
       AND EXISTS (SELECT 1 FROM {child} c WHERE c.{column} = OLD.id) THEN
        RAISE EXCEPTION 'update or delete on table "{parent}" violates foreign key "{constraint}"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (id)=(%s) is still referenced from table "{child}".', OLD.id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER {parent}_keeps_{noun} BEFORE DELETE OR UPDATE OF id ON {parent}
    FOR EACH ROW EXECUTE FUNCTION {parent}_keeps_{noun}();
"""
    reverse = f"""
DROP TRIGGER {parent}_keeps_{noun} ON {parent};
DROP FUNCTION {parent}_keeps_{noun}();
DROP TRIGGER {constraint} ON {child};
DROP FUNCTION {constraint}();
"""
    return forward, reverse


# --- Several references of one table, inserts and updates -----------------------------------------


@dataclass(frozen=True)
class Reference:
    """``columns`` of a child table name a row of ``parent`` by ``parent_columns`` (its id by
    default). ``name`` is reported as the constraint, as a foreign key's name would be; a
    row with any of ``columns`` NULL names nothing and is not checked (``MATCH SIMPLE``).
    ``guard`` names the parent's trigger, ``{parent}_keeps_{guard}``; ``lock_parents`` is as
    for ``statement_reference_sql``."""

    name: str
    # The first parent column must be unique on its own (the primary key): the statement
    # check joins on it alone (see _missing_sql); a non-unique one would refuse valid rows.
    columns: tuple[str, ...]
    parent: str
    guard: str
    parent_columns: tuple[str, ...] = ("id",)
    lock_parents: bool = True

    def __post_init__(self) -> None:
        for identifier in (self.name, self.parent, self.guard, *self.columns, *self.parent_columns):
            _identifier_check(identifier)
        if len(self.columns) != len(self.parent_columns) or not self.columns:
            raise ValueError(f"{self.name}: as many columns as the parent's, at least one")


def _identifier_check(name: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")


def _missing_sql(child: str, rows: str, reference: Reference) -> str:
    """PL/pgSQL: lock the parents ``rows`` name (when asked), then refuse if a row of ``rows``
    names none, with PostgreSQL's own foreign key error.

    The parent is joined on its first key column alone (unique: the primary key), the others
    compared after, so that no other index of the parent can serve the look-up: planned for a
    table the statistics still call empty (within a bulk load), a match on all columns was
    once made through an index of the whole establishment, once per row. Each statement is
    planned afresh (``EXECUTE``) with the real number of the statement's rows, never from a
    plan cached for another size."""
    named = " AND ".join(f"n.{column} IS NOT NULL" for column in reference.columns)
    first_key, first_column = reference.parent_columns[0], reference.columns[0]
    differs = "".join(
        f" OR p.{key} IS DISTINCT FROM n.{column}"
        for key, column in zip(reference.parent_columns[1:], reference.columns[1:], strict=True)
    )
    keys, columns = ", ".join(reference.parent_columns), ", ".join(reference.columns)
    values = ", ".join(f"n.{column}" for column in reference.columns)
    name, parent = reference.name, reference.parent
    lock = (
        f"""
    EXECUTE $q$SELECT 1 FROM {parent} p
                WHERE p.{first_key} IN (SELECT n.{first_column} FROM {rows} n WHERE {named})
                  FOR KEY SHARE OF p$q$;"""
        if reference.lock_parents
        else _read_committed_sql(
            f'rows of "{child}" naming "{parent}" are written',
            f'A row of "{parent}" deleted since the transaction began would not be seen.',
        )
    )
    if reference.lock_parents and rows == child:
        # Over a whole table (a bulk load's check), rows are not locked one by one when this
        # transaction already holds a lock on the parent table that keeps everyone else from
        # deleting or re-keying its rows until commit (a load's ALTER TABLE holds ACCESS
        # EXCLUSIVE on the tables it set constraints aside on).
        # Under READ COMMITTED only: an older snapshot could predate the table lock.
        lock = f"""
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT EXISTS (SELECT 1 FROM pg_locks
                    WHERE locktype = 'relation' AND pid = pg_backend_pid() AND granted
                      AND relation = '{parent}'::regclass
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock',
                                   'AccessExclusiveLock')) THEN{lock}
    END IF;"""
    message = f'insert or update on table "{child}" violates foreign key constraint "{name}"'
    detail = f'Key ({columns})=(%s) is not present in table "{parent}" ({keys}).'
    return f"""{lock}
    EXECUTE $q$SELECT concat_ws(', ', {values})
                 FROM {rows} n LEFT JOIN {parent} p ON p.{first_key} = n.{first_column}
                WHERE {named} AND (p.{first_key} IS NULL{differs})
                LIMIT 1$q$ INTO missing;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '{message}'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{name}', TABLE = '{child}',
                  DETAIL = format('{detail}', missing);
    END IF;"""


def _guard_sql(child: str, reference: Reference) -> tuple[str, str]:
    """A parent row that children name can neither be deleted nor change its key: checked
    after the deleting or updating statement (as a foreign key's ``NO ACTION``), so one
    statement may remove a parent and the children that name it."""
    function = f"{reference.parent}_keeps_{reference.guard}"
    changed = " OR ".join(f"NEW.{key} IS DISTINCT FROM OLD.{key}" for key in reference.parent_columns)
    matches = " AND ".join(
        f"c.{column} = OLD.{key}"
        for key, column in zip(reference.parent_columns, reference.columns, strict=True)
    )
    old_key = ", ".join(f"OLD.{key}" for key in reference.parent_columns)
    keys, name, parent = ", ".join(reference.parent_columns), reference.name, reference.parent
    message = (
        f'update or delete on table "{parent}" violates foreign key constraint "{name}" on table "{child}"'
    )
    detail = f'Key ({keys})=(%s) is still referenced from table "{child}".'
    wait = (
        _read_committed_sql(
            f'rows of "{parent}" are deleted or re-keyed',
            f'Rows of "{child}" committed meanwhile would not be seen.',
        )
        if reference.lock_parents
        else _children_wait_sql(child, parent)
    )
    old_changed = " OR ".join(f"OLD.{key} IS DISTINCT FROM NEW.{key}" for key in reference.parent_columns)
    forward = f"""
CREATE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR {changed} THEN{wait}
        IF EXISTS (SELECT 1 FROM {child} c WHERE {matches}) THEN
            RAISE EXCEPTION '{message}'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{name}', TABLE = '{parent}',
                      DETAIL = format('{detail}', concat_ws(', ', {old_key}));
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER {function} AFTER DELETE ON {parent}
    FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_rekey AFTER UPDATE OF {keys} ON {parent}
    FOR EACH ROW WHEN ({old_changed}) EXECUTE FUNCTION {function}();
"""
    reverse = f"""
DROP TRIGGER {function}_rekey ON {reference.parent};
DROP TRIGGER {function} ON {reference.parent};
DROP FUNCTION {function}();
"""
    return forward, reverse


def _changed_sql(child: str, reference: Reference) -> tuple[str, str]:
    """For a row-level update check: the condition that the row names another parent now, and
    the PL/pgSQL that checks (and locks, when asked) that parent, as a foreign key does."""
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in reference.columns)
    named = " AND ".join(f"NEW.{column} IS NOT NULL" for column in reference.columns)
    matches = " AND ".join(
        f"p.{key} = NEW.{column}"
        for key, column in zip(reference.parent_columns, reference.columns, strict=True)
    )
    columns, keys = ", ".join(reference.columns), ", ".join(reference.parent_columns)
    values = ", ".join(f"NEW.{column}" for column in reference.columns)
    name, parent = reference.name, reference.parent
    message = f'insert or update on table "{child}" violates foreign key constraint "{name}"'
    detail = f'Key ({columns})=(%s) is not present in table "{parent}" ({keys}).'
    lock = "FOR KEY SHARE OF p" if reference.lock_parents else ""
    unlocked = (
        ""
        if reference.lock_parents
        else _read_committed_sql(
            f'rows of "{child}" naming "{parent}" are written',
            f'A row of "{parent}" deleted since the transaction began would not be seen.',
        )
    )
    check = f"""
    IF ({changed}) AND {named} THEN{unlocked}
        PERFORM 1 FROM {parent} p WHERE {matches} {lock};
        IF NOT FOUND THEN
            RAISE EXCEPTION '{message}'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{name}', TABLE = '{child}',
                      DETAIL = format('{detail}', concat_ws(', ', {values}));
        END IF;
    END IF;"""
    return f"({changed})", check


def statement_references_sql(child: str, references: Sequence[Reference]) -> tuple[str, str]:
    """The SQL that makes each of ``references`` hold for ``child`` (and undoes it), checked
    once per statement — inserts and updates alike — instead of once per row:

    - ``{child}_references`` (after an inserting statement) runs ``{child}_references()``:
      for each reference one anti-join of the statement's rows against the parent (locking
      the named parents first when asked);
    - ``{child}_references_update`` (after an update, per row, and only for a row whose
      referencing columns changed: the trigger's ``WHEN`` is evaluated without calling any
      function, so the usual update of other columns costs nothing) runs
      ``{child}_references_row()``, one look-up of the new parent, as a foreign key does;
    - ``{child}_references_check()`` makes the inserts' checks over the whole table, for a
      bulk load that disables the insert trigger and checks once at the end;
    - each parent gets a guard on its deletes and key changes (``_guard_sql``; a re-key only
      when the key really changes, by the trigger's ``WHEN``).

    Unlike a foreign key, the checks are never deferred (they run at the end of each
    statement, whatever ``SET CONSTRAINTS`` says: parents must be written first), and a
    parent is deleted or re-keyed only under READ COMMITTED (as are children of a reference
    that locks no parent): a foreign key looks past its snapshot, these checks cannot.
    The names are SQL identifiers written in a migration, never input; they are checked."""
    _identifier_check(child)
    checks = "\n".join(_missing_sql(child, "new_rows", reference) for reference in references)
    whole = "\n".join(_missing_sql(child, child, reference) for reference in references)
    changes = [_changed_sql(child, reference) for reference in references]
    updated_when = " OR ".join(condition for condition, _check in changes)
    updated_checks = "".join(check for _condition, check in changes)
    updated_columns = ", ".join(dict.fromkeys(c for reference in references for c in reference.columns))
    guards = [_guard_sql(child, reference) for reference in references]
    forward = f"""
CREATE FUNCTION {child}_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN{checks}
    RETURN NULL;
END;
$$;
CREATE TRIGGER {child}_references AFTER INSERT ON {child}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {child}_references();

CREATE FUNCTION {child}_references_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN{updated_checks}
    RETURN NULL;
END;
$$;
CREATE TRIGGER {child}_references_update AFTER UPDATE OF {updated_columns} ON {child}
    FOR EACH ROW WHEN ({updated_when})
    EXECUTE FUNCTION {child}_references_row();

CREATE FUNCTION {child}_references_check() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN{whole}
END;
$$;
""" + "".join(forward for forward, _reverse in guards)
    reverse = (
        "".join(reverse for _forward, reverse in reversed(guards))
        + f"""
DROP FUNCTION {child}_references_check();
DROP TRIGGER {child}_references_update ON {child};
DROP FUNCTION {child}_references_row();
DROP TRIGGER {child}_references ON {child};
DROP FUNCTION {child}_references();
"""
    )
    return forward, reverse
