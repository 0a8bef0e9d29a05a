"""The base of every code list: a StrEnum whose members carry their translated label.

A member is declared as ``ACTIVE = ("active", _l("Active"))``: the first item is the stored
code (what the database, the API and a comparison see — the member *is* that string), the
second what a person reads (``LoanState.ACTIVE.label``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    label: object  # a lazy translated string, set on each member

    def __new__(cls, value: str, label: object) -> Self:
        # StrEnum's own __new__ would read the label as str()'s encoding argument.
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, object]:
        return {m.value: m.label for m in cls}

    @classmethod
    def check_sql(cls, column: str) -> str:
        values = ", ".join(f"'{m.value}'" for m in cls)
        return f"{column} IN ({values})"
