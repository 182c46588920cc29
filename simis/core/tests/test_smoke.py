import pytest
from django.db import connection


@pytest.mark.django_db
def test_runs_on_postgresql_with_contrib_extensions():
    """The embedded server is a real PostgreSQL with the contrib extensions rules need."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cur.execute("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")
        assert cur.fetchone() == ("btree_gist",)
