"""What other apps use from the kernel. (The kernel's modules may also be imported directly:
every app depends on the kernel, and it depends on none of them.)"""

from simis.core.contribution_rates import (
    Branch,
    ContributionRates,
    NationalityClass,
    Party,
    RateLine,
    contribution_rates,
)
from simis.core.dates import (
    Calendar,
    HijriDate,
    add_hijri_years,
    add_months,
    format_gregorian,
    format_hijri,
    from_hijri,
    hijri_age,
    months_between,
    parse_date_input,
    to_hijri,
)
from simis.core.errors import ErrorCatalogue, SimisError
from simis.core.forms import DualCalendarDateField
from simis.core.identifiers import (
    GccCountry,
    IdentityKind,
    SaudiIdFormField,
    generate_national_id,
    identity_kind,
    normalise_digits,
    normalise_identifier,
    validate_gcc_id,
    validate_iqama,
    validate_national_id,
    validate_passport,
)
from simis.core.models import ParameterSet
from simis.core.money import Money, MoneyField, quantize_sar
from simis.core.parameter_table import ParameterReading, Regime
from simis.core.selectors import parameter_as_of, parameter_reader

__all__ = [
    "Branch",
    "Calendar",
    "ContributionRates",
    "DualCalendarDateField",
    "ErrorCatalogue",
    "GccCountry",
    "HijriDate",
    "IdentityKind",
    "Money",
    "MoneyField",
    "NationalityClass",
    "ParameterReading",
    "ParameterSet",
    "Party",
    "RateLine",
    "Regime",
    "SaudiIdFormField",
    "SimisError",
    "add_hijri_years",
    "add_months",
    "contribution_rates",
    "format_gregorian",
    "format_hijri",
    "from_hijri",
    "generate_national_id",
    "hijri_age",
    "identity_kind",
    "months_between",
    "normalise_digits",
    "normalise_identifier",
    "parameter_as_of",
    "parameter_reader",
    "parse_date_input",
    "quantize_sar",
    "to_hijri",
    "validate_gcc_id",
    "validate_iqama",
    "validate_national_id",
    "validate_passport",
]
