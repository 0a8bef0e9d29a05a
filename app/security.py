"""LoanDesk's security manager (FAB's, with the firm's policies added by later slices)."""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager


class LoanDeskSecurityManager(SecurityManager):
    """Schema creation is Alembic's job, never FAB's ``create_all``."""

    def create_db(self) -> None:
        return None
