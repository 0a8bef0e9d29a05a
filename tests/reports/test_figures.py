"""Reports and the dashboard: every figure against the same figure worked out here, in
Python, from the rows themselves — for the whole firm (admin) and for a manager's branch.

The report code groups in SQL; these tests load the (small) demo tables into Python and
count and add up by hand, so a wrong JOIN, filter, period or scope shows as a mismatch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.loans import business_today
from app.models import (
    Application,
    Channel,
    Commission,
    Customer,
    Decision,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
    ServiceFee,
    Staff,
)

ALL_TIME = {"from": ""}  # an empty start: from the beginning
APPROVED = {"approved", "contracted", "disbursed", "repaying", "settled", "overdue",
            "written_off"}
CENT = Decimal("0.01")


def q4(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def share(a, b) -> Decimal | None:
    return q4(Decimal(a) / Decimal(b)) if b else None


def local_date(app, stamp: dt.datetime) -> dt.date:
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    return stamp.replace(tzinfo=dt.UTC).astimezone(zone).date()


def staff_branch(app, username: str) -> int:
    user = app.appbuilder.sm.find_user(username=username)
    return db.session.scalar(select(Staff.branch_id).where(Staff.user_id == user.id))


def fetch(client, auth, name, username="admin", **args):
    headers = {"Authorization": f"Bearer {auth.token(username)}"}
    response = client.get(f"/api/v1/reports/{name}", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_key(body) -> dict:
    return {row["key"]: row for row in body["rows"]}


def money(text) -> Decimal:
    return Decimal(text)


# --- applications ---------------------------------------------------------------------------

def expected_applications(app, branch=None, key=lambda a: a.branch_id):
    groups = defaultdict(lambda: {"applications": 0, "submitted": 0, "approved": 0,
                                  "rejected": 0, "hours": []})
    for a in db.session.scalars(select(Application)):
        if branch is not None and a.branch_id != branch:
            continue
        g = groups[key(a)]
        g["applications"] += 1
        g["submitted"] += a.submitted_at is not None
        g["approved"] += a.state in APPROVED
        g["rejected"] += a.state == "rejected"
        if (a.state in APPROVED or a.state == "rejected") and a.submitted_at and a.decided_at:
            g["hours"].append(Decimal((a.decided_at - a.submitted_at).total_seconds()) / 3600)
    return groups


def check_applications(body, expected):
    rows = by_key(body)
    assert set(rows) == set(expected)
    for k, e in expected.items():
        row = rows[k]
        assert row["applications"] == e["applications"]
        assert row["submitted"] == e["submitted"]
        assert row["approved"] == e["approved"]
        assert row["rejected"] == e["rejected"]
        assert q4(row["approval_rate"]) == share(e["approved"], e["approved"] + e["rejected"])
        if e["hours"]:
            mean = sum(e["hours"]) / len(e["hours"])
            assert abs(Decimal(row["avg_hours"]) - mean) <= Decimal("0.05")
        else:
            assert row["avg_hours"] is None


def test_applications_by_branch_whole_firm(app, client, auth):
    body = fetch(client, auth, "applications", group="branch", **ALL_TIME)
    with app.app_context():
        expected = expected_applications(app)
    check_applications(body, expected)
    assert body["totals"]["applications"] == sum(e["applications"] for e in expected.values())


def test_applications_scoped_to_the_managers_branch(app, client, auth):
    body = fetch(client, auth, "applications", username="manager", group="staff", **ALL_TIME)
    with app.app_context():
        branch = staff_branch(app, "manager")
        expected = expected_applications(app, branch, key=lambda a: a.owner_id)
        everyone = db.session.scalar(select(db.func.count()).select_from(Application))
    check_applications(body, expected)
    assert body["totals"]["applications"] < everyone  # the other branch is left out


def test_applications_by_month_use_the_firms_calendar(app, client, auth):
    body = fetch(client, auth, "applications", group="month", **ALL_TIME)
    with app.app_context():
        expected = expected_applications(
            app, key=lambda a: f"{local_date(app, a.created_at):%Y-%m}")
    check_applications(body, expected)


def test_applications_date_range_and_funder_filter(app, client, auth):
    with app.app_context():
        today = business_today()
        start = today - dt.timedelta(days=20)
        product = db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first()
        funder = product.funder_id
        products = set(db.session.scalars(select(LoanProduct.id)
                                          .where(LoanProduct.funder_id == funder)))
        expected = expected_applications(app, key=lambda a: a.product_id)
        apps = [a for a in db.session.scalars(select(Application))
                if a.product_id in products and start <= local_date(app, a.created_at) <= today]
    body = fetch(client, auth, "applications", group="product", funder=funder,
                 **{"from": start.isoformat(), "to": today.isoformat()})
    assert body["totals"]["applications"] == len(apps)
    assert set(by_key(body)) == {a.product_id for a in apps}
    assert expected  # the demo data has applications at all


# --- rejections -------------------------------------------------------------------------------

def test_rejection_reasons(app, client, auth):
    body = fetch(client, auth, "rejections", **ALL_TIME)
    with app.app_context():
        counts = defaultdict(set)
        for d in db.session.scalars(select(Decision).where(Decision.outcome == "reject")):
            if d.application.state == "rejected":
                counts[d.reason_code].add(d.application_id)
    rows = by_key(body)
    assert {k: r["count"] for k, r in rows.items()} == {k: len(v) for k, v in counts.items()}
    total = sum(len(v) for v in counts.values())
    assert body["totals"]["count"] == total > 0
    for k, row in rows.items():
        assert q4(row["share"]) == share(len(counts[k]), total)
        assert row["group"] and row["group"] != k  # a reason in words


# --- loans ------------------------------------------------------------------------------------

def disbursed_loans(branch=None):
    return [loan for loan in db.session.scalars(select(Loan))
            if loan.disbursed_on is not None and loan.state != "pending"
            and (branch is None or loan.branch_id == branch)]


@pytest.mark.parametrize("username", ["admin", "manager"])
def test_loans_by_channel(app, client, auth, username):
    body = fetch(client, auth, "loans", username=username, group="channel", **ALL_TIME)
    with app.app_context():
        branch = None if username == "admin" else staff_branch(app, username)
        groups = defaultdict(list)
        for loan in disbursed_loans(branch):
            groups[loan.application.channel_id if loan.application else None].append(loan)
        names = dict(db.session.execute(select(Channel.id, Channel.name)).all())
    rows = by_key(body)
    assert set(rows) == set(groups)
    for k, loans in groups.items():
        row = rows[k]
        assert row["loans"] == len(loans)
        assert money(row["disbursed"]) == sum(l.disbursed_amount or l.principal for l in loans)
        assert money(row["outstanding"]) == sum(l.outstanding_principal for l in loans)
        mean_rate = sum(l.annual_rate for l in loans) / len(loans)
        assert abs(Decimal(row["avg_rate"]) - mean_rate) < Decimal("0.000001")
        weighted = sum(l.annual_rate * l.principal for l in loans) / sum(l.principal
                                                                         for l in loans)
        assert abs(Decimal(row["weighted_rate"]) - weighted) < Decimal("0.000001")
        aprs = [l.apr for l in loans if l.apr is not None]
        if aprs:
            assert abs(Decimal(row["avg_apr"]) - sum(aprs) / len(aprs)) < Decimal("0.000001")
        if k is not None:
            assert row["group"] == names[k]


def test_loans_by_week_start_on_monday(app, client, auth):
    body = fetch(client, auth, "loans", group="week", **ALL_TIME)
    with app.app_context():
        weeks = defaultdict(int)
        for loan in disbursed_loans():
            monday = loan.disbursed_on - dt.timedelta(days=loan.disbursed_on.weekday())
            weeks[monday.isoformat()] += 1
    assert {k: r["loans"] for k, r in by_key(body).items()} == weeks


# --- repayments -------------------------------------------------------------------------------

def test_repayments_due_collected_and_early_settlements(app, client, auth):
    body = fetch(client, auth, "repayments", group="month", **ALL_TIME)
    with app.app_context():
        today = business_today()
        due, collected, on_time = (defaultdict(Decimal) for _ in range(3))
        count = defaultdict(int)
        for i in db.session.scalars(select(Installment).where(Installment.state != "cancelled",
                                                              Installment.due_date <= today)):
            month = f"{i.due_date:%Y-%m}"
            amount = i.principal + i.interest + i.fee
            due[month] += amount
            collected[month] += i.paid_principal + i.paid_interest + i.paid_fee
            on_time[month] += amount if i.paid_on and i.paid_on <= i.due_date else 0
            count[month] += 1
        received = defaultdict(Decimal)
        for r in db.session.scalars(select(Repayment).where(Repayment.paid_on <= today)):
            received[f"{r.paid_on:%Y-%m}"] += r.amount
        early = defaultdict(int)
        for loan in db.session.scalars(select(Loan).where(Loan.state == "settled")):
            # early: paid off while two or more installments were not yet due
            later = [i for i in loan.installments
                     if i.state != "cancelled" and i.due_date > loan.settled_on]
            if len(later) >= 2 and loan.settled_on <= today:
                early[f"{loan.settled_on:%Y-%m}"] += 1
    rows = by_key(body)
    assert set(rows) == set(due) | set(received) | set(early)
    for month, row in rows.items():
        assert row["installments"] == count.get(month, 0)
        assert money(row["due"]) == due.get(month, 0)
        assert money(row["collected"]) == collected.get(month, 0)
        assert money(row["received"]) == received.get(month, 0)
        assert row["early"] == early.get(month, 0)
        assert q4(row["collection_rate"]) == share(collected.get(month, 0), due.get(month, 0))
        assert q4(row["on_time_rate"]) == share(on_time.get(month, 0), due.get(month, 0))
    assert sum(early.values()) > 0  # the demo has early settlements to count
    assert money(body["totals"]["received"]) == sum(received.values())


# --- risk and vintage --------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["admin", "manager"])
def test_risk_buckets_overdue_and_par30(app, client, auth, username):
    body = fetch(client, auth, "risk", username=username, group="product")
    with app.app_context():
        branch = None if username == "admin" else staff_branch(app, username)
        groups = defaultdict(list)
        for loan in db.session.scalars(select(Loan).where(Loan.state.in_(("active", "overdue")))):
            if branch is None or loan.branch_id == branch:
                groups[loan.product_id].append(loan)
        owed = defaultdict(Decimal)
        for i in db.session.scalars(select(Installment).where(Installment.state == "overdue")):
            loan = i.loan
            if loan.state in ("active", "overdue") and (branch is None or loan.branch_id == branch):
                owed[loan.product_id] += (i.principal + i.interest + i.fee + i.penalty
                                          - i.paid_principal - i.paid_interest - i.paid_fee
                                          - i.paid_penalty)
    rows = by_key(body)
    assert set(rows) == set(groups)
    late_somewhere = 0
    for product, loans in groups.items():
        row = rows[product]
        outstanding = sum(l.outstanding_principal for l in loans)

        def band(low, high, loans=loans):
            return sum((l.outstanding_principal for l in loans
                        if l.days_past_due >= low and (high is None or l.days_past_due <= high)),
                       Decimal("0.00"))

        assert row["loans"] == len(loans)
        assert money(row["outstanding"]) == outstanding
        assert row["overdue_loans"] == sum(1 for l in loans if l.days_past_due > 0)
        assert money(row["b1_30"]) == band(1, 30)
        assert money(row["b31_60"]) == band(31, 60)
        assert money(row["b61_90"]) == band(61, 90)
        assert money(row["b90"]) == band(91, None)
        assert money(row["overdue_principal"]) == band(1, None)
        assert money(row["overdue_amount"]) == owed.get(product, 0)
        assert q4(row["overdue_rate"]) == share(band(1, None), outstanding)
        assert q4(row["par30"]) == share(band(31, None), outstanding)
        late_somewhere += row["overdue_loans"]
    assert late_somewhere > 0


def add_months(day: dt.date, n: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + n
    return index // 12, index % 12 + 1


def test_vintage_curves(app, client, auth):
    body = fetch(client, auth, "vintage", dpd="30", **ALL_TIME)
    with app.app_context():
        today = business_today()
        cohorts = defaultdict(lambda: {"loans": 0, "principal": Decimal(0), "late": []})
        for loan in disbursed_loans():
            cohort = cohorts[f"{loan.disbursed_on:%Y-%m}"]
            cohort["loans"] += 1
            cohort["principal"] += loan.principal
            # 30 days past due on due date + 30: paid that day or later, it got there.
            went_late = [i.due_date + dt.timedelta(days=30) for i in loan.installments
                         if i.state != "cancelled" and i.due_date + dt.timedelta(days=30) <= today
                         and (i.paid_on is None or i.paid_on >= i.due_date + dt.timedelta(days=30))]
            if went_late:
                first = min(went_late)
                mob = (first.year - loan.disbursed_on.year) * 12 + first.month \
                    - loan.disbursed_on.month
                cohort["late"].append((mob, loan.principal))
    rows = by_key(body)
    assert set(rows) == set(cohorts)
    seen_late = False
    for month, cohort in cohorts.items():
        row = rows[month]
        assert row["loans"] == cohort["loans"]
        assert money(row["principal"]) == cohort["principal"]
        year, mon = (int(p) for p in month.split("-"))
        on_book = (today.year - year) * 12 + today.month - mon
        for mob in range(1, 13):
            if mob > on_book:
                assert row[f"mob{mob}"] is None
                continue
            late = sum((p for m, p in cohort["late"] if m <= mob), Decimal(0))
            assert q4(row[f"mob{mob}"]) == share(late, cohort["principal"]), (month, mob)
            seen_late |= late > 0
    assert seen_late  # the demo has loans that went 30 days late


# --- income and commissions ---------------------------------------------------------------------

@pytest.mark.parametrize("username", ["admin", "manager"])
def test_service_fee_income(app, client, auth, username):
    body = fetch(client, auth, "income", username=username, group="branch", **ALL_TIME)
    with app.app_context():
        branch = None if username == "admin" else staff_branch(app, username)
        charged, received, refunded = (defaultdict(Decimal) for _ in range(3))
        fees = defaultdict(int)
        for fee in db.session.scalars(select(ServiceFee)):
            key = fee.application.branch_id
            if branch is not None and key != branch:
                continue
            fees[key] += 1
            charged[key] += fee.amount
            if fee.received_on:
                received[key] += fee.amount
            if fee.refunded_on:
                refunded[key] += fee.refund_amount or 0
    rows = by_key(body)
    assert set(rows) == set(fees)
    for key, row in rows.items():
        assert row["fees"] == fees[key]
        assert money(row["charged"]) == charged[key]
        assert money(row["received"]) == received[key]
        assert money(row["refunded"]) == refunded[key]
        assert money(row["net"]) == received[key] - refunded[key]


def test_commissions_owed_and_paid_by_payee(app, client, auth):
    body = fetch(client, auth, "commissions", **ALL_TIME)
    with app.app_context():
        owed, paid, clawed = (defaultdict(Decimal) for _ in range(3))
        for c in db.session.scalars(select(Commission)):
            key = f"channel-{c.channel_id}" if c.channel_id else f"staff-{c.staff_id}"
            if c.state in ("pending", "payable"):
                owed[key] += c.amount
            elif c.state == "paid":
                paid[key] += c.amount
            elif c.state == "clawed_back":
                clawed[key] += c.amount
    rows = by_key(body)
    assert set(rows) == set(owed) | set(paid) | set(clawed)
    for key, row in rows.items():
        assert money(row["owed"]) == owed.get(key, 0)
        assert money(row["paid"]) == paid.get(key, 0)
        assert money(row["clawed_back"]) == clawed.get(key, 0)
    assert money(body["totals"]["owed"]) == sum(owed.values())
    assert money(body["totals"]["paid"]) == sum(paid.values())
    assert sum(owed.values()) + sum(paid.values()) + sum(clawed.values()) > 0


# --- the dashboard ------------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["admin", "manager"])
def test_dashboard_figures(app, client, auth, username):
    headers = {"Authorization": f"Bearer {auth.token(username)}"}
    with app.app_context():
        today = business_today()
        start = today.replace(day=1)
        branch = None if username == "admin" else staff_branch(app, username)

        def mine(record):
            return branch is None or record.branch_id == branch

        apps = [a for a in db.session.scalars(select(Application)) if mine(a)]
        loans = [l for l in disbursed_loans(branch)]
        month_apps = [a for a in apps if start <= local_date(app, a.created_at) <= today]
        month_loans = [l for l in loans if start <= l.disbursed_on <= today]
        approvals = [d for d in db.session.scalars(select(Decision).where(
            Decision.outcome == "approve")) if mine(d.application)
            and start <= local_date(app, d.decided_at) <= today]
        collected = sum((r.amount for r in db.session.scalars(select(Repayment))
                         if mine(r.loan) and start <= r.paid_on <= today), Decimal("0.00"))
        leads = [c for c in db.session.scalars(select(Customer))
                 if mine(c) and start <= local_date(app, c.created_at) <= today]
        book = [l for l in db.session.scalars(select(Loan).where(
            Loan.state.in_(("active", "overdue")))) if mine(l)]
        staff_amount = defaultdict(Decimal)
        for l in month_loans:
            if l.owner_id is not None:
                staff_amount[l.owner.full_name] += l.disbursed_amount or l.principal
    response = client.get("/api/v1/dashboard", headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    assert data["from"] == start.isoformat() and data["to"] == today.isoformat()
    month = data["month"]
    day = data["today"]
    assert day["applications"] == sum(1 for a in month_apps
                                      if local_date(app, a.created_at) == today)
    assert day["disbursements"] == sum(1 for l in month_loans if l.disbursed_on == today)
    assert day["approvals"] == sum(1 for d in approvals if local_date(app, d.decided_at) == today)
    assert month["applications"] == len(month_apps)
    assert month["approvals"] == len(approvals)
    assert month["disbursements"] == len(month_loans)
    assert money(month["disbursed_amount"]) == sum(l.disbursed_amount or l.principal
                                                   for l in month_loans)
    assert money(month["collections"]) == collected
    funnel = {s["stage"]: s["count"] for s in data["funnel"]}
    assert funnel["leads"] == len(leads)
    assert funnel["applications"] == len(month_apps)
    assert funnel["submitted"] == sum(1 for a in month_apps if a.submitted_at)
    assert funnel["approved"] == sum(1 for a in month_apps if a.state in APPROVED)
    buckets = {b["bucket"]: b for b in data["buckets"]}
    assert sum(b["loans"] for b in buckets.values()) == len(book)
    assert buckets["current"]["loans"] == sum(1 for l in book if l.days_past_due == 0)
    assert money(buckets["b1_30"]["principal"]) == sum(
        (l.outstanding_principal for l in book if 1 <= l.days_past_due <= 30), Decimal("0.00"))
    trend = {t["month"]: t for t in data["trend"]}
    assert len(trend) == 12 and f"{today:%Y-%m}" in trend
    assert money(trend[f"{today:%Y-%m}"]["disbursed_amount"]) == sum(
        (l.disbursed_amount or l.principal for l in month_loans), Decimal("0.00"))
    board = {r["name"]: money(r["amount"]) for r in data["leaderboard"]}
    top = sorted(staff_amount.items(), key=lambda kv: -kv[1])[:10]
    assert board == dict(top)
    products = sum(money(p["amount"]) for p in data["products"])
    assert products == sum((l.disbursed_amount or l.principal for l in month_loans),
                           Decimal("0.00"))


# --- input, permissions and exports ---------------------------------------------------------------

def test_bad_filters_are_refused_naming_the_field(client, auth):
    headers = {"Authorization": f"Bearer {auth.token('admin')}", "Accept-Language": "zh-CN"}
    response = client.get("/api/v1/reports/loans", headers=headers, query_string={
        "from": "2026-02-30", "group": "planet", "branch": "x'; DROP TABLE loan;--",
        "dpd": "7"})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"from", "group", "branch", "dpd"}
    assert "YYYY-MM-DD" in errors["from"][0] and "日期" in errors["from"][0]
    response = client.get("/api/v1/reports/loans", headers=headers,
                          query_string={"from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 400 and "from" in response.get_json()["errors"]
    response = client.get("/api/v1/dashboard", headers=headers,
                          query_string={"from": "not a date"})
    assert response.status_code == 400 and "from" in response.get_json()["errors"]
    assert client.get("/api/v1/reports/unknown", headers=headers).status_code == 404


def test_report_page_shows_errors_next_to_the_field(client, auth):
    auth.login("manager")
    page = client.get("/reports/loans/?from=2026-13-01").get_data(as_text=True)
    assert 'data-field="from"' in page and "report-table" not in page


def test_who_may_read_and_export(client, auth):
    reviewer = {"Authorization": f"Bearer {auth.token('reviewer')}"}
    assert client.get("/api/v1/reports/loans", headers=reviewer).status_code in (401, 403)
    assert client.get("/api/v1/dashboard", headers=reviewer).status_code in (401, 403)
    auth.login("reviewer")
    for url in ("/reports/", "/reports/loans/", "/reports/loans/export/csv", "/dashboard/"):
        assert client.get(url).status_code in (302, 403), url
    auth.logout()
    auth.login("sales1")
    assert client.get("/reports/loans/").status_code == 200


def test_a_salespersons_report_covers_their_own_book(app, client, auth):
    body = fetch(client, auth, "loans", username="sales1", group="staff", **ALL_TIME)
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="sales1")
        me = db.session.scalar(select(Staff.id).where(Staff.user_id == user.id))
        mine = [l for l in disbursed_loans() if l.owner_id == me]
    assert set(by_key(body)) <= {me}
    assert body["totals"]["loans"] == len(mine)


@pytest.fixture()
def formula_channel(app):
    """A channel whose name a spreadsheet would run as a formula, with one loan's
    application (and so the loan, which keeps its application's channel) pointing at it
    (restored afterwards).  The channels are set with UPDATE statements: a disbursed
    loan's application is locked against edits, and this is test data, not an edit."""
    with app.app_context():
        channel = Channel(code="EVIL", name="=HYPERLINK(\"http://evil\",\"x\")", kind="agent")
        db.session.add(channel)
        db.session.flush()
        loan = min((l for l in disbursed_loans() if l.application is not None),
                   key=lambda l: l.id)  # a demo loan: test loans have no application
        ids = (channel.id, loan.application.id, loan.application.channel_id, loan.id)
        db.session.commit()
        set_channels(ids[1], ids[3], ids[0])
    yield ids[0]
    with app.app_context():
        set_channels(ids[1], ids[3], ids[2])
        db.session.delete(db.session.get(Channel, ids[0]))
        db.session.commit()


def set_channels(application_id: int, loan_id: int, channel_id: int | None) -> None:
    db.session.execute(update(Application).where(Application.id == application_id)
                       .values(channel_id=channel_id))
    db.session.execute(update(Loan).where(Loan.id == loan_id).values(channel_id=channel_id))
    db.session.commit()


def test_csv_and_excel_exports_neutralise_formulas(app, client, auth, formula_channel):
    auth.login("admin")
    response = client.get("/reports/loans/export/csv", query_string={"group": "channel",
                                                                      **ALL_TIME})
    assert response.status_code == 200
    assert '.csv"' in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    names = [line[0] for line in lines[2:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)

    from openpyxl import load_workbook

    response = client.get("/reports/loans/export/xlsx", query_string={"group": "channel",
                                                                       **ALL_TIME})
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    evil = cells["'=HYPERLINK(\"http://evil\",\"x\")"]
    assert evil[0].data_type == "s"
    assert evil[1].value == 1  # one loan, a number
    assert isinstance(evil[2].value, (int, float, Decimal))
    assert evil[2].number_format == "#,##0.00"


def test_pdf_export_is_a_pdf_in_chinese(client, auth):
    from pypdf import PdfReader

    auth.login("manager")
    response = client.get("/reports/risk/export/pdf", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "风险" in text and "合计" in text


def test_exports_are_audited(app, client, auth):
    from app.models import AuditLog

    auth.login("manager")
    client.get("/reports/income/export/csv?group=branch")
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.entity == "Report")
                                   .order_by(AuditLog.id.desc())).first()
    assert entry.username == "manager" and entry.record_id == "income"
    assert entry.changes["format"] == "csv"


@pytest.mark.skipif(bool(__import__("os").environ.get("TEST_DATABASE_URL")),
                    reason="a file copy stands in for the replica (the SQLite pass)")
def test_reports_read_from_the_replica_when_one_is_set(app, client, auth, tmp_path):
    """REPORTS_DATABASE_URL: the reports and the dashboard read there, not the primary.
    A copy of the database, changed, stands in for the replica: its figures come back."""
    import sqlite3
    from urllib.parse import urlsplit

    from tests.conftest import copy_sqlite_database

    replica = tmp_path / "replica.sqlite"
    copy_sqlite_database(urlsplit(app.config["SQLALCHEMY_DATABASE_URI"]).path, replica)
    with sqlite3.connect(replica) as conn:
        conn.execute("UPDATE loan SET disbursed_on = '2001-01-05' WHERE disbursed_on IS NOT NULL")
    app.config["REPORTS_DATABASE_URL"] = f"sqlite:///{replica}"
    try:
        body = fetch(client, auth, "loans", group="month", **ALL_TIME)
        dashboard = client.get("/api/v1/dashboard", headers={
            "Authorization": f"Bearer {auth.token('admin')}"}).get_json()
    finally:
        app.config["REPORTS_DATABASE_URL"] = ""
    with app.app_context():
        lent = len(disbursed_loans())
    assert set(by_key(body)) == {"2001-01"} and body["totals"]["loans"] == lent
    assert dashboard["month"]["disbursements"] == 0  # nothing this month on the replica
    primary = fetch(client, auth, "loans", group="month", **ALL_TIME)
    assert "2001-01" not in by_key(primary)
