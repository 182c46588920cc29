"""A bill's establishment checked once per statement, like its run (migration 0014): the last
row-by-row foreign key a billing run wrote, 483,000 look-ups at commit (about 1.5 s of a
5,000,000-contributor run). An establishment that has bills can neither be deleted nor change
its key; bills cannot be updated (CON-009). The run's bills name every establishment billed, so
their rows are not locked (that cost as much as the foreign key): deleting an establishment
waits for any transaction writing bills instead (``lock_parents=False``)."""

import django.db.models.deletion
from django.db import migrations, models

from simis.core.db_references import statement_reference_sql

BILL_ESTABLISHMENT = statement_reference_sql(
    "contributions_bill", "establishment_id", "registry_establishment", "bills", lock_parents=False
)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0014_references_checked_per_statement"),
        ("registry", "0008_engagement_coverage_regime"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bill",
            name="establishment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bills",
                to="registry.establishment",
                verbose_name="establishment",
            ),
        ),
        migrations.RunSQL(BILL_ESTABLISHMENT[0], BILL_ESTABLISHMENT[1]),
    ]
