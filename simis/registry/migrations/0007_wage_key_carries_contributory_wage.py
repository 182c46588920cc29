"""The wage key carries the contributory wage (``INCLUDE``): billing finds the wage in force of
every period for a month from the index alone (an index-only scan), never the wide wage row.

Written as a table constraint (Django would make a bare unique index of a constraint with
``include``), so ``populate``'s bulk path still sets it aside and puts it back word for word."""

from django.db import migrations, models

FORWARD = """
ALTER TABLE registry_wage
    DROP CONSTRAINT registry_wage_one_per_day,
    ADD CONSTRAINT registry_wage_one_per_day UNIQUE (engagement_id, effective_from) INCLUDE (contributory_wage);
"""
REVERSE = """
ALTER TABLE registry_wage
    DROP CONSTRAINT registry_wage_one_per_day,
    ADD CONSTRAINT registry_wage_one_per_day UNIQUE (engagement_id, effective_from);
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_person_mobile")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="wage", name="registry_wage_one_per_day"),
                migrations.AddConstraint(
                    model_name="wage",
                    constraint=models.UniqueConstraint(
                        fields=("engagement", "effective_from"),
                        include=("contributory_wage",),
                        name="registry_wage_one_per_day",
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(FORWARD, REVERSE)],
        ),
    ]
