"""Intake to decision: identity checks, duplicates, scoring, matching, assignment, review."""
