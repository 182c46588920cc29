"""The kernel's tables: loaded versions of the effective-dated parameters ("law as data")."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simis.core.parameter_table import Regime


class DateRange(Func):
    """``daterange(valid_from, valid_to)``: half-open ``[from, to)``; a NULL end is open."""

    function = "DATERANGE"
    output_field = DateRangeField()


class ParameterSet(models.Model):
    """One loaded version of one parameter file. Never changed or deleted once written:
    calculations point at it. The newest version of a name is the one in force."""

    name = models.CharField(_("name"), max_length=64, help_text=_("The parameter file's name."))
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("SHA-256 of the file's exact text when it was loaded.")
    )
    source_path = models.CharField(_("file"), max_length=255, help_text=_("Where the file was read from."))
    source_text = models.TextField(_("file text"), help_text=_("The file as loaded, for reproducing."))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("parameter set version")
        verbose_name_plural = _("parameter set versions")
        indexes = [models.Index(fields=["name", "-id"], name="core_paramset_name_latest")]

    def __str__(self) -> str:
        return f"{self.name} v{self.pk} ({self.sha256[:12]})"


class ParameterValue(models.Model):
    """One value of one parameter, for one regime, over ``[valid_from, valid_to)``."""

    parameter_set = models.ForeignKey(
        ParameterSet, on_delete=models.PROTECT, related_name="values", verbose_name=_("parameter set version")
    )
    key = models.CharField(_("parameter"), max_length=100)
    regime = models.CharField(_("regime"), max_length=16, choices=Regime.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Exclusive; empty: open.")
    )
    value_decimal = models.DecimalField(_("number"), max_digits=20, decimal_places=6, null=True, blank=True)
    value_json = models.JSONField(_("data"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=64)
    source = models.CharField(_("source"), max_length=500)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        indexes = [
            models.Index(
                fields=["parameter_set", "key", "regime", "valid_from"], name="core_paramvalue_lookup"
            )
        ]
        constraints = [
            ExclusionConstraint(
                name="core_paramvalue_no_overlap",
                expressions=[
                    ("parameter_set", RangeOperators.EQUAL),
                    ("key", RangeOperators.EQUAL),
                    ("regime", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                name="core_paramvalue_valid_to_after_from",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="core_paramvalue_one_value",
                condition=Q(value_decimal__isnull=False, value_json__isnull=True)
                | Q(value_decimal__isnull=True, value_json__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.regime}] from {self.valid_from}"
