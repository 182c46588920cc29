"""The upload's codes: readable enums shared by the models, the pure parsing and the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UploadKind(models.TextChoices):
    """What a file holds (MISSION REG-7): one register operation per row."""

    NEW_CONTRIBUTORS = "new_contributors", _("New contributors")
    PERIODS = "periods", _("Contribution periods of registered contributors")
    TERMINATIONS = "terminations", _("Terminations of contribution periods")
    WAGE_CHANGES = "wage_changes", _("Wage changes")

    @property
    def slug(self) -> str:
        """The kind as it appears in template file names and marker rows."""
        return self.value.replace("_", "-")


class UploadMode(models.TextChoices):
    """What happens when some rows are refused (DESIGN: a batch applies completely or not at all,
    or — where the user chose it — applies its valid rows and reports the others)."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: apply the file only if every row is valid")
    VALID_ROWS = "valid_rows", _("Apply the valid rows and report the refused ones")


class UploadStatus(models.TextChoices):
    """received → validating → validated → applying → applied, or rejected (nothing applied:
    a refused file or, all or nothing, a refused row) or failed (an error on our side; nothing
    applied; may be tried again)."""

    RECEIVED = "received", pgettext_lazy("upload status", "Received")
    VALIDATING = "validating", pgettext_lazy("upload status", "Checking the rows")
    VALIDATED = "validated", pgettext_lazy("upload status", "Checked")
    APPLYING = "applying", pgettext_lazy("upload status", "Applying")
    APPLIED = "applied", pgettext_lazy("upload status", "Applied")
    REJECTED = "rejected", pgettext_lazy("upload status", "Rejected")
    FAILED = "failed", pgettext_lazy("upload status", "Failed")


ACTIVE_STATUSES = (
    UploadStatus.RECEIVED,
    UploadStatus.VALIDATING,
    UploadStatus.VALIDATED,
    UploadStatus.APPLYING,
)
FINAL_STATUSES = (UploadStatus.APPLIED, UploadStatus.REJECTED, UploadStatus.FAILED)


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV text (UTF-8)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


class UploadChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("Web service")


class ProgressPhase(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("upload progress", "Waiting for its turn")
    VALIDATING = "validating", pgettext_lazy("upload progress", "Checking the rows")
    APPLYING = "applying", pgettext_lazy("upload progress", "Applying the rows")
    REPORTING = "reporting", pgettext_lazy("upload progress", "Writing the report")
    DONE = "done", pgettext_lazy("upload progress", "Finished")
