"""Payments (CON-3, CON-5, CH-4): the banks' bill inquiry, payment and reversal web services,
receipts, and reconciliation of the banks' statement files (camt.053, MT940)."""
