"""Demo data: realistic, valid, every application state, and loaded once."""

from collections import Counter

from sqlalchemy import func

from app.domain.validators import credit_code_error, id_number_error, mobile_error
from app.extensions import db
from app.models import (
    Application,
    Customer,
    Funder,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
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
