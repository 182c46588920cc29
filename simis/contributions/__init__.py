"""Contributions (CON-1, CON-2, CON-4): monthly bills computed set-based from the register, the
employer's double-entry account, late-payment penalties, instalment plans and compliance
certificates."""
