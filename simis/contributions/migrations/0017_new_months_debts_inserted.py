"""A statement of many receivable postings first tries a plain insert of its months' debts. A
billing run posts a month nobody owes yet — half a million new (establishment, month) keys —
and ``INSERT … ON CONFLICT DO UPDATE`` costs about twice a plain insert (each row is looked up,
inserted speculatively, then confirmed). If any key already exists the attempt is rolled back
(a subtransaction) and the statement's debts are merged as before; small statements (a
payment, a day's fines) merge directly. The sums are the same either way."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION contributions_debts_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    merged boolean := false;
BEGIN
    -- From 10,000 receivable postings in one statement: a billing run's, a big file's.
    IF (SELECT count(*) FROM new_postings WHERE account IN ('contributions', 'penalties')) >= 10000 THEN
        BEGIN
            INSERT INTO contributions_monthdebt (establishment_id, month, contributions, penalties)
            SELECT establishment_id, month,
                   coalesce(sum(amount) FILTER (WHERE account = 'contributions'), 0),
                   coalesce(sum(amount) FILTER (WHERE account = 'penalties'), 0)
              FROM new_postings
             WHERE account IN ('contributions', 'penalties')
             GROUP BY establishment_id, month;
            merged := true;
        EXCEPTION WHEN unique_violation THEN
            NULL;  -- a month already owed: merged below
        END;
    END IF;
    IF NOT merged THEN
    INSERT INTO contributions_monthdebt AS d (establishment_id, month, contributions, penalties)
    SELECT establishment_id, month,
           coalesce(sum(amount) FILTER (WHERE account = 'contributions'), 0),
           coalesce(sum(amount) FILTER (WHERE account = 'penalties'), 0)
      FROM new_postings
     WHERE account IN ('contributions', 'penalties')
     GROUP BY establishment_id, month
    ON CONFLICT (establishment_id, month) DO UPDATE
       SET contributions = d.contributions + excluded.contributions,
           penalties = d.penalties + excluded.penalties;
    END IF;
    INSERT INTO contributions_employercredit AS c (establishment_id, credit)
    SELECT establishment_id, -sum(amount)
      FROM new_postings
     WHERE account = 'credit'
     GROUP BY establishment_id
    ON CONFLICT (establishment_id) DO UPDATE SET credit = c.credit + excluded.credit;
    RETURN NULL;
END;
$$;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION contributions_debts_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contributions_monthdebt AS d (establishment_id, month, contributions, penalties)
    SELECT establishment_id, month,
           coalesce(sum(amount) FILTER (WHERE account = 'contributions'), 0),
           coalesce(sum(amount) FILTER (WHERE account = 'penalties'), 0)
      FROM new_postings
     WHERE account IN ('contributions', 'penalties')
     GROUP BY establishment_id, month
    ON CONFLICT (establishment_id, month) DO UPDATE
       SET contributions = d.contributions + excluded.contributions,
           penalties = d.penalties + excluded.penalties;

    INSERT INTO contributions_employercredit AS c (establishment_id, credit)
    SELECT establishment_id, -sum(amount)
      FROM new_postings
     WHERE account = 'credit'
     GROUP BY establishment_id
    ON CONFLICT (establishment_id) DO UPDATE SET credit = c.credit + excluded.credit;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0016_month_debt_keyed_by_month")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
