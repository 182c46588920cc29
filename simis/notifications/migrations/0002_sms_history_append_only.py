"""The database itself refuses to change or remove an SMS's status history.

A row trigger refuses UPDATE and DELETE whoever runs them (ORM, raw SQL, psql); a new status is
a new row. TRUNCATE is left to the table owner (the test runner empties tables that way)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION notifications_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'NTF-106: % is append-only; % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'A status change is recorded as a new row.';
END;
$$;

CREATE TRIGGER notifications_smsstatusevent_append_only
    BEFORE UPDATE OR DELETE ON notifications_smsstatusevent
    FOR EACH ROW EXECUTE FUNCTION notifications_history_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS notifications_smsstatusevent_append_only ON notifications_smsstatusevent;
DROP FUNCTION IF EXISTS notifications_history_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_sms_outbox_and_error_events")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
