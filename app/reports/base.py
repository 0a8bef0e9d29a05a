"""What every report shares: columns, the scoped and filtered base of a query, the grouping
key, money sums that stay exact, and turning grouped measures into labelled rows.

A report's SQL returns additive measures (counts and sums) per group; rates and averages
are derived from those sums, for each row and for the totals alike, so a total rate is
Σ numerator / Σ denominator and never an average of rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, func, select

from app.domain.money import CENT, ZERO, round_money
from app.models import Application, Branch, Channel, Funder, Loan, LoanProduct, Staff, Team
from app.scoping import scope_clause

from . import sql
from .filters import GRAINS, ID_FIELDS, Filters

RATE = Decimal("0.0001")

GROUP_LABELS = {
    "day": _l("Day"), "week": _l("Week (from Monday)"), "month": _l("Month"),
    "branch": _l("Branch"), "team": _l("Team"), "staff": _l("Salesperson"),
    "channel": _l("Channel"), "product": _l("Product"), "funder": _l("Funder"),
}
NAMES = {"branch": (Branch, Branch.name), "team": (Team, Team.name),
         "staff": (Staff, Staff.full_name), "channel": (Channel, Channel.name),
         "product": (LoanProduct, LoanProduct.name), "funder": (Funder, Funder.name)}


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string
    kind: str  # text, count, money, rate, hours


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    notes: list = field(default_factory=list)


def money_sum(expression):
    """Σ of a money expression, exact: SQLite keeps NUMERIC as a double, so it sums fen."""
    if sql.postgres():
        return func.coalesce(func.sum(expression), 0)
    return func.coalesce(func.sum(cast(func.round(expression * 100), Integer)), 0)


def money(value) -> Decimal:
    """A money sum read back from ``money_sum``."""
    if value is None:
        return ZERO
    if sql.postgres():
        return round_money(Decimal(value))
    return (Decimal(int(value)) / 100).quantize(CENT)


def ratio(numerator, denominator, places: Decimal = RATE) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, ROUND_HALF_UP)


class Source:
    """The record a report's figures belong to (an application or a loan): its dimensions,
    the joins they need, and the user's scope."""

    def __init__(self, model) -> None:
        self.model = model

    def dimension(self, name: str):
        if self.model is Application:
            return LoanProduct.funder_id if name == "funder" else {
                "branch": Application.branch_id, "team": Application.team_id,
                "staff": Application.owner_id, "channel": Application.channel_id,
                "product": Application.product_id}[name]
        return {"branch": Loan.branch_id, "team": Loan.team_id, "staff": Loan.owner_id,
                "channel": Loan.channel_id, "product": Loan.product_id,
                "funder": Loan.funder_id}[name]

    def restrict(self, stmt, filters: Filters):
        """Join what the filters need, apply them and the user's scope."""
        if self.model is Application and (filters.group == "funder"
                                          or filters.funder is not None):
            stmt = stmt.outerjoin(LoanProduct, LoanProduct.id == Application.product_id)
        for name in ID_FIELDS:
            value = getattr(filters, name)
            if value is not None:
                stmt = stmt.where(self.dimension(name) == value)
        clause = scope_clause(self.model)
        return stmt if clause is None else stmt.where(clause)

    def restrict_rows(self, stmt, filters: Filters, loan_id):
        """``restrict`` for a loan's rows (installments, repayments, commissions): the loan
        is joined only when a dimension, a filter or the user's scope needs it, so the
        firm-wide figures by period read the rows alone."""
        assert self.model is Loan
        if (filters.group in GRAINS and scope_clause(Loan) is None
                and all(getattr(filters, name) is None for name in ID_FIELDS)):
            return stmt
        return self.restrict(stmt.join(Loan, Loan.id == loan_id), filters)

    def key(self, filters: Filters, day_column):
        """The grouping expression: a period of ``day_column`` or a dimension."""
        if filters.group in GRAINS:
            return sql.period(day_column, filters.group)
        return self.dimension(filters.group)


def in_range(column, filters: Filters, *, timestamp: bool = False) -> list:
    """Conditions keeping ``column`` within the filters' dates (a UTC timestamp or a day)."""
    if timestamp:
        start, end = sql.utc_bounds(filters.date_from or dt.date(1970, 1, 1), filters.date_to)
        conditions = [column < end]
        if filters.date_from is not None:
            conditions.append(column >= start)
        return conditions
    conditions = [column <= filters.date_to]
    if filters.date_from is not None:
        conditions.append(column >= filters.date_from)
    return conditions


def local_day(column, filters: Filters):
    """A UTC timestamp as the firm's local time, for grouping by day, week or month."""
    return sql.local_time(column, sql.utc_shift_minutes(filters.date_to))


def grouped(stmt, key) -> dict:
    """Run ``stmt`` (its first column the key) grouped by ``key``: {key: row mapping}."""
    stmt = stmt.group_by(key)
    return {row[0]: row._mapping for row in sql.reader().execute(stmt)}


def merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    return merged


def labelled(filters_group: str, measures: dict, derive: Callable[[dict], dict],
             additive: Iterable[str], order: Callable | None = None) -> tuple[list, dict]:
    """Rows with a ``group`` label, their derived columns, and a totals row."""
    keys = list(measures)
    labels = group_labels(filters_group, keys)
    rows = []
    for key in keys:
        row = {"key": key if key is None or isinstance(key, (int, str)) else str(key),
               "group": labels[key]}
        row.update({name: measures[key].get(name) for name in additive})
        row.update(derive(row))
        rows.append(row)
    if order is not None:
        rows.sort(key=order)
    elif filters_group in GRAINS:
        rows.sort(key=lambda r: r["key"] or "")
    else:
        rows.sort(key=lambda r: (r["key"] is None, str(r["group"])))
    totals = {"key": None, "group": _l("Total")}
    for name in additive:
        values = [r[name] for r in rows if r[name] is not None]
        totals[name] = sum(values) if values else (ZERO if _is_money(rows, name) else 0)
    totals.update(derive(totals))
    return rows, totals


def _is_money(rows, name) -> bool:
    return any(isinstance(r.get(name), Decimal) for r in rows)


def group_labels(group: str, keys: list) -> dict:
    if group in GRAINS:
        return {k: str(k) if k is not None else str(_l("Not set")) for k in keys}
    model, column = NAMES[group]
    ids = [k for k in keys if k is not None]
    names = dict(sql.reader().execute(select(model.id, column).where(model.id.in_(ids)))
                 .all()) if ids else {}
    return {k: names.get(k, str(_l("Not set"))) if k is not None else str(_l("Not set"))
            for k in keys}


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


APPS, LOANS = Source(Application), Source(Loan)
