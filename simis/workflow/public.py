"""What other apps may import from ``simis.workflow``. Import from here only."""

__all__: list[str] = []
