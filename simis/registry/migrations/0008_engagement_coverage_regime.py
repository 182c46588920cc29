"""A period's row keeps the regime its covered branches were derived under (the person's: every
service that derives coverage sets both), so billing reads each period's rates from the period
alone. Existing rows take their person's regime."""

from django.db import migrations, models

BACKFILL = """
UPDATE registry_engagement e SET coverage_regime = p.regime FROM registry_person p WHERE p.id = e.person_id;
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_wage_key_carries_contributory_wage")]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="coverage_regime",
            field=models.CharField(
                choices=[
                    ("old_law", "Old law (Royal Decree M/33)"),
                    ("transitional", "Transitional (Royal Decree M/273, item 5)"),
                    ("new_law", "New law (Royal Decree M/273)"),
                ],
                default="old_law",
                help_text="The legal regime the covered branches and the contribution rates follow.",
                max_length=16,
                verbose_name="regime of the coverage",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
