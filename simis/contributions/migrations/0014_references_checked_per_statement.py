"""A bill's run and a posting's journal entry are checked once per statement instead of once per
row. PostgreSQL checks a foreign key with one look-up per inserted row, at commit: a billing run
inserts half a million bills and as many postings, all of one run and one entry, and those
look-ups took 3–4 s of a 5,000,000-contributor run. The same rule is kept by triggers:

- after an insert of bills (postings), one anti-join of the statement's rows against the runs
  (entries) refuses any that names none, after locking the named ones ``FOR KEY SHARE`` as a
  foreign key would, so that no concurrent transaction can delete them before this one commits;
- a run (entry) that bills (postings) name cannot be deleted nor change its key.

Bills and postings cannot be updated at all (CON-009), so an insert is the only way to name a run
or an entry. ``TRUNCATE`` is not guarded (nor used outside the test runner's flush).

The bill number's ``varchar_pattern_ops`` index that Django adds to a unique text column is
dropped too: nothing searches bill numbers by prefix, and a run wrote 483,000 entries into it."""

import django.db.models.deletion
from django.db import migrations, models

from simis.core.db_references import statement_reference_sql


BILL_RUN = statement_reference_sql("contributions_bill", "run_id", "contributions_billingrun", "bills")
POSTING_ENTRY = statement_reference_sql(
    "contributions_posting", "entry_id", "contributions_journalentry", "postings"
)

LIKE_INDEX = """
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT indexrelid::regclass::text FROM pg_index
                 WHERE indrelid = 'contributions_bill'::regclass
                   AND pg_get_indexdef(indexrelid) LIKE '%varchar_pattern_ops%' LOOP
        EXECUTE format('DROP INDEX %I', name);
    END LOOP;
END;
$$;
"""
LIKE_INDEX_BACK = (
    "CREATE INDEX contributions_bill_number_4f960328_like ON contributions_bill (number varchar_pattern_ops)"
)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0013_plan_end_reason_choices")]

    operations = [
        migrations.AlterField(
            model_name="bill",
            name="run",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contributions.billingrun",
                verbose_name="billing run",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="entry",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="contributions.journalentry",
                verbose_name="journal entry",
            ),
        ),
        migrations.RunSQL(BILL_RUN[0], BILL_RUN[1]),
        migrations.RunSQL(POSTING_ENTRY[0], POSTING_ENTRY[1]),
        migrations.RunSQL(LIKE_INDEX, LIKE_INDEX_BACK),
    ]
