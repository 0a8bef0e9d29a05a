"""The risk reports: the outstanding book by delinquency bucket (overdue amounts, PAR30)
and the vintage curves."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, union_all

from app.domain.money import ZERO
from app.loans import business_today
from app.models import Installment, Loan
from app.models.enums import InstallmentState, LoanState

from . import sql
from .base import (
    LOANS,
    Column,
    Table,
    count_if,
    grouped,
    in_range,
    labelled,
    merge,
    money,
    money_sum,
    ratio,
)
from .filters import Filters

OUTSTANDING = (LoanState.ACTIVE, LoanState.OVERDUE)
UNPAID = (InstallmentState.DUE, InstallmentState.PARTIAL, InstallmentState.OVERDUE,
          InstallmentState.WRITTEN_OFF)
VINTAGE_MONTHS = 12
BUCKETS = (("b1_30", 1, 30), ("b31_60", 31, 60), ("b61_90", 61, 90), ("b90", 91, None))
BUCKET_LABELS = {"b1_30": _l("1–30 days"), "b31_60": _l("31–60 days"),
                 "b61_90": _l("61–90 days"), "b90": _l("Over 90 days")}


def _bucket_condition(low, high):
    condition = Loan.days_past_due >= low
    return condition if high is None else and_(condition, Loan.days_past_due <= high)


def risk(f: Filters) -> Table:
    key = LOANS.key(f, Loan.disbursed_on)
    bucket_sums = [money_sum(case((_bucket_condition(low, high), Loan.outstanding_principal),
                                  else_=0)).label(name) for name, low, high in BUCKETS]
    book = LOANS.restrict(select(
        key, func.count().label("loans"),
        money_sum(Loan.outstanding_principal).label("outstanding"),
        count_if(Loan.days_past_due > 0).label("overdue_loans"),
        *bucket_sums,
    ).select_from(Loan).where(Loan.state.in_(OUTSTANDING), *in_range(Loan.disbursed_on, f)), f)
    owed = (Installment.principal + Installment.interest + Installment.fee + Installment.penalty
            - Installment.paid_principal - Installment.paid_interest - Installment.paid_fee
            - Installment.paid_penalty)
    late = LOANS.restrict(select(key, money_sum(owed).label("overdue_amount"))
                          .select_from(Installment).join(Loan, Loan.id == Installment.loan_id)
                          .where(Installment.state == InstallmentState.OVERDUE,
                                 Loan.state.in_(OUTSTANDING),
                                 *in_range(Loan.disbursed_on, f)), f)
    names = [name for name, _low, _high in BUCKETS]
    measures = merge(
        {k: {"loans": v["loans"], "outstanding": money(v["outstanding"]),
             "overdue_loans": v["overdue_loans"], **{n: money(v[n]) for n in names}}
         for k, v in grouped(book, key).items()},
        {k: {"overdue_amount": money(v["overdue_amount"])}
         for k, v in grouped(late, key).items()})
    for values in measures.values():
        values.setdefault("overdue_amount", ZERO)

    def derive(row):
        overdue = sum((row[n] for n in names), ZERO)
        return {"overdue_principal": overdue,
                "overdue_rate": ratio(overdue, row["outstanding"]),
                "par30": ratio(row["b31_60"] + row["b61_90"] + row["b90"], row["outstanding"])}

    rows, totals = labelled(f.group, measures, derive,
                            ["loans", "outstanding", "overdue_loans", "overdue_amount", *names])
    return Table(RISK_COLUMNS, rows, totals)


RISK_COLUMNS = [
    Column("loans", _l("Loans outstanding"), "count"),
    Column("outstanding", _l("Outstanding principal"), "money"),
    Column("overdue_loans", _l("Overdue loans"), "count"),
    Column("overdue_principal", _l("Overdue principal"), "money"),
    Column("overdue_amount", _l("Overdue amount owed"), "money"),
    Column("overdue_rate", _l("Overdue rate"), "rate"),
    *[Column(name, BUCKET_LABELS[name], "money") for name, _low, _high in BUCKETS],
    Column("par30", _l("PAR30"), "rate"),
]


def vintage(f: Filters) -> Table:
    """Share of each disbursement month's principal that has ever been ``dpd`` days overdue,
    by months on book (cumulative: a loan counts from the month it first went that late)."""
    today = business_today()
    # An installment ``dpd`` days late got there on due date + dpd; the loan, on the earliest.
    # Two indexed reads find the few late ones: those paid (or last refreshed) that late, by
    # ``max_dpd``; those still unpaid that long after their due date, by state and due date
    # (whether or not the daily job has marked them overdue yet).
    late = union_all(
        select(Installment.loan_id, Installment.due_date)
        .where(Installment.max_dpd >= f.dpd, Installment.state != InstallmentState.CANCELLED),
        select(Installment.loan_id, Installment.due_date)
        .where(Installment.state.in_(UNPAID),
               Installment.due_date <= today - dt.timedelta(days=f.dpd))).subquery()
    first_late = (select(late.c.loan_id, func.min(late.c.due_date).label("due"))
                  .group_by(late.c.loan_id).subquery())
    inner = LOANS.restrict(select(Loan.principal, Loan.disbursed_on,
                                  first_late.c.due.label("first_late"))
                           .select_from(Loan)
                           .outerjoin(first_late, first_late.c.loan_id == Loan.id)
                           .where(Loan.disbursed_on.is_not(None), Loan.state != LoanState.PENDING,
                                  *in_range(Loan.disbursed_on, f)), f).subquery()
    cohort = sql.period(inner.c.disbursed_on, "month")
    went_late = sql.months_between(inner.c.disbursed_on, sql.plus_days(inner.c.first_late,
                                                                       f.dpd))
    stmt = (select(cohort, went_late, func.count().label("loans"),
                   money_sum(inner.c.principal).label("principal"))
            .group_by(cohort, went_late))
    cohorts: dict[str, dict] = {}
    for month, late_mob, count, principal in sql.reader().execute(stmt):
        entry = cohorts.setdefault(month, {"loans": 0, "principal": ZERO, "late": {}})
        entry["loans"] += count
        entry["principal"] += money(principal)
        if late_mob is not None:
            entry["late"][int(late_mob)] = entry["late"].get(int(late_mob), 0) + money(principal)
    rows = []
    for month in sorted(cohorts):
        entry = cohorts[month]
        year, mon = (int(p) for p in month.split("-"))
        on_book = (today.year - year) * 12 + today.month - mon
        row = {"key": month, "group": month, "loans": entry["loans"],
               "principal": entry["principal"]}
        late = ZERO
        for mob in range(VINTAGE_MONTHS + 1):
            late += entry["late"].get(mob, ZERO)
            if mob >= 1:
                row[f"mob{mob}"] = ratio(late, entry["principal"]) if mob <= on_book else None
        rows.append(row)
    return Table(VINTAGE_COLUMNS, rows, None)


VINTAGE_COLUMNS = [
    Column("loans", _l("Loans disbursed"), "count"),
    Column("principal", _l("Principal"), "money"),
    *[Column(f"mob{m}", _l("Month %(n)s", n=m), "rate") for m in range(1, VINTAGE_MONTHS + 1)],
]


# --- income ----------------------------------------------------------------------------------
