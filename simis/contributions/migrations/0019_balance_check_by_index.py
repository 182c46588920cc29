"""The balance check always finds an entry's postings through the entry index.

After the first billing run nearly every posting belongs to one entry (the run's), and ANALYZE
records a single ``entry_id``. The planner then expects any entry to own the whole table and
answers the check's per-entry sum with a sequential scan: a day's fines for 96,552 employers of
a 1M register (193,104 postings in one ``COPY``) ran for over nine minutes before it was stopped.
The function now runs with sequential scans of tables priced out, so each entry's postings are
read by key (the statement's own rows, a transition table, are read as they are).

The setting belongs to the function: a later ``CREATE OR REPLACE FUNCTION
contributions_entries_balance`` must say ``SET enable_seqscan = off`` again (the test
``test_the_balance_check_reads_each_entry_by_key_whatever_the_statistics`` fails otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contributions", "0018_debts_inserted_in_key_order")]

    operations = [
        migrations.RunSQL(
            "ALTER FUNCTION contributions_entries_balance() SET enable_seqscan = off",
            "ALTER FUNCTION contributions_entries_balance() RESET enable_seqscan",
        )
    ]
