"""Intake to decision over the API and the screens: score, match, assign, decide."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Application,
    Branch,
    CreditAssessment,
    Decision,
    LoanProduct,
    ScoreBin,
    Scorecard,
    Staff,
)
from seed.scorecard import FACTORS
from tests.factories import PRODUCT, new_customer, new_staff


def _headers(auth, username):
    return {"Authorization": f"Bearer {auth.token(username)}"}


def _staff(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return db.session.query(Staff).filter_by(user_id=user.id).one().id


def _under_review_of(app, reviewer="reviewer"):
    with app.app_context():
        return db.session.query(Application.id).filter_by(
            state="under_review", reviewer_id=_staff(app, reviewer)).order_by(
            Application.id).first()[0]


def expected_points(customer, today):
    """The default scorecard applied by hand: [lower, upper) bins of seed/scorecard.py."""
    age = None
    if customer.birth_date:
        b = customer.birth_date
        age = today.year - b.year - ((today.month, today.day) < (b.month, b.day))
    dti = None
    if customer.monthly_income and customer.monthly_debt_payment is not None:
        dti = (customer.monthly_debt_payment / customer.monthly_income).quantize(
            Decimal("0.0001"))
    values = {"age": age, "monthly_income": customer.monthly_income, "debt_to_income": dti,
              "years_employed": customer.years_employed,
              "has_property": int(customer.has_property), "has_car": int(customer.has_car),
              "social_insurance_months": customer.social_insurance_months,
              "housing_fund_months": customer.housing_fund_months,
              "overdue_count_24m": customer.overdue_count_24m,
              "inquiries_6m": customer.inquiries_6m, "existing_loans": customer.existing_loans,
              "business_age_years": customer.business_age_years
              if customer.kind == "enterprise" else None}
    points = {}
    for code, _name, bins in FACTORS:
        v = values[code]
        points[code] = 0 if v is None else next(
            p for lo, hi, p, _r in bins if (lo is None or v >= lo) and (hi is None or v < hi))
    return points


def test_score_explains_itself_with_hand_computed_points(app, client, auth):
    pk = _under_review_of(app)
    body = client.post(f"/api/v1/applications/{pk}/score",
                       headers=_headers(auth, "reviewer")).get_json()
    with app.app_context():
        customer = db.session.get(Application, pk).customer
        points = expected_points(customer, dt.date.today())
        active = db.session.query(Scorecard).filter_by(active=True).one().version
    assert {f["factor"]: f["points"] for f in body["factors"]} == points
    assert body["score"] == 600 + sum(points.values())
    assert body["scorecard_version"] == active
    assert body["recommendation"] in ("approve", "review", "reject")
    assert all(f["reason"] for f in body["factors"] if f["value"] is not None)


def test_editing_a_bin_makes_a_new_version_and_leaves_old_scores_alone(app, client, auth):
    pk = _under_review_of(app)
    with app.app_context():
        old = db.session.query(CreditAssessment).filter_by(application_id=pk).order_by(
            CreditAssessment.id).first()
        old_id, old_score, old_version = old.id, old.score, old.scorecard.version
        old_points = sorted((f.factor_code, f.points) for f in old.factors)
        card = db.session.query(Scorecard).filter_by(active=True).one()
        bin_ = next(b for f in card.factors if f.code == "has_property" for b in f.bins
                    if b.points == 30)
        bin_id, card_id = bin_.id, card.id
        owns_property = db.session.get(Application, pk).customer.has_property
    auth.login("admin")
    form = {"factor": "", "lower_bound": "1", "upper_bound": "", "points": "50",
            "reason": "有房产"}
    with app.app_context():
        form["factor"] = str(db.session.get(ScoreBin, bin_id).factor_id)
    assert client.post(f"/scorebinview/edit/{bin_id}", data=form).status_code == 302
    body = client.post(f"/api/v1/applications/{pk}/score",
                       headers=_headers(auth, "reviewer")).get_json()
    with app.app_context():
        assert db.session.get(ScoreBin, bin_id).points == 30  # the old card is untouched
        assert db.session.get(Scorecard, card_id).active is False
        again = db.session.get(CreditAssessment, old_id)
        assert (again.score, again.scorecard.version) == (old_score, old_version)
        assert sorted((f.factor_code, f.points) for f in again.factors) == old_points
        new_card = db.session.query(Scorecard).filter_by(active=True).one()
    assert body["scorecard_version"] == new_card.version > old_version
    property_points = {f["factor"]: f["points"] for f in body["factors"]}["has_property"]
    assert property_points == (50 if owns_property else 0)
    # Put the default back (as a newer version again), for the tests that follow.
    with app.app_context():
        new_card = db.session.query(Scorecard).filter_by(active=True).one()
        new_bin = next(b for f in new_card.factors if f.code == "has_property"
                       for b in f.bins if b.points == 50)
        form["factor"] = str(new_bin.factor_id)
        new_bin_id = new_bin.id
    form["points"] = "30"
    client.post(f"/scorebinview/edit/{new_bin_id}", data=form)


def test_matches_rank_eligible_products_by_annualized_rate(app, client, auth):
    pk = _under_review_of(app)
    body = client.get(f"/api/v1/applications/{pk}/matches",
                      headers=_headers(auth, "reviewer")).get_json()
    products = body["products"]
    assert len(products) == 6
    eligible = [p for p in products if p["eligible"]]
    aprs = [Decimal(p["apr"]) for p in eligible]
    assert aprs == sorted(aprs)
    assert all(p["reasons"] for p in products if not p["eligible"])
    assert products[: len(eligible)] == eligible  # eligible first


def _new_draft(app, client, auth, username="sales1", amount="100000.00", months=12):
    """A draft made through the API, of a customer whose checklist is complete."""
    with app.app_context():
        customer = new_customer(username, consent=True, id_card=True,
                                monthly_income=Decimal(20000),
                                monthly_debt_payment=Decimal(2000))
        customer_id = customer.id
        product_id = db.session.scalar(select(LoanProduct.id).filter_by(code=PRODUCT))
    response = client.post("/api/v1/applications/", headers=_headers(auth, username), json={
        "customer": customer_id, "product": product_id, "amount": amount, "months": months,
        "method": "equal_installment", "purpose": "装修"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _move(client, auth, username, pk, **body):
    return client.post(f"/api/v1/applications/{pk}/transition",
                       headers=_headers(auth, username), json=body)


def test_a_whole_review_from_draft_to_approval(app, client, auth):
    pk = _new_draft(app, client, auth)
    response = _move(client, auth, "sales1", pk, to="submitted")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "under_review"
    with app.app_context():
        application = db.session.get(Application, pk)
        assert application.reviewer_id == _staff(app, "reviewer")
        assert application.assessments
    # A salesperson cannot decide: not allowed (403), the reason said.
    forbidden = _move(client, auth, "sales1", pk, to="approved", annual_rate="0.06")
    assert forbidden.status_code == 403
    assert forbidden.get_json()["message"] == "您无权将进件变更为“审批通过”。"
    # Above the cap (12%): refused beside the rate (422), nothing changes.
    refused = _move(client, auth, "reviewer", pk, to="approved", annual_rate="0.15")
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == [
        "annual_rate"]
    with app.app_context():
        assert db.session.get(Application, pk).state == "under_review"
    ok = _move(client, auth, "reviewer", pk, to="approved", annual_rate="0.06",
               conditions="提供银行流水")
    assert ok.status_code == 200 and ok.get_json()["state"] == "approved"
    with app.app_context():
        decision = db.session.query(Decision).filter_by(application_id=pk).one()
        assert (decision.outcome, decision.approved_rate, decision.approved_amount) == (
            "approve", Decimal("0.060000"), Decimal("100000.00"))


def test_reject_needs_a_reason_and_return_needs_a_note(app, client, auth):
    pk = _new_draft(app, client, auth)
    _move(client, auth, "sales1", pk, to="submitted")
    no_reason = _move(client, auth, "reviewer", pk, to="rejected")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"] == {"reason_code": ["请选择拒绝原因。"]}
    no_note = _move(client, auth, "reviewer", pk, to="draft")
    assert no_note.status_code == 422 and list(no_note.get_json()["errors"]) == ["note"]
    assert _move(client, auth, "reviewer", pk, to="draft", note="缺收入证明").status_code == 200
    assert _move(client, auth, "sales1", pk, to="submitted").status_code == 200
    response = _move(client, auth, "reviewer", pk, to="rejected", reason_code="high_dti")
    assert response.get_json()["state"] == "rejected"
    # rejected is final
    assert _move(client, auth, "sales1", pk, to="submitted").status_code == 409


def test_illegal_moves_are_409_with_the_reason(app, client, auth):
    pk = _new_draft(app, client, auth)
    response = _move(client, auth, "sales1", pk, to="disbursed")
    assert response.status_code == 409 and response.get_json()["message"]
    assert _move(client, auth, "sales1", pk, to="nonsense").status_code == 409
    with app.app_context():
        assert db.session.get(Application, pk).state == "draft"


def test_one_application_in_progress_per_customer(app, client, auth):
    pk = _new_draft(app, client, auth)
    with app.app_context():
        first = db.session.get(Application, pk)
        customer_id, product_id, number = first.customer_id, first.product_id, first.number
    response = client.post("/api/v1/applications/", headers=_headers(auth, "sales1"), json={
        "customer": customer_id, "product": product_id, "amount": "50000.00", "months": 12,
        "purpose": "再次申请"})
    assert response.status_code == 422 and number in str(response.get_json()["message"])
    with app.app_context():  # even past the Python check, the database holds
        db.session.add(Application(number="AP-RACE-1", customer_id=customer_id,
                                   amount=Decimal(1000), months=12, purpose="x",
                                   state="submitted"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_blacklisted_customers_are_refused_at_intake(app, client, auth):
    with app.app_context():
        customer = new_customer("sales1", status="blacklisted", blacklist_reason="提供虚假材料")
        customer_id, reason = customer.id, customer.blacklist_reason
    response = client.post("/api/v1/applications/", headers=_headers(auth, "sales1"), json={
        "customer": customer_id, "amount": "50000.00", "months": 12, "purpose": "x"})
    assert response.status_code == 422 and reason in str(response.get_json()["message"])


def test_assignment_goes_to_the_reviewer_with_fewest_open_reviews(app, client, auth):
    """In a branch of its own (a salesperson, three reviewers): the demo branch keeps its
    one reviewer, whom the other tests expect to be assigned."""
    with app.app_context():
        branch = Branch(code="QZ", name="泉州分部", city="泉州")
        new_staff("sales_qz", "Sales", branch, "蔡明辉")
        ids = {name: new_staff(name, "Reviewer", branch, full_name).id
               for name, full_name in (("reviewer_a", "许审甲"), ("reviewer_b", "许审乙"),
                                       ("reviewer_c", "许审丙"))}

    def open_load():
        with app.app_context():
            return {n: db.session.query(Application).filter(
                Application.reviewer_id == i,
                Application.state.in_(("submitted", "scoring", "under_review"))).count()
                for n, i in ids.items()}

    for _ in range(4):
        before = open_load()
        pk = _new_draft(app, client, auth, "sales_qz")
        moved = _move(client, auth, "sales_qz", pk, to="submitted")
        assert moved.status_code == 200, moved.get_json()
        with app.app_context():
            chosen = db.session.get(Application, pk).reviewer_id
        assert before[next(n for n, i in ids.items() if i == chosen)] == min(before.values())
    load = open_load()
    assert sorted(load.values()) == [1, 1, 2]  # four drafts, each to the least loaded


def test_the_review_panel_shows_the_explanation(app, client, auth):
    pk = _under_review_of(app)
    auth.login("reviewer")
    html = client.get(f"/applicationview/show/{pk}").get_data(as_text=True)
    assert 'id="score-factors"' in html and 'id="product-matches"' in html
    assert 'id="approve-form"' in html
    auth.logout()
    auth.login("auditor")
    html = client.get(f"/applicationview/show/{pk}").get_data(as_text=True)
    assert 'id="approve-form"' not in html and 'id="score-factors"' in html
