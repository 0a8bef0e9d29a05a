"""Loans: quotes, disbursement, repayments and their allocation, the daily job, fees and
commissions."""
