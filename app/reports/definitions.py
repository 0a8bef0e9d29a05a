"""The manager's weekly reports, each one a few GROUP BY queries (see ``base``).

applications, rejections, loans, repayments, risk, vintage, income, commissions — each a
``Report`` in ``REPORTS``: its title, columns, default date range and a ``run(filters)``
returning a ``Table``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from app.domain.money import ZERO
from app.intake.transitions import REJECT_REASONS
from app.models import (
    Application,
    Decision,
    Installment,
    Loan,
    Repayment,
)
from app.models.enums import ApplicationState, DecisionOutcome, InstallmentState, LoanState

from . import sql
from .base import (
    APPS,
    LOANS,
    Column,
    Table,
    count_if,
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
from .income import COMMISSION_COLUMNS, INCOME_COLUMNS, commissions, income
from .risk import RISK_COLUMNS, VINTAGE_COLUMNS, risk, vintage

APPROVED = (ApplicationState.APPROVED, ApplicationState.CONTRACTED, ApplicationState.DISBURSED,
            ApplicationState.REPAYING, ApplicationState.SETTLED, ApplicationState.OVERDUE,
            ApplicationState.WRITTEN_OFF)


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
    decided = Application.state.in_((*APPROVED, ApplicationState.REJECTED))
    timed = and_(decided, Application.decided_at.is_not(None),
                 Application.submitted_at.is_not(None))
    hours = sql.hours_between(Application.submitted_at, Application.decided_at)
    key = APPS.key(f, local_day(Application.created_at, f))
    stmt = APPS.restrict(select(
        key, func.count().label("applications"),
        func.count(Application.submitted_at).label("submitted"),
        count_if(Application.state.in_(APPROVED)).label("approved"),
        count_if(Application.state == ApplicationState.REJECTED).label("rejected"),
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
                                              Decision.outcome == DecisionOutcome.REJECT))
                         .where(Application.state == ApplicationState.REJECTED,
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
    ).select_from(Loan).where(Loan.disbursed_on.is_not(None), Loan.state != LoanState.PENDING,
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
    due = LOANS.restrict_rows(select(
        key, func.count().label("installments"),
        money_sum(Installment.principal + Installment.interest + Installment.fee).label("due"),
        money_sum(Installment.paid_principal + Installment.paid_interest
                  + Installment.paid_fee).label("collected"),
        money_sum(case((and_(Installment.paid_on.is_not(None),
                             Installment.paid_on <= Installment.due_date),
                        Installment.principal + Installment.interest + Installment.fee),
                       else_=0)).label("on_time"),
    ).select_from(Installment)
        .where(Installment.state != InstallmentState.CANCELLED,
               *in_range(Installment.due_date, f)), f,
        Installment.loan_id)
    paid_key = LOANS.key(f, Repayment.paid_on)
    received = LOANS.restrict_rows(
        select(paid_key, money_sum(Repayment.amount).label("received"))
        .select_from(Repayment).where(*in_range(Repayment.paid_on, f)), f, Repayment.loan_id)
    settled_key = LOANS.key(f, Loan.settled_on)
    early = LOANS.restrict(select(settled_key, func.count().label("early"))
                           .select_from(Loan)
                           .where(Loan.state == LoanState.SETTLED, *in_range(Loan.settled_on, f),
                                  settled_early()), f)
    measures = merge(
        {k: {"installments": v["installments"], "due": money(v["due"]),
             "collected": money(v["collected"]), "on_time": money(v["on_time"])}
         for k, v in grouped(due, key).items()},
        {k: {"received": money(v["received"])} for k, v in grouped(received, paid_key).items()},
        {k: {"early": v["early"]} for k, v in grouped(early, settled_key).items()})
    for values in measures.values():
        for name in ("due", "collected", "on_time", "received"):
            values.setdefault(name, ZERO)
        values.setdefault("installments", 0)
        values.setdefault("early", 0)

    def derive(row):
        return {"collection_rate": ratio(row["collected"], row["due"]),
                "on_time_rate": ratio(row["on_time"], row["due"]),
                "unpaid": row["due"] - row["collected"]}

    rows, totals = labelled(f.group, measures, derive, ["installments", "due", "collected",
                            "on_time", "received", "early"])
    return Table(REPAYMENT_COLUMNS, rows, totals)


def settled_early():
    """A settled loan counts as settled early when at least two of its installments were
    not yet due on the day it was settled: the loan was paid off before its current
    period's installment and more.  (Paying the last installment a few days early is not
    an early settlement.)"""
    later = (select(func.count()).select_from(Installment)
             .where(Installment.loan_id == Loan.id, Installment.state != InstallmentState.CANCELLED,
                    Installment.due_date > Loan.settled_on)
             .correlate(Loan).scalar_subquery())
    return later >= 2


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
