"""Accounts: the stored, audited work on accounts (service), and uploads and the audit log for admins (administration)."""
