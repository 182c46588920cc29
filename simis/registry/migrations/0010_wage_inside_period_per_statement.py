"""A wage starting inside its period is checked once per inserting statement instead of once
per row.

The constraint trigger of migration 0002 ran for every wage written: a PL/pgSQL call, a look-up
of its period and a ``FOR SHARE`` lock of it — about 100,000 of each in a bulk upload. Now one
statement trigger per inserting statement locks the periods its wages name ``FOR SHARE`` in one
statement, as before (so that a concurrent shortening of a period waits, then sees the wage:
``registry_engagement_keeps_wages``), and finds any wage outside its period with one join,
planned afresh each time (``EXECUTE``) with the real number of rows. Same rule, same error and
constraint name. An update keeps migration 0002's row function, now called only for a row whose
start or period changed (the trigger's ``WHEN``), not for every save of a wage.
"""

from django.db import migrations

CHECK = """
CREATE FUNCTION registry_wage_inside_period_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    EXECUTE $q$SELECT 1 FROM registry_engagement e
                WHERE e.id IN (SELECT w.engagement_id FROM new_rows w)
                  FOR SHARE OF e$q$;
    EXECUTE $q$SELECT w.id, w.effective_from, w.engagement_id, e.join_date, e.leave_date
                 FROM new_rows w JOIN registry_engagement e ON e.id = w.engagement_id
                WHERE w.effective_from < e.join_date
                   OR (e.leave_date IS NOT NULL AND w.effective_from > e.leave_date)
                LIMIT 1$q$ INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'wage % effective % is outside its contribution period % (% to %)',
            bad.id, bad.effective_from, bad.engagement_id, bad.join_date, bad.leave_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'registry_wage_inside_period';
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER registry_wage_inside_period ON registry_wage;
CREATE TRIGGER registry_wage_inside_period AFTER INSERT ON registry_wage
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registry_wage_inside_period_rows();
CREATE TRIGGER registry_wage_inside_period_update
    AFTER UPDATE OF effective_from, engagement_id ON registry_wage
    FOR EACH ROW
    WHEN (OLD.effective_from IS DISTINCT FROM NEW.effective_from
          OR OLD.engagement_id IS DISTINCT FROM NEW.engagement_id)
    EXECUTE FUNCTION registry_wage_inside_period();
"""

BACK = """
DROP TRIGGER registry_wage_inside_period_update ON registry_wage;
DROP TRIGGER registry_wage_inside_period ON registry_wage;
DROP FUNCTION registry_wage_inside_period_rows();
CREATE CONSTRAINT TRIGGER registry_wage_inside_period
    AFTER INSERT OR UPDATE OF effective_from, engagement_id ON registry_wage
    FOR EACH ROW EXECUTE FUNCTION registry_wage_inside_period();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_references_checked_per_statement")]

    operations = [migrations.RunSQL(CHECK, BACK)]
