"""Quotes: the loan calculator, the schedule-preview API, and the legal cap from the LPR table."""
