"""What other apps may import from ``simis.notifications``. Import from here only."""

__all__: list[str] = []
