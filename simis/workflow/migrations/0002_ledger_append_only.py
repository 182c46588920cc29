"""The decision ledger refuses UPDATE and DELETE, whoever runs them (ORM, raw SQL, psql).
(TRUNCATE is left to the owner: the test runner's flush empties every table between tests.)"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION workflow_ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'WFL-009: % is append-only; % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Decisions are never changed or deleted; record a new decision instead.';
END;
$$;

CREATE TRIGGER workflow_decisionentry_append_only
    BEFORE UPDATE OR DELETE ON workflow_decisionentry
    FOR EACH ROW EXECUTE FUNCTION workflow_ledger_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS workflow_decisionentry_append_only ON workflow_decisionentry;
DROP FUNCTION IF EXISTS workflow_ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_cases_tasks_routing_availability")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
