"""Bill numbers drawn by arithmetic instead of a row per digit: the function is a single
expression PostgreSQL inlines into the billing run's INSERT (the previous one unnested 13 rows
per bill). Same numbers (tested against ``bill_number_make``)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION contributions_luhn_double(digit bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN digit > 4 THEN digit * 2 - 9 ELSE digit * 2 END
$$;

CREATE OR REPLACE FUNCTION contributions_bill_number(sequence bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (1000000000000 + sequence)::text || ((10 - (
        contributions_luhn_double((1000000000000 + sequence) % 10)
        + (((1000000000000 + sequence) / 10) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 100) % 10)
        + (((1000000000000 + sequence) / 1000) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 10000) % 10)
        + (((1000000000000 + sequence) / 100000) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 1000000) % 10)
        + (((1000000000000 + sequence) / 10000000) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 100000000) % 10)
        + (((1000000000000 + sequence) / 1000000000) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 10000000000) % 10)
        + (((1000000000000 + sequence) / 100000000000) % 10)
        + contributions_luhn_double(((1000000000000 + sequence) / 1000000000000) % 10)
    ) % 10) % 10)::text
$$;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION contributions_bill_number(sequence bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT payload || ((10 - sum(
               CASE WHEN position % 2 = 1
                    THEN (digit * 2) - CASE WHEN digit * 2 > 9 THEN 9 ELSE 0 END
                    ELSE digit END) % 10) % 10)::text
      FROM (SELECT '1' || lpad(sequence::text, 12, '0') AS payload) AS number,
           LATERAL (SELECT substr(payload, 14 - position, 1)::int AS digit, position
                      FROM generate_series(1, 13) AS position) AS digits
     GROUP BY payload
$$;
DROP FUNCTION IF EXISTS contributions_luhn_double(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0007_run_billing_permission")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
