"""Intake: customers and their identity, documents, applications, the submission
checklist, review and decision."""
