"""A contract's life: draft → issued (frozen PDF) → signed → settled, or void on the way."""

from __future__ import annotations

from app.domain import DomainError
from app.domain.i18n import N_

CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"issued", "void"}),
    "issued": frozenset({"signed", "void"}),
    "signed": frozenset({"settled", "void"}),
    "settled": frozenset(),
    "void": frozenset(),
}


def check_contract_transition(current: str, target: str) -> None:
    if target not in CONTRACT_TRANSITIONS.get(current, frozenset()):
        raise DomainError.single("to", N_("A contract in state %(current)s cannot become "
                                          "%(to)s."), current=current, to=target)
