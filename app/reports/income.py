"""The firm's own income: service fees charged, received and refunded; commissions owed
and paid to channels and staff."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain.money import ZERO
from app.models import Application, Commission, ServiceFee
from app.models.enums import CommissionState

from . import sql
from .base import (
    APPS,
    LOANS,
    Column,
    Table,
    group_labels,
    grouped,
    in_range,
    labelled,
    local_day,
    merge,
    money,
    money_sum,
)
from .filters import Filters


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
            values.setdefault(name, ZERO)
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
        stmt = LOANS.restrict_rows(select(Commission.channel_id, Commission.staff_id,
                                          money_sum(Commission.amount).label("amount"))
                                   .select_from(Commission).where(condition, *extra), f,
                                   Commission.loan_id)
        stmt = stmt.group_by(Commission.channel_id, Commission.staff_id)
        return {(r[0], r[1]): money(r[2]) for r in sql.reader().execute(stmt)}

    start_ok = in_range(Commission.created_at, f, timestamp=True)[0]  # made by the end date
    owed = sums(Commission.state.in_((CommissionState.PENDING, CommissionState.PAYABLE)), start_ok)
    paid = sums(Commission.state == CommissionState.PAID, *in_range(Commission.paid_on, f))
    clawed = sums(Commission.state == CommissionState.CLAWED_BACK,
                  *in_range(Commission.clawed_back_on, f))
    payees = set(owed) | set(paid) | set(clawed)

    channels = group_labels("channel", [c for c, _s in payees if c is not None])
    staff = group_labels("staff", [s for c, s in payees if c is None and s is not None])
    rows = []
    for channel_id, staff_id in payees:
        kind = _l("Channel") if channel_id is not None else _l("Staff")
        name = channels[channel_id] if channel_id is not None else staff[staff_id]
        rows.append({"key": f"channel-{channel_id}" if channel_id else f"staff-{staff_id}",
                     "group": name, "payee_kind": kind,
                     "owed": owed.get((channel_id, staff_id), ZERO),
                     "paid": paid.get((channel_id, staff_id), ZERO),
                     "clawed_back": clawed.get((channel_id, staff_id), ZERO)})
    rows.sort(key=lambda r: (str(r["payee_kind"]), str(r["group"])))
    totals = {"key": None, "group": _l("Total"), "payee_kind": "",
              **{n: sum((r[n] for r in rows), ZERO)
                 for n in ("owed", "paid", "clawed_back")}}
    return Table(COMMISSION_COLUMNS, rows, totals)


COMMISSION_COLUMNS = [
    Column("payee_kind", _l("Payee"), "text"),
    Column("owed", _l("Owed (not yet paid)"), "money"),
    Column("paid", _l("Paid in the period"), "money"),
    Column("clawed_back", _l("Clawed back in the period"), "money"),
]
