"""Maintenance jobs of the web-service surface (thin: each calls one service)."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from simis.api import services

logger = logging.getLogger("simis.api")


@app.periodic(cron="17 * * * *")
@app.task(queue="maintenance")
def api_records_purge(timestamp: int) -> None:
    """Hourly: forget idempotency keys older than 24 hours and nonces past their lifetime."""
    keys = services.idempotency_purge()
    nonces = services.nonce_purge()
    logger.info("purged %d idempotency records and %d nonces", keys, nonces)
