"""The debt of each month and each employer's credit are kept by the database: after every
INSERT statement on postings, the new postings are summed into ``contributions_monthdebt``
(contributions and fines due, per establishment and month) and ``contributions_employercredit``
(what the institution owes the employer: the credit account's balance, negated). Postings are
append-only, so inserts are the only change to follow; the sums always equal the postings'."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION contributions_debts_follow() RETURNS trigger
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

CREATE TRIGGER contributions_posting_debts AFTER INSERT ON contributions_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION contributions_debts_follow();
"""

REVERSE = """
DROP TRIGGER IF EXISTS contributions_posting_debts ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_debts_follow();
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0004_debts_penalties")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
