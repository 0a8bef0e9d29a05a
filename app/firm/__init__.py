"""The firm's own configuration: settings, the LPR table, repayment methods offered."""
