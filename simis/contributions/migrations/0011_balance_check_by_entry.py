"""The balance check looks each entry of the statement up by its key instead of joining the
statement's entries to every posting: after a single entry's insert the planner knew nothing of
the transition table and read the whole postings table (38 ms an entry at 400,000 postings,
most of a statement import's reversals); now an index lookup per entry, whatever the table's
size, and one pass for a billing run's or a statement's many entries alike."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION contributions_entries_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced bigint;
BEGIN
    SELECT touched.entry_id INTO unbalanced
      FROM (SELECT DISTINCT entry_id FROM new_postings) AS touched
     WHERE (SELECT sum(p.amount) FROM contributions_posting p WHERE p.entry_id = touched.entry_id) <> 0
     LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'CON-010: journal entry % does not balance', unbalanced
            USING ERRCODE = 'check_violation',
                  HINT = 'The postings of an entry must sum to zero and be written in one statement.';
    END IF;
    RETURN NULL;
END;
$$;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION contributions_entries_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced bigint;
BEGIN
    SELECT p.entry_id INTO unbalanced
      FROM contributions_posting p
     WHERE p.entry_id IN (SELECT DISTINCT entry_id FROM new_postings)
     GROUP BY p.entry_id
    HAVING sum(p.amount) <> 0
     LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'CON-010: journal entry % does not balance', unbalanced
            USING ERRCODE = 'check_violation',
                  HINT = 'The postings of an entry must sum to zero and be written in one statement.';
    END IF;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0010_bill_number_arithmetic")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
