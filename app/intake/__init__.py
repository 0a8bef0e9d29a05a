"""Intake to decision: applications, scoring, matching, assignment, the review and its moves."""
