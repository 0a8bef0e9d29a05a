"""Customers: their records, contacts, follow-ups, consents and documents, the identity
checks, and the public pool (公海) of unowned customers."""
