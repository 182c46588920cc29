"""What Django cannot declare, held by PostgreSQL itself:

1. A branch's parent is a main establishment: ``(parent_id, parent_is_main)`` references
   ``(id, is_main)``, and the model's check makes ``parent_is_main`` true for every branch. A main
   with branches cannot be turned into a branch either: the reference would break.
2. A wage row carries its period's establishment: ``(engagement_id, establishment_id)`` references
   ``(id, establishment_id)`` of the engagement.
3. A wage starts inside its period, ``join_date <= effective_from <= leave_date`` (an open period
   has no end), and a period cannot be shortened or moved so that one of its wages falls outside.
   Constraint triggers check both sides. The wage side locks the period row ``FOR SHARE`` so a
   concurrent shortening waits for it (and then sees the wage), closing the write-skew gap.
"""

from django.db import migrations

WAGE_INSIDE_PERIOD = """
CREATE FUNCTION registry_wage_inside_period() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    period record;
BEGIN
    SELECT join_date, leave_date INTO period
      FROM registry_engagement WHERE id = NEW.engagement_id FOR SHARE;
    IF NEW.effective_from < period.join_date
       OR (period.leave_date IS NOT NULL AND NEW.effective_from > period.leave_date) THEN
        RAISE EXCEPTION 'wage % effective % is outside its contribution period % (% to %)',
            NEW.id, NEW.effective_from, NEW.engagement_id, period.join_date, period.leave_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'registry_wage_inside_period';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER registry_wage_inside_period
    AFTER INSERT OR UPDATE OF effective_from, engagement_id ON registry_wage
    FOR EACH ROW EXECUTE FUNCTION registry_wage_inside_period();
"""

PERIOD_KEEPS_WAGES = """
CREATE FUNCTION registry_engagement_keeps_wages() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    outside date;
BEGIN
    SELECT min(effective_from) INTO outside
      FROM registry_wage
     WHERE engagement_id = NEW.id
       AND (effective_from < NEW.join_date
            OR (NEW.leave_date IS NOT NULL AND effective_from > NEW.leave_date));
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'contribution period % (% to %) would leave its wage effective % outside',
            NEW.id, NEW.join_date, NEW.leave_date, outside
            USING ERRCODE = 'check_violation', CONSTRAINT = 'registry_engagement_keeps_wages';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER registry_engagement_keeps_wages
    AFTER UPDATE OF join_date, leave_date ON registry_engagement
    FOR EACH ROW EXECUTE FUNCTION registry_engagement_keeps_wages();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_establishments_persons_engagements")]

    operations = [
        migrations.RunSQL(
            sql=(
                "ALTER TABLE registry_establishment ADD CONSTRAINT registry_est_parent_is_main_fk "
                "FOREIGN KEY (parent_id, parent_is_main) REFERENCES registry_establishment (id, is_main) "
                "ON UPDATE RESTRICT ON DELETE RESTRICT"
            ),
            reverse_sql="ALTER TABLE registry_establishment DROP CONSTRAINT registry_est_parent_is_main_fk",
        ),
        migrations.RunSQL(
            sql=(
                "ALTER TABLE registry_wage ADD CONSTRAINT registry_wage_engagement_establishment_fk "
                "FOREIGN KEY (engagement_id, establishment_id) "
                "REFERENCES registry_engagement (id, establishment_id) "
                "ON UPDATE RESTRICT ON DELETE RESTRICT"
            ),
            reverse_sql="ALTER TABLE registry_wage DROP CONSTRAINT registry_wage_engagement_establishment_fk",
        ),
        migrations.RunSQL(
            sql=WAGE_INSIDE_PERIOD,
            reverse_sql=(
                "DROP TRIGGER registry_wage_inside_period ON registry_wage; "
                "DROP FUNCTION registry_wage_inside_period()"
            ),
        ),
        migrations.RunSQL(
            sql=PERIOD_KEEPS_WAGES,
            reverse_sql=(
                "DROP TRIGGER registry_engagement_keeps_wages ON registry_engagement; "
                "DROP FUNCTION registry_engagement_keeps_wages()"
            ),
        ),
    ]
