"""What the database holds itself, whoever writes (ORM, raw SQL, psql):

- bills, bill lines, journal entries and postings are append-only: UPDATE and DELETE are
  refused (a correction is an adjustment line or a new entry). TRUNCATE is left to the owner:
  the test runner's flush empties every table between tests;
- every journal entry balances: after each INSERT statement on postings, every entry it touched
  must sum to zero, or the statement fails (so an entry's postings are written in one statement);
- bill numbers: 14 digits, "1", a 12-digit sequence number and a Luhn check digit (the same as
  ``simis.core.identifiers.bill_number_make``), drawn from a sequence so a set-based run and
  a single bill never collide.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION contributions_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'CON-009: % is append-only; % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Bills and postings are never changed; post an adjustment or a new entry.';
END;
$$;

CREATE TRIGGER contributions_bill_append_only BEFORE UPDATE OR DELETE ON contributions_bill
    FOR EACH ROW EXECUTE FUNCTION contributions_refuse_change();
CREATE TRIGGER contributions_billline_append_only BEFORE UPDATE OR DELETE ON contributions_billline
    FOR EACH ROW EXECUTE FUNCTION contributions_refuse_change();
CREATE TRIGGER contributions_journalentry_append_only BEFORE UPDATE OR DELETE ON contributions_journalentry
    FOR EACH ROW EXECUTE FUNCTION contributions_refuse_change();
CREATE TRIGGER contributions_posting_append_only BEFORE UPDATE OR DELETE ON contributions_posting
    FOR EACH ROW EXECUTE FUNCTION contributions_refuse_change();

CREATE FUNCTION contributions_entries_balance() RETURNS trigger
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

CREATE TRIGGER contributions_posting_balanced AFTER INSERT ON contributions_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION contributions_entries_balance();

CREATE SEQUENCE contributions_bill_number_seq MINVALUE 1 MAXVALUE 999999999999;

CREATE FUNCTION contributions_bill_number(sequence bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT payload || ((10 - sum(
               CASE WHEN position % 2 = 1
                    THEN (digit * 2) - CASE WHEN digit * 2 > 9 THEN 9 ELSE 0 END
                    ELSE digit END) % 10) % 10)::text
      FROM (SELECT '1' || lpad(sequence::text, 12, '0') AS payload) AS number,
           LATERAL (SELECT substr(payload, 14 - position, 1)::int AS digit, position
                      FROM generate_series(1, 13) AS position) AS digits
     GROUP BY payload
$$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS contributions_bill_number(bigint);
DROP SEQUENCE IF EXISTS contributions_bill_number_seq;
DROP TRIGGER IF EXISTS contributions_posting_balanced ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_entries_balance();
DROP TRIGGER IF EXISTS contributions_posting_append_only ON contributions_posting;
DROP TRIGGER IF EXISTS contributions_journalentry_append_only ON contributions_journalentry;
DROP TRIGGER IF EXISTS contributions_billline_append_only ON contributions_billline;
DROP TRIGGER IF EXISTS contributions_bill_append_only ON contributions_bill;
DROP FUNCTION IF EXISTS contributions_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_bills_ledger")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
