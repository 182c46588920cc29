"""Number formats for Arabic pages. Amounts print as Saudi bills, bank statements and GOSI's own
documents print them: a point before the halalas (Django's Arabic default is a comma, so
2000.00 SAR read "2000,00" on one page and "2000.00" on the next)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
