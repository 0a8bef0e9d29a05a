"""The organisation: branches, teams, staff, and the audit log of what they did."""
