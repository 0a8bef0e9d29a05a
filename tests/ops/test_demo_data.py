"""Demo data: realistic, valid, every application state, and loaded once."""

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from app.domain.validators import credit_code_error, id_number_error, mobile_error
from app.extensions import db
from app.loans import business_today
from app.models import (
    Application,
    Customer,
    Funder,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
    Staff,
)
from app.models.enums import ApplicationState
from seed.demo import DEMO_USERS


def test_demo_customers_have_valid_identities(app):
    with app.app_context():
        customers = db.session.query(Customer).all()
        assert len(customers) >= 200
        for c in customers:
            assert mobile_error(c.phone) is None, c.phone
            if c.kind == "person":
                assert id_number_error(c.id_number) is None, c.id_number
            else:
                assert credit_code_error(c.credit_code) is None, c.credit_code


def test_demo_applications_cover_every_state(app):
    with app.app_context():
        states = {s for (s,) in db.session.query(Application.state).distinct()}
    assert states == {s.value for s in ApplicationState}


def test_demo_firm_has_funders_products_and_loans_with_schedules(app):
    with app.app_context():
        assert db.session.query(Funder).count() == 3
        assert db.session.query(LoanProduct).count() == 6
        loans = db.session.query(Loan).filter(Loan.disbursed_on.isnot(None)).all()
        assert loans
        for loan in loans:
            total = sum(i.principal for i in loan.installments)
            assert total == loan.principal, loan.number  # Σ principal = P to the fen
        assert db.session.query(Repayment).count() > 0
        overdue = db.session.query(Installment).filter_by(state="overdue").count()
        assert overdue > 0


def test_every_demo_user_can_log_in(client, auth):
    for username, *_rest in DEMO_USERS:
        response = auth.login(username)
        assert response.status_code == 302 and "/login" not in response.headers["Location"]
        auth.logout()


def test_staff_profiles_link_to_logins(app):
    with app.app_context():
        sm = app.appbuilder.sm
        for username, *_rest in DEMO_USERS:
            user = sm.find_user(username=username)
            assert db.session.query(func.count(Staff.id)).filter(
                Staff.user_id == user.id).scalar() == 1, username


def test_init_twice_keeps_every_row(app, runner):
    tables = [Customer, Application, Loan, Installment, Repayment]
    with app.app_context():
        before = Counter({t.__tablename__: db.session.query(t).count() for t in tables})
    result = runner.invoke(args=["loandesk", "init"])
    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    with app.app_context():
        after = Counter({t.__tablename__: db.session.query(t).count() for t in tables})
    assert after == before


def test_demo_logins_are_printed(runner):
    result = runner.invoke(args=["loandesk", "demo-logins"])
    assert result.exit_code == 0
    for username, *_rest in DEMO_USERS:
        assert username in result.output


def test_demo_loans_show_an_annualized_rate_within_the_legal_cap(app):
    from app.models import LprRate

    with app.app_context():
        history = db.session.query(LprRate.effective_date, LprRate.one_year_rate).all()
        for loan in db.session.query(Loan).filter(Loan.number.like("LN%")):  # the demo book
            assert loan.apr is not None, loan.number
            lpr = max((h for h in history if h[0] <= loan.start_date), key=lambda h: h[0])[1]
            # the service fee is a cost of borrowing: the rate with it is above the nominal one
            assert loan.annual_rate < loan.apr <= 4 * lpr, loan.number


# --- the settled demo loans: paid as they fell due, then settled early on a past day ------------

CENT = Decimal("0.01")


def demo_book():
    return list(db.session.scalars(select(Loan).where(Loan.number.like("LN%"))
                                   .order_by(Loan.id)))


def latest_today() -> dt.date:
    # The seed dates the book by the server's date; the firm's clock (Asia/Shanghai) may be a
    # day ahead of it.  Nothing of the demo may be later than either.
    return max(dt.date.today(), business_today())


def days_30e_360(start: dt.date, end: dt.date) -> int:
    """30E/360 worked by hand: a month's last day counts as its 30th."""
    def day(d: dt.date) -> int:
        return 30 if (d + dt.timedelta(days=1)).day == 1 else min(d.day, 30)
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + day(end) - day(start)


def test_the_30e_360_count_used_below():
    assert days_30e_360(dt.date(2026, 10, 5), dt.date(2026, 10, 18)) == 13
    assert days_30e_360(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 30  # both month ends
    assert days_30e_360(dt.date(2026, 11, 20), dt.date(2027, 1, 5)) == 45


def test_nothing_in_the_demo_book_is_paid_or_settled_in_the_future(ctx):
    today = latest_today()
    book = demo_book()
    ids = [loan.id for loan in book]
    assert db.session.scalar(select(func.count()).select_from(Repayment).where(
        Repayment.loan_id.in_(ids), Repayment.paid_on > today)) == 0
    assert db.session.scalar(select(func.count()).select_from(Installment).where(
        Installment.loan_id.in_(ids), Installment.paid_on > today)) == 0
    settled = [loan for loan in book if loan.state == "settled"]
    assert len(settled) == 8  # STATE_MIX: eight settled applications
    for loan in settled:
        assert loan.settled_on is not None and loan.settled_on < today, loan.number


def test_no_demo_installment_is_paid_ahead_except_by_a_settlement(ctx):
    early = 0
    for loan in demo_book():
        payers = set()
        for row in loan.installments:
            if row.paid_on is None or row.paid_on >= row.due_date:
                continue
            # paid before it fell due: only the settlement of the loan may do that
            assert loan.state == "settled" and row.paid_on == loan.settled_on, loan.number
            payers |= set(db.session.scalars(select(Repayment.id).join(RepaymentAllocation)
                                             .where(RepaymentAllocation.installment_id == row.id,
                                                    Repayment.paid_on == loan.settled_on)))
            early += 1
        # one payoff closes them all, not one repayment per installment ahead of time
        assert len(payers) <= 1, loan.number
    assert early > 0  # the settlements closed installments not yet due
    ahead_outside = db.session.scalar(select(func.count()).select_from(Installment).join(Loan)
                                      .where(Loan.number.like("LN%"), Loan.state != "settled",
                                             Installment.state == "paid",
                                             Installment.due_date > latest_today()))
    assert ahead_outside == 0


def test_a_settled_demo_loan_pays_interest_to_the_settlement_day(ctx):
    """Installments paid on their due dates, then one payoff: the principal still owed, the
    interest on it from the last due date (or the disbursement) to that day at the loan's
    rate and day count, and the current period's fee; later interest is not charged."""
    early_settlements = 0
    for loan in (loan for loan in demo_book() if loan.state == "settled"):
        on = loan.settled_on
        rows = sorted((r for r in loan.installments if r.state != "cancelled"),
                      key=lambda r: r.n)
        *regular, payoff = sorted(loan.repayments, key=lambda r: (r.paid_on, r.id))
        before = [r for r in rows if r.due_date < on]
        later = [r for r in rows if r.due_date > on]
        assert before + later == rows, loan.number  # settled between two due dates
        assert [(r.paid_on, r.amount) for r in regular] == [
            (i.due_date, i.principal + i.interest + i.fee) for i in before], loan.number
        assert payoff.paid_on == on
        balance = loan.principal - sum((i.principal for i in before), Decimal(0))
        start = before[-1].due_date if before else loan.disbursed_on
        days = days_30e_360(start, on) if loan.day_count == "30/360" else (on - start).days
        basis = 365 if loan.day_count == "actual/365" else 360
        interest = (balance * loan.annual_rate * days / basis).quantize(CENT, ROUND_HALF_UP)
        assert payoff.amount == balance + interest + later[0].fee, loan.number
        parts = Counter()
        for a in payoff.allocations:
            parts[a.part] += a.amount
        assert parts == Counter({"principal": balance, "interest": interest,
                                 **({"fee": later[0].fee} if later[0].fee else {})})
        assert later[0].interest == interest
        assert all(r.interest == 0 and r.fee == 0 for r in later[1:]), loan.number
        assert all(r.state == "paid" and r.paid_on == on for r in later), loan.number
        assert loan.outstanding_principal == 0 and loan.customer_credit == 0
        early_settlements += bool(before) and len(later) >= 2
    assert early_settlements >= 3  # most settle after some installments, well before maturity


def test_todays_dashboard_collections_hold_no_demo_settlement(app, client, auth):
    headers = {"Authorization": f"Bearer {auth.token('admin')}"}
    response = client.get("/api/v1/dashboard", headers=headers)
    assert response.status_code == 200
    with app.app_context():
        today = business_today()
        paid_today = db.session.scalars(select(Repayment).where(Repayment.paid_on == today)
                                        ).all()
        assert not [r for r in paid_today if r.loan.number.startswith("LN")
                    and r.loan.settled_on == today]
        collected = sum((r.amount for r in paid_today), Decimal("0.00"))
    assert Decimal(response.get_json()["today"]["collections"]) == collected
