"""The dashboard's data (数据大屏): one JSON document, every figure computed by the database
and scoped to the user.  The mixes, rankings and leaderboard reuse the reports' queries,
so the dashboard and the reports never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import and_, case, func, select

from app.domain.money import ZERO
from app.models import Application, Customer, Decision, Loan, Repayment
from app.models.enums import ApplicationState, DecisionOutcome, LoanState
from app.scoping import scope_clause

from . import sql
from .base import LOANS, count_if, group_labels, in_range, money, money_sum, ratio
from .definitions import APPROVED, applications
from .filters import Filters, month_start
from .risk import BUCKET_LABELS, BUCKETS, OUTSTANDING
from .snapshots import overdue_trend

TOP = 10
CONTRACTED = (ApplicationState.CONTRACTED, ApplicationState.DISBURSED, ApplicationState.REPAYING,
              ApplicationState.SETTLED, ApplicationState.OVERDUE, ApplicationState.WRITTEN_OFF)
DISBURSED = CONTRACTED[1:]


def _scoped(stmt, model):
    clause = scope_clause(model)
    return stmt if clause is None else stmt.where(clause)


def _text(value) -> str | None:
    return None if value is None else str(value)


def activity(end: dt.date) -> tuple[dict, dict]:
    """Applications, approvals, disbursements and collections of ``end`` and of its month
    so far: one query per table, the day counted inside the month's aggregate."""
    month = Filters(date_from=month_start(end), date_to=end)
    day_start, _ = sql.utc_bounds(end, end)
    applied = sql.reader().execute(_scoped(
        select(func.count(), count_if(Application.created_at >= day_start))
        .select_from(Application)
        .where(*in_range(Application.created_at, month, timestamp=True)), Application)).one()
    approved = sql.reader().execute(_scoped(
        select(func.count(), count_if(Decision.decided_at >= day_start)).select_from(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(Decision.outcome == DecisionOutcome.APPROVE,
               *in_range(Decision.decided_at, month, timestamp=True)), Application)).one()
    amount = func.coalesce(Loan.disbursed_amount, Loan.principal)
    lent = sql.reader().execute(_scoped(
        select(func.count(), count_if(Loan.disbursed_on == end), money_sum(amount),
               money_sum(case((Loan.disbursed_on == end, amount), else_=0)))
        .select_from(Loan).where(Loan.state != LoanState.PENDING,
                                 *in_range(Loan.disbursed_on, month)), Loan)).one()
    collected = sql.reader().execute(LOANS.restrict_rows(
        select(money_sum(Repayment.amount),
               money_sum(case((Repayment.paid_on == end, Repayment.amount), else_=0)))
        .select_from(Repayment).where(*in_range(Repayment.paid_on, month)), month,
        Repayment.loan_id)).one()

    def figures(day: int):  # column 0: the month, 1: the day (amounts: 2 and 3)
        return {"applications": applied[day], "approvals": approved[day],
                "disbursements": lent[day], "disbursed_amount": _text(money(lent[2 + day])),
                "collections": _text(money(collected[day]))}

    return figures(1), figures(0)


def funnel(filters: Filters) -> list[dict]:
    """Leads taken in, and how far the applications created in the range have got."""
    leads = sql.reader().scalar(_scoped(
        select(func.count()).select_from(Customer)
        .where(*in_range(Customer.created_at, filters, timestamp=True)), Customer))
    row = sql.reader().execute(_scoped(select(
        func.count(), func.count(Application.submitted_at),
        func.coalesce(func.sum(case((Application.state.in_(APPROVED), 1), else_=0)), 0),
        func.coalesce(func.sum(case((Application.state.in_(CONTRACTED), 1), else_=0)), 0),
        func.coalesce(func.sum(case((Application.state.in_(DISBURSED), 1), else_=0)), 0),
    ).where(*in_range(Application.created_at, filters, timestamp=True)), Application)).one()
    stages = [("leads", gettext("Customers taken in")), ("applications", gettext("Applications")),
              ("submitted", gettext("Submitted")), ("approved", gettext("Approved")),
              ("contracted", gettext("Contracted")), ("disbursed", gettext("Disbursed"))]
    counts = [leads, *row]
    return [{"stage": code, "label": label, "count": int(n or 0)}
            for (code, label), n in zip(stages, counts, strict=True)]


def trend(end: dt.date) -> list[dict]:
    """Twelve months to ``end``: the amount disbursed, and the overdue rate of the book at
    each month end (overdue principal / outstanding principal, from the month's snapshot)."""
    first = month_start(end, 11)
    months = [f"{month_start(end, back):%Y-%m}" for back in range(11, -1, -1)]
    span = Filters(date_from=first, date_to=end)
    # By day (no date formatting per row; on PostgreSQL read from the index alone), summed
    # into months here: at most 366 rows.
    disbursed: dict[str, Decimal] = {}
    for day, amount in sql.reader().execute(_scoped(
            select(Loan.disbursed_on, money_sum(func.coalesce(Loan.disbursed_amount,
                                                               Loan.principal)))
            .where(Loan.state != LoanState.PENDING, *in_range(Loan.disbursed_on, span)), Loan)
            .group_by(Loan.disbursed_on)):
        month = f"{day:%Y-%m}"
        disbursed[month] = disbursed.get(month, ZERO) + money(amount)
    book = overdue_trend(months)
    rows = []
    for month in months:
        outstanding, overdue = book.get(month, (None, None))
        rows.append({"month": month,
                     "disbursed_amount": _text(disbursed.get(month, ZERO)),
                     "outstanding": _text(outstanding), "overdue_principal": _text(overdue),
                     "overdue_rate": _text(ratio(overdue, outstanding))
                     if outstanding is not None else None})
    return rows


def breakdown(filters: Filters) -> dict[str, list[dict]]:
    """The range's loans by product, funder, salesperson and channel from one GROUP BY
    (a few hundred groups), summed up per dimension here."""
    amount = func.coalesce(Loan.disbursed_amount, Loan.principal)
    stmt = LOANS.restrict(select(Loan.product_id, Loan.funder_id, Loan.owner_id,
                                 Loan.channel_id, func.count(), money_sum(amount))
                          .where(Loan.state != LoanState.PENDING,
                                 *in_range(Loan.disbursed_on, filters)),
                          filters)
    stmt = stmt.group_by(Loan.product_id, Loan.funder_id, Loan.owner_id, Loan.channel_id)
    sums: dict[str, dict] = {k: {} for k in ("product", "funder", "staff", "channel")}
    for product, funder, owner, channel, count, total in sql.reader().execute(stmt):
        for dim, key in (("product", product), ("funder", funder), ("staff", owner),
                         ("channel", channel)):
            n, amount_sum = sums[dim].get(key, (0, ZERO))
            sums[dim][key] = (n + count, amount_sum + money(total))
    out = {}
    for dim, groups in sums.items():
        names = group_labels(dim, list(groups))
        rows = [{"key": k, "name": str(names[k]), "loans": n, "amount": total}
                for k, (n, total) in groups.items()]
        rows.sort(key=lambda r: (-r["amount"], -r["loans"], r["name"]))
        out[dim] = rows
    return out


def _shown(rows: list[dict]) -> list[dict]:
    return [{"name": r["name"], "loans": r["loans"], "amount": _text(r["amount"])} for r in rows]


def channel_ranking(filters: Filters, lent: list[dict]) -> list[dict]:
    taken = {r["key"]: r for r in applications(replace(filters, group="channel")).rows}
    lent_by = {r["key"]: r for r in lent}
    rows = []
    for key in set(taken) | set(lent_by):
        name = taken[key]["group"] if key in taken else lent_by[key]["name"]
        rows.append({"name": str(name), "applications": taken.get(key, {}).get("applications", 0),
                     "approval_rate": _text(taken.get(key, {}).get("approval_rate")),
                     "loans": lent_by.get(key, {}).get("loans", 0),
                     "amount": _text(lent_by.get(key, {}).get("amount", ZERO))})
    rows.sort(key=lambda r: (-Decimal(r["amount"]), -r["applications"], r["name"]))
    return rows[:TOP]


def buckets() -> list[dict]:
    """Today's outstanding book by delinquency bucket (current loans included for scale)."""
    when = [(and_(Loan.days_past_due >= low, Loan.days_past_due <= high) if high
             else Loan.days_past_due >= low, name) for name, low, high in BUCKETS]
    bucket = case(*when, else_="current")
    counts = {name: (n, money(p)) for name, n, p in sql.reader().execute(_scoped(
        select(bucket, func.count(), money_sum(Loan.outstanding_principal))
        .where(Loan.state.in_(OUTSTANDING)), Loan).group_by(bucket))}
    labels = {"current": gettext("Not overdue"), **{k: str(v) for k, v in BUCKET_LABELS.items()}}
    return [{"bucket": name, "label": labels[name], "loans": counts.get(name, (0, 0))[0],
             "principal": _text(counts.get(name, (0, ZERO))[1])}
            for name in ["current", *[b[0] for b in BUCKETS]]]


def dashboard_data(filters: Filters) -> dict:
    end = filters.date_to
    start = filters.date_from or month_start(end)
    ranged = replace(filters, date_from=start)
    today, month = activity(end)
    parts = breakdown(ranged)
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "today": today,
        "month": month,
        "funnel": funnel(ranged),
        "trend": trend(end),
        "products": _shown(parts["product"]),
        "funders": _shown(parts["funder"]),
        "channels": channel_ranking(ranged, parts["channel"]),
        "buckets": buckets(),
        "leaderboard": _shown([r for r in parts["staff"] if r["key"] is not None][:TOP]),
    }
