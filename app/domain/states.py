"""The application life cycle (ARCHITECTURE.md, "Application states"): which state may follow
which, in one table.

draft → submitted → scoring → under_review → approved | rejected | withdrawn → contracted →
disbursed → repaying → settled | overdue → written_off.  A reviewer may also return an
application for more documents (under_review → draft).  The later states follow the loan's:
a loan being repaid may be written off before it is overdue, and a repayment reversed
reopens a settled loan (settled → repaying | overdue).
"""

from __future__ import annotations

from app.domain import DomainError
from app.domain.i18n import N_

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"scoring", "withdrawn"}),
    "scoring": frozenset({"under_review", "rejected"}),
    "under_review": frozenset({"approved", "rejected", "withdrawn", "draft"}),
    "approved": frozenset({"contracted", "withdrawn"}),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
    "contracted": frozenset({"disbursed", "withdrawn"}),
    "disbursed": frozenset({"repaying"}),
    "repaying": frozenset({"settled", "overdue", "written_off"}),
    "overdue": frozenset({"repaying", "settled", "written_off"}),
    "settled": frozenset({"repaying", "overdue"}),
    "written_off": frozenset(),
}
# Still in progress: a customer has at most one such application (a partial unique index).
IN_PROGRESS_ORDER = ("draft", "submitted", "scoring", "under_review", "approved", "contracted")
IN_PROGRESS = frozenset(IN_PROGRESS_ORDER)


def check_transition(current: str, target: str) -> None:
    """Raise DomainError (field "to") unless ``current`` may move to ``target``."""
    if target not in TRANSITIONS:
        raise DomainError.single("to", N_("Unknown state %(to)s."), to=target)
    if target not in TRANSITIONS.get(current, frozenset()):
        raise DomainError.single(
            "to", N_("An application in state %(current)s cannot move to %(to)s."),
            current=current, to=target)
