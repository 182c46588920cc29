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

The child must refuse updates of the column (the contributions tables refuse any update,
CON-009), and ``TRUNCATE`` is not guarded. Errors carry PostgreSQL's ``foreign_key_violation``
code, so Django raises ``IntegrityError`` as for a foreign key.
"""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


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
    wait_for_children = (
        ""
        if lock_parents
        else f"""
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'rows of "{parent}" are deleted or re-keyed only under READ COMMITTED'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Rows of "{child}" committed meanwhile would not be seen.';
        END IF;
        LOCK TABLE {child} IN SHARE MODE;"""
    )
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
