"""The manager's weekly reports, each one a few GROUP BY queries (see ``base``).

applications, rejections, loans, repayments, risk, vintage, income, commissions — each a
``Report`` in ``REPORTS``: its title, columns, default date range and a ``run(filters)``
returning a ``Table``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, union_all

from app.intake.transitions import REJECT_REASONS
from app.loans import business_today
from app.models import (
    Application,
    Commission,
    Decision,
    Installment,
    Loan,
    Repayment,
    ServiceFee,
)

from . import sql
from .base import (
    Column,
    Source,
    Table,
    grouped,
    in_range,
    labelled,
    local_day,
    merge,
    money,
    money_sum,
    ratio,
)
from .filters import Filters

APPROVED = ("approved", "contracted", "disbursed", "repaying", "settled", "overdue",
            "written_off")
OUTSTANDING = ("active", "overdue")
UNPAID = ("due", "partial", "overdue", "written_off")
VINTAGE_MONTHS = 12
BUCKETS = (("b1_30", 1, 30), ("b31_60", 31, 60), ("b61_90", 61, 90), ("b90", 91, None))
BUCKET_LABELS = {"b1_30": _l("1–30 days"), "b31_60": _l("31–60 days"),
                 "b61_90": _l("61–90 days"), "b90": _l("Over 90 days")}

APPS, LOANS = Source(Application), Source(Loan)


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class Report:
    name: str
    title: object
    description: object
    date_label: object
    columns: list[Column]
    run: Callable[[Filters], Table]
    default_range: str = "month"  # month, year or all
    groups: bool = True  # False: the report has its own fixed rows


# --- applications -------------------------------------------------------------------------

def applications(f: Filters) -> Table:
    decided = Application.state.in_(APPROVED + ("rejected",))
    timed = and_(decided, Application.decided_at.is_not(None),
                 Application.submitted_at.is_not(None))
    hours = sql.hours_between(Application.submitted_at, Application.decided_at)
    key = APPS.key(f, local_day(Application.created_at, f))
    stmt = APPS.restrict(select(
        key, func.count().label("applications"),
        func.count(Application.submitted_at).label("submitted"),
        count_if(Application.state.in_(APPROVED)).label("approved"),
        count_if(Application.state == "rejected").label("rejected"),
        func.coalesce(func.sum(case((timed, hours), else_=0)), 0).label("hours_sum"),
        count_if(timed).label("timed"),
    ).select_from(Application).where(*in_range(Application.created_at, f, timestamp=True)), f)
    measures = {k: {**v, "hours_sum": Decimal(str(v["hours_sum"] or 0))}
                for k, v in grouped(stmt, key).items()}

    def derive(row):
        decided_count = row["approved"] + row["rejected"]
        return {"decided": decided_count, "approval_rate": ratio(row["approved"], decided_count),
                "avg_hours": ratio(row["hours_sum"], row["timed"], Decimal("0.1"))}

    rows, totals = labelled(f.group, measures, derive, ["applications", "submitted",
                            "approved", "rejected", "hours_sum", "timed"])
    return Table(APPLICATION_COLUMNS, rows, totals)


APPLICATION_COLUMNS = [
    Column("applications", _l("Applications"), "count"),
    Column("submitted", _l("Submitted"), "count"),
    Column("decided", _l("Decided"), "count"),
    Column("approved", _l("Approved"), "count"),
    Column("rejected", _l("Rejected"), "count"),
    Column("approval_rate", _l("Approval rate"), "rate"),
    Column("avg_hours", _l("Average hours from submission to decision"), "hours"),
]


def rejections(f: Filters) -> Table:
    reason = Decision.reason_code
    stmt = APPS.restrict(select(reason, func.count(func.distinct(Application.id)).label("count"))
                         .select_from(Application)
                         .join(Decision, and_(Decision.application_id == Application.id,
                                              Decision.outcome == "reject"))
                         .where(Application.state == "rejected",
                                *in_range(Application.created_at, f, timestamp=True)), f)
    counts = {k: v["count"] for k, v in grouped(stmt, reason).items()}
    total = sum(counts.values())
    labels = {**REJECT_REASONS, "hard_rule": _l("Failed a hard rule (automatic)")}
    rows = [{"key": k, "group": labels.get(k, k or _l("Not set")), "count": n,
             "share": ratio(n, total)} for k, n in counts.items()]
    rows.sort(key=lambda r: (-r["count"], str(r["key"])))
    return Table(REJECTION_COLUMNS, rows,
                 {"key": None, "group": _l("Total"), "count": total,
                  "share": ratio(total, total)})


REJECTION_COLUMNS = [Column("count", _l("Rejected applications"), "count"),
                     Column("share", _l("Share of rejections"), "rate")]


# --- loans ---------------------------------------------------------------------------------

def loans(f: Filters) -> Table:
    key = LOANS.key(f, Loan.disbursed_on)
    stmt = LOANS.restrict(select(
        key, func.count().label("loans"),
        money_sum(func.coalesce(Loan.disbursed_amount, Loan.principal)).label("disbursed"),
        money_sum(Loan.outstanding_principal).label("outstanding"),
        func.coalesce(func.sum(Loan.annual_rate), 0).label("rate_sum"),
        func.coalesce(func.sum(Loan.apr), 0).label("apr_sum"),
        func.count(Loan.apr).label("apr_count"),
        func.coalesce(func.sum(Loan.annual_rate * Loan.principal), 0).label("weighted"),
        money_sum(Loan.principal).label("principal"),
    ).select_from(Loan).where(Loan.disbursed_on.is_not(None), Loan.state != "pending",
                              *in_range(Loan.disbursed_on, f)), f)
    measures = {k: {"loans": v["loans"], "disbursed": money(v["disbursed"]),
                    "outstanding": money(v["outstanding"]), "principal": money(v["principal"]),
                    "rate_sum": Decimal(str(v["rate_sum"])), "apr_sum": Decimal(str(v["apr_sum"])),
                    "apr_count": v["apr_count"], "weighted": Decimal(str(v["weighted"]))}
                for k, v in grouped(stmt, key).items()}

    def derive(row):
        return {"avg_rate": ratio(row["rate_sum"], row["loans"], Decimal("0.000001")),
                "avg_apr": ratio(row["apr_sum"], row["apr_count"], Decimal("0.000001")),
                "weighted_rate": ratio(row["weighted"], row["principal"], Decimal("0.000001"))}

    rows, totals = labelled(f.group, measures, derive, ["loans", "disbursed", "outstanding",
                            "principal", "rate_sum", "apr_sum", "apr_count", "weighted"])
    return Table(LOAN_COLUMNS, rows, totals)


LOAN_COLUMNS = [
    Column("loans", _l("Loans disbursed"), "count"),
    Column("disbursed", _l("Amount disbursed"), "money"),
    Column("outstanding", _l("Outstanding principal"), "money"),
    Column("avg_rate", _l("Average rate"), "rate"),
    Column("weighted_rate", _l("Amount-weighted rate"), "rate"),
    Column("avg_apr", _l("Average annualized rate (IRR)"), "rate"),
]


# --- repayments ------------------------------------------------------------------------------

def repayments(f: Filters) -> Table:
    key = LOANS.key(f, Installment.due_date)
    due = LOANS.restrict(select(
        key, func.count().label("installments"),
        money_sum(Installment.principal + Installment.interest + Installment.fee).label("due"),
        money_sum(Installment.paid_principal + Installment.paid_interest
                  + Installment.paid_fee).label("collected"),
        money_sum(case((and_(Installment.paid_on.is_not(None),
                             Installment.paid_on <= Installment.due_date),
                        Installment.principal + Installment.interest + Installment.fee),
                       else_=0)).label("on_time"),
    ).select_from(Installment).join(Loan, Loan.id == Installment.loan_id)
        .where(Installment.state != "cancelled", *in_range(Installment.due_date, f)), f)
    paid_key = LOANS.key(f, Repayment.paid_on)
    received = LOANS.restrict(select(paid_key, money_sum(Repayment.amount).label("received"))
                              .select_from(Repayment).join(Loan, Loan.id == Repayment.loan_id)
                              .where(*in_range(Repayment.paid_on, f)), f)
    last_due = (select(func.max(Installment.due_date))
                .where(Installment.loan_id == Loan.id, Installment.state != "cancelled")
                .correlate(Loan).scalar_subquery())
    settled_key = LOANS.key(f, Loan.settled_on)
    early = LOANS.restrict(select(settled_key, func.count().label("early"))
                           .select_from(Loan)
                           .where(Loan.state == "settled", Loan.settled_on < last_due,
                                  *in_range(Loan.settled_on, f)), f)
    measures = merge(
        {k: {"installments": v["installments"], "due": money(v["due"]),
             "collected": money(v["collected"]), "on_time": money(v["on_time"])}
         for k, v in grouped(due, key).items()},
        {k: {"received": money(v["received"])} for k, v in grouped(received, paid_key).items()},
        {k: {"early": v["early"]} for k, v in grouped(early, settled_key).items()})
    for values in measures.values():
        for name in ("due", "collected", "on_time", "received"):
            values.setdefault(name, Decimal("0.00"))
        values.setdefault("installments", 0)
        values.setdefault("early", 0)

    def derive(row):
        return {"collection_rate": ratio(row["collected"], row["due"]),
                "on_time_rate": ratio(row["on_time"], row["due"]),
                "unpaid": row["due"] - row["collected"]}

    rows, totals = labelled(f.group, measures, derive, ["installments", "due", "collected",
                            "on_time", "received", "early"])
    return Table(REPAYMENT_COLUMNS, rows, totals)


REPAYMENT_COLUMNS = [
    Column("installments", _l("Installments due"), "count"),
    Column("due", _l("Amount due"), "money"),
    Column("collected", _l("Collected"), "money"),
    Column("unpaid", _l("Not yet collected"), "money"),
    Column("collection_rate", _l("Collection rate"), "rate"),
    Column("on_time_rate", _l("Paid by the due date"), "rate"),
    Column("received", _l("Money received"), "money"),
    Column("early", _l("Early settlements"), "count"),
]


# --- risk ------------------------------------------------------------------------------------

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
                          .where(Installment.state == "overdue", Loan.state.in_(OUTSTANDING),
                                 *in_range(Loan.disbursed_on, f)), f)
    names = [name for name, _low, _high in BUCKETS]
    measures = merge(
        {k: {"loans": v["loans"], "outstanding": money(v["outstanding"]),
             "overdue_loans": v["overdue_loans"], **{n: money(v[n]) for n in names}}
         for k, v in grouped(book, key).items()},
        {k: {"overdue_amount": money(v["overdue_amount"])}
         for k, v in grouped(late, key).items()})
    for values in measures.values():
        values.setdefault("overdue_amount", Decimal("0.00"))

    def derive(row):
        overdue = sum((row[n] for n in names), Decimal("0.00"))
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
    # ``max_dpd``; those still unpaid that long after their due date, by state and due date.
    late = union_all(
        select(Installment.loan_id, Installment.due_date)
        .where(Installment.max_dpd >= f.dpd, Installment.state != "cancelled"),
        select(Installment.loan_id, Installment.due_date)
        .where(Installment.state.in_(UNPAID),
               Installment.due_date <= today - dt.timedelta(days=f.dpd))).subquery()
    first_late = (select(late.c.loan_id, func.min(late.c.due_date).label("due"))
                  .group_by(late.c.loan_id).subquery())
    inner = LOANS.restrict(select(Loan.principal, Loan.disbursed_on,
                                  first_late.c.due.label("first_late"))
                           .select_from(Loan)
                           .outerjoin(first_late, first_late.c.loan_id == Loan.id)
                           .where(Loan.disbursed_on.is_not(None), Loan.state != "pending",
                                  *in_range(Loan.disbursed_on, f)), f).subquery()
    cohort = sql.period(inner.c.disbursed_on, "month")
    went_late = sql.months_between(inner.c.disbursed_on, sql.plus_days(inner.c.first_late,
                                                                       f.dpd))
    stmt = (select(cohort, went_late, func.count().label("loans"),
                   money_sum(inner.c.principal).label("principal"))
            .group_by(cohort, went_late))
    cohorts: dict[str, dict] = {}
    for month, late_mob, count, principal in sql.reader().execute(stmt):
        entry = cohorts.setdefault(month, {"loans": 0, "principal": Decimal("0.00"), "late": {}})
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
        late = Decimal("0.00")
        for mob in range(VINTAGE_MONTHS + 1):
            late += entry["late"].get(mob, Decimal("0.00"))
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

def income(f: Filters) -> Table:
    def fees(date_column, amount, *, timestamp=False, extra=()):
        day = local_day(date_column, f) if timestamp else date_column
        key = APPS.key(f, day)
        stmt = APPS.restrict(select(key, func.count().label("n"),
                                    money_sum(amount).label("amount"))
                             .select_from(ServiceFee)
                             .join(Application, Application.id == ServiceFee.application_id)
                             .where(*extra, *in_range(date_column, f, timestamp=timestamp)), f)
        return grouped(stmt, key)

    charged = fees(ServiceFee.created_at, ServiceFee.amount, timestamp=True)
    received = fees(ServiceFee.received_on, ServiceFee.amount)
    refunded = fees(ServiceFee.refunded_on, func.coalesce(ServiceFee.refund_amount, 0))
    measures = merge(
        {k: {"fees": v["n"], "charged": money(v["amount"])} for k, v in charged.items()},
        {k: {"received": money(v["amount"])} for k, v in received.items()},
        {k: {"refunds": v["n"], "refunded": money(v["amount"])} for k, v in refunded.items()})
    for values in measures.values():
        for name in ("charged", "received", "refunded"):
            values.setdefault(name, Decimal("0.00"))
        values.setdefault("fees", 0)
        values.setdefault("refunds", 0)

    def derive(row):
        return {"net": row["received"] - row["refunded"]}

    rows, totals = labelled(f.group, measures, derive,
                            ["fees", "charged", "received", "refunds", "refunded"])
    return Table(INCOME_COLUMNS, rows, totals)


INCOME_COLUMNS = [
    Column("fees", _l("Fees charged"), "count"),
    Column("charged", _l("Amount charged"), "money"),
    Column("received", _l("Received"), "money"),
    Column("refunds", _l("Refunds"), "count"),
    Column("refunded", _l("Refunded"), "money"),
    Column("net", _l("Net fee income"), "money"),
]


def commissions(f: Filters) -> Table:
    def sums(condition, *extra):
        stmt = LOANS.restrict(select(Commission.channel_id, Commission.staff_id,
                                     money_sum(Commission.amount).label("amount"))
                              .select_from(Commission).join(Loan, Loan.id == Commission.loan_id)
                              .where(condition, *extra), f)
        stmt = stmt.group_by(Commission.channel_id, Commission.staff_id)
        return {(r[0], r[1]): money(r[2]) for r in sql.reader().execute(stmt)}

    start_ok = in_range(Commission.created_at, f, timestamp=True)[0]  # made by the end date
    owed = sums(Commission.state.in_(("pending", "payable")), start_ok)
    paid = sums(Commission.state == "paid", *in_range(Commission.paid_on, f))
    clawed = sums(Commission.state == "clawed_back", *in_range(Commission.clawed_back_on, f))
    payees = set(owed) | set(paid) | set(clawed)
    from .base import group_labels

    channels = group_labels("channel", [c for c, _s in payees if c is not None])
    staff = group_labels("staff", [s for c, s in payees if c is None and s is not None])
    rows = []
    for channel_id, staff_id in payees:
        kind = _l("Channel") if channel_id is not None else _l("Staff")
        name = channels[channel_id] if channel_id is not None else staff[staff_id]
        zero = Decimal("0.00")
        rows.append({"key": f"channel-{channel_id}" if channel_id else f"staff-{staff_id}",
                     "group": name, "payee_kind": kind,
                     "owed": owed.get((channel_id, staff_id), zero),
                     "paid": paid.get((channel_id, staff_id), zero),
                     "clawed_back": clawed.get((channel_id, staff_id), zero)})
    rows.sort(key=lambda r: (str(r["payee_kind"]), str(r["group"])))
    totals = {"key": None, "group": _l("Total"), "payee_kind": "",
              **{n: sum((r[n] for r in rows), Decimal("0.00"))
                 for n in ("owed", "paid", "clawed_back")}}
    return Table(COMMISSION_COLUMNS, rows, totals)


COMMISSION_COLUMNS = [
    Column("payee_kind", _l("Payee"), "text"),
    Column("owed", _l("Owed (not yet paid)"), "money"),
    Column("paid", _l("Paid in the period"), "money"),
    Column("clawed_back", _l("Clawed back in the period"), "money"),
]


REPORTS: dict[str, Report] = {r.name: r for r in [
    Report("applications", _l("Applications"),
           _l("Applications taken in, decided and approved, and how long decisions take."),
           _l("Created"), APPLICATION_COLUMNS, applications),
    Report("rejections", _l("Rejection reasons"),
           _l("Why applications were rejected."), _l("Created"), REJECTION_COLUMNS,
           rejections, groups=False),
    Report("loans", _l("Disbursement report"),
           _l("Loans disbursed, their amounts, outstanding principal and rates."),
           _l("Disbursed"), LOAN_COLUMNS, loans),
    Report("repayments", _l("Repayments"),
           _l("Installments due against money collected, and early settlements."),
           _l("Due"), REPAYMENT_COLUMNS, repayments),
    Report("risk", _l("Risk and overdue"),
           _l("The outstanding book today: overdue amounts, delinquency buckets and PAR30."),
           _l("Disbursed"), RISK_COLUMNS, risk, default_range="all"),
    Report("vintage", _l("Vintage curves"),
           _l("Share of each month's disbursed principal ever overdue, by months on book."),
           _l("Disbursed"), VINTAGE_COLUMNS, vintage, default_range="year", groups=False),
    Report("income", _l("Service fee income"),
           _l("Service fees charged, received and refunded."), _l("Period"), INCOME_COLUMNS,
           income),
    Report("commissions", _l("Commissions"),
           _l("Commissions owed to and paid to channels and staff."), _l("Period"),
           COMMISSION_COLUMNS, commissions, groups=False),
]}
