"""What other apps may import from ``simis.documents``. Import from here only."""

__all__: list[str] = []
