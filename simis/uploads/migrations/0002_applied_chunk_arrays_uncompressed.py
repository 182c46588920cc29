"""The id arrays of applied rows are stored out of line without compression: PostgreSQL's
built-in compressor took about 0.3 s for the 400,000 ids of a 100,000-row file — at the end of
the apply, while everything else waits — for half the space (a few MB per such file)."""

from django.db import migrations

COLUMNS = ("row_numbers", "person_ids", "engagement_ids", "wage_ids")


def _storage(mode: str) -> str:
    return "; ".join(
        f"ALTER TABLE uploads_uploadappliedchunk ALTER COLUMN {column} SET STORAGE {mode}"
        for column in COLUMNS
    )


class Migration(migrations.Migration):
    dependencies = [("uploads", "0001_uploads_rows_progress")]

    operations = [migrations.RunSQL(sql=_storage("EXTERNAL"), reverse_sql=_storage("EXTENDED"))]
