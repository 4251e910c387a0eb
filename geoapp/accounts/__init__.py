"""Accounts: who may do what (users), and the stored, audited work on accounts (service)."""
