"""Who may see and change what: logins, permissions, scoping, sensitive fields and the
audit log, state locks, hostile input."""
