"""The dashboard's data (数据大屏): one JSON document, every figure computed by the database
and scoped to the user.  The mixes, rankings and leaderboard reuse the reports' queries,
so the dashboard and the reports never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import and_, case, func, select

from app.models import Application, Customer, Decision, Loan, Repayment
from app.scoping import scope_clause

from . import sql
from .base import in_range, money, money_sum, ratio
from .definitions import APPROVED, BUCKET_LABELS, BUCKETS, OUTSTANDING, applications, loans
from .filters import Filters, month_start
from .snapshots import overdue_trend

TOP = 10
CONTRACTED = ("contracted", "disbursed", "repaying", "settled", "overdue", "written_off")
DISBURSED = CONTRACTED[1:]


def _scoped(stmt, model):
    clause = scope_clause(model)
    return stmt if clause is None else stmt.where(clause)


def _text(value) -> str | None:
    return None if value is None else str(value)


def activity(start: dt.date, end: dt.date) -> dict:
    """Applications, approvals, disbursements and collections between two days."""
    day_filters = Filters(date_from=start, date_to=end)
    created = in_range(Application.created_at, day_filters, timestamp=True)
    applied = sql.reader().scalar(_scoped(select(func.count()).select_from(Application)
                                        .where(*created), Application))
    decided = in_range(Decision.decided_at, day_filters, timestamp=True)
    approvals = sql.reader().scalar(_scoped(
        select(func.count()).select_from(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(Decision.outcome == "approve", *decided), Application))
    count, amount = sql.reader().execute(_scoped(
        select(func.count(), money_sum(func.coalesce(Loan.disbursed_amount, Loan.principal)))
        .select_from(Loan).where(Loan.state != "pending", *in_range(Loan.disbursed_on,
                                                                    day_filters)), Loan)).one()
    collected = sql.reader().scalar(_scoped(
        select(money_sum(Repayment.amount)).select_from(Repayment)
        .join(Loan, Loan.id == Repayment.loan_id)
        .where(*in_range(Repayment.paid_on, day_filters)), Loan))
    return {"applications": applied, "approvals": approvals, "disbursements": count,
            "disbursed_amount": _text(money(amount)), "collections": _text(money(collected))}


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
    key = sql.period(Loan.disbursed_on, "month")
    disbursed = dict(sql.reader().execute(_scoped(
        select(key, money_sum(func.coalesce(Loan.disbursed_amount, Loan.principal)))
        .where(Loan.state != "pending", *in_range(Loan.disbursed_on, span)), Loan)
        .group_by(key)).all())
    book = overdue_trend(months)
    rows = []
    for month in months:
        outstanding, overdue = book.get(month, (None, None))
        rows.append({"month": month, "disbursed_amount": _text(money(disbursed.get(month))),
                     "outstanding": _text(outstanding), "overdue_principal": _text(overdue),
                     "overdue_rate": _text(ratio(overdue, outstanding))
                     if outstanding is not None else None})
    return rows


def mix(filters: Filters, group: str) -> list[dict]:
    table = loans(replace(filters, group=group))
    rows = sorted(table.rows, key=lambda r: -r["disbursed"])
    return [{"name": str(r["group"]), "loans": r["loans"], "amount": _text(r["disbursed"])}
            for r in rows]


def channel_ranking(filters: Filters) -> list[dict]:
    grouped = replace(filters, group="channel")
    taken = {r["key"]: r for r in applications(grouped).rows}
    lent = {r["key"]: r for r in loans(grouped).rows}
    rows = []
    for key in set(taken) | set(lent):
        name = (taken.get(key) or lent.get(key))["group"]
        rows.append({"name": str(name), "applications": taken.get(key, {}).get("applications", 0),
                     "approval_rate": _text(taken.get(key, {}).get("approval_rate")),
                     "loans": lent.get(key, {}).get("loans", 0),
                     "amount": _text(lent.get(key, {}).get("disbursed", Decimal("0.00")))})
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
             "principal": _text(counts.get(name, (0, Decimal("0.00")))[1])}
            for name in ["current", *[b[0] for b in BUCKETS]]]


def leaderboard(filters: Filters) -> list[dict]:
    table = loans(replace(filters, group="staff"))
    rows = sorted((r for r in table.rows if r["key"] is not None),
                  key=lambda r: (-r["disbursed"], -r["loans"]))
    return [{"name": str(r["group"]), "loans": r["loans"], "amount": _text(r["disbursed"])}
            for r in rows[:TOP]]


def dashboard_data(filters: Filters) -> dict:
    end = filters.date_to
    start = filters.date_from or month_start(end)
    ranged = replace(filters, date_from=start)
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "today": activity(end, end),
        "month": activity(month_start(end), end),
        "funnel": funnel(ranged),
        "trend": trend(end),
        "products": mix(ranged, "product"),
        "funders": mix(ranged, "funder"),
        "channels": channel_ranking(ranged),
        "buckets": buckets(),
        "leaderboard": leaderboard(ranged),
    }
