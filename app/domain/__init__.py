"""LoanDesk domain logic: plain Python, no Flask.

Errors carry untranslated msgids plus parameters so the web layer can translate them per request
and the JSON API can report them per field.
"""

from __future__ import annotations

from typing import Any

Params = dict[str, Any]
FieldErrors = dict[str, list[tuple[str, Params]]]


class DomainError(Exception):
    """One or more business-rule violations, keyed by the API field they concern.

    ``errors`` maps field name -> list of ``(msgid, params)``; render one with
    ``gettext(msgid) % params``.
    """

    def __init__(self, errors: FieldErrors) -> None:
        if not errors:
            raise ValueError("DomainError needs at least one field error")
        self.errors: FieldErrors = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__(str(self))

    @classmethod
    def single(cls, field: str, msgid: str, **params: Any) -> DomainError:
        return cls({field: [(msgid, params)]})

    def messages(self) -> dict[str, list[str]]:
        """English rendering per field (logs, tests, the CLI)."""
        return {
            field: [msgid % params if params else msgid for msgid, params in msgs]
            for field, msgs in self.errors.items()
        }

    def __str__(self) -> str:
        return "; ".join(
            f"{field}: {text}" for field, texts in self.messages().items() for text in texts
        )


class ErrorCollector:
    """Accumulates field errors so validation can report all of them at once."""

    def __init__(self) -> None:
        self.errors: FieldErrors = {}

    def add(self, field: str, msgid: str, /, **params: Any) -> None:
        # Positional-only: a message may have a %(field)s (or %(msgid)s) parameter of its own.
        self.errors.setdefault(field, []).append((msgid, params))

    def has(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(self.errors)


__all__ = ["DomainError", "ErrorCollector", "FieldErrors", "Params"]
