"""The legal interest cap: courts do not protect interest above 4 x the 1-year LPR in force
when the contract is made (SPC provisions on private lending, as amended 2020).

Licensed lenders are held to a different line by their regulator (e.g. 24 %), so a firm can
configure ``firm_cap`` to replace 4 x LPR.  The rate compared is the IRR-based APR, fees
included, because that is what the borrower pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from app.domain import DomainError
from app.domain.i18n import N_
from app.domain.money import format_rate

LPR_MULTIPLE = 4

# 1-year LPR as published by the National Interbank Funding Center, listing only the dates
# it changed (the monthly fixings in between repeated the previous value).  3.00 % from
# 2025-05-20 is still in force through 2026.  Used to seed the LPR table; the app reads the
# table, so a new fixing is a row, not a code change.
LPR_HISTORY: tuple[tuple[date, Decimal], ...] = (
    (date(2019, 8, 20), Decimal("0.0425")),
    (date(2019, 9, 20), Decimal("0.0420")),
    (date(2019, 11, 20), Decimal("0.0415")),
    (date(2020, 2, 20), Decimal("0.0405")),
    (date(2020, 4, 20), Decimal("0.0385")),
    (date(2021, 12, 20), Decimal("0.0380")),
    (date(2022, 1, 20), Decimal("0.0370")),
    (date(2022, 8, 22), Decimal("0.0365")),
    (date(2023, 6, 20), Decimal("0.0355")),
    (date(2023, 8, 21), Decimal("0.0345")),
    (date(2024, 7, 22), Decimal("0.0335")),
    (date(2024, 10, 21), Decimal("0.0310")),
    (date(2025, 5, 20), Decimal("0.0300")),
)


@dataclass(frozen=True)
class CapCheck:
    rate: Decimal  # the cap applied: 4 x lpr, or the firm's override
    lpr: Decimal | None
    lpr_date: date | None
    apr: Decimal
    exceeds: bool  # strictly above the cap; a rate exactly at the cap is protected
    source: Literal["lpr", "firm_override"]


def lpr_on(history: Iterable[tuple[date, Decimal]], day: date) -> tuple[date, Decimal] | None:
    """The latest (date, rate) on or before ``day``, or None if the history starts later."""
    best: tuple[date, Decimal] | None = None
    for entry in history:  # not assumed sorted: rows may come straight from the database
        if entry[0] <= day and (best is None or entry[0] > best[0]):
            best = entry
    return best


def legal_cap(lpr: Decimal, multiple: int = LPR_MULTIPLE) -> Decimal:
    return lpr * multiple


def check_cap(apr: Decimal, lpr: Decimal | None, lpr_date: date | None,
              firm_cap: Decimal | None = None) -> CapCheck:
    """Compare ``apr`` with the firm's cap if set, else with 4 x ``lpr``.

    Raises DomainError (field "annual_rate") when neither is known: refusing is safer than
    letting an unchecked quote through.
    """
    if firm_cap is not None:
        return CapCheck(firm_cap, lpr, lpr_date, apr, apr > firm_cap, "firm_override")
    if lpr is None:
        raise DomainError.single(
            "annual_rate", N_("No 1-year LPR is recorded for the contract date, so the legal "
                              "rate cap cannot be checked. Add the LPR first."))
    cap = legal_cap(lpr)
    return CapCheck(cap, lpr, lpr_date, apr, apr > cap, "lpr")


def cap_error(check: CapCheck) -> DomainError:
    """The refusal for a quote over the cap, naming the rate, the cap and the LPR date."""
    params = {
        "apr": format_rate(check.apr),
        "cap": format_rate(check.rate),
        "lpr": format_rate(check.lpr) if check.lpr is not None else "",
        "lpr_date": check.lpr_date.isoformat() if check.lpr_date else "",
    }
    if check.source == "firm_override":
        # The LPR is beside the point here (and may be unknown), so it is not named.
        msgid = N_("The annualized rate %(apr)s is above the firm's cap of %(cap)s.")
    else:
        msgid = N_("The annualized rate %(apr)s is above the legal cap of %(cap)s, which is "
                   "4 × the 1-year LPR %(lpr)s published on %(lpr_date)s.")
    return DomainError.single("annual_rate", msgid, **params)
