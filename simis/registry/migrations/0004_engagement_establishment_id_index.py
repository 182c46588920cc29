"""The worker list over every status pages by (establishment, id). Built concurrently, in a
migration of its own that runs outside a transaction, so a live register keeps taking writes."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0003_reference_data")]

    operations = [
        AddIndexConcurrently(
            model_name="engagement",
            index=models.Index(fields=["establishment", "id"], name="registry_eng_est_id_idx"),
        ),
    ]
