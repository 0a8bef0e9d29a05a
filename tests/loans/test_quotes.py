"""The schedule-preview API and the loan calculator, against hand-worked numbers."""

import datetime as dt
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import FirmSetting, LprRate

URL = "/api/v1/schedule/preview"
BASE = {"principal": "100000.00", "annual_rate": "0.12", "months": 12,
        "start_date": "2026-01-31"}


@pytest.fixture()
def api(client, auth):
    token = auth.token("sales1")

    def post(payload, **kwargs):
        return client.post(URL, json=payload, headers={"Authorization": f"Bearer {token}"},
                           **kwargs)
    return post


def irr_float(received, payments):
    """An independent IRR (plain float bisection) to check the app's Decimal solver."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        value = sum(amount / (1 + mid) ** t for t, amount in payments)
        lo, hi = (mid, hi) if value > received else (lo, mid)
    return 12 * mid


def test_preview_needs_a_logged_in_user(client):
    assert client.post(URL, json={**BASE, "method": "bullet"}).status_code == 401


def test_equal_installment_matches_the_worked_example(api):
    body = api({**BASE, "method": "equal_installment"}).get_json()
    totals = [i["total"] for i in body["installments"]]
    # 100,000 at 1% a month over 12: A = 100000·0.01·1.01^12/(1.01^12−1) = 8,884.88
    assert totals[:11] == ["8884.88"] * 11 and totals[11] == "8884.85"
    assert body["total_interest"] == "6618.53"
    assert body["installments"][-1]["balance"] == "0.00"
    # Month-end clamping from Jan 31: Feb 28, Mar 31, Apr 30.
    assert [i["due_date"] for i in body["installments"][:3]] == [
        "2026-02-28", "2026-03-31", "2026-04-30"]
    # No fees: the annualized rate is the nominal rate.
    assert Decimal(body["apr"]) == Decimal("0.120000")
    assert body["cap"] == {"rate": "0.12", "lpr": "0.03", "lpr_date": "2025-05-20",
                           "source": "lpr", "exceeds": False}


def test_equal_principal_matches_the_worked_example(api):
    body = api({**BASE, "method": "equal_principal"}).get_json()
    first, last = body["installments"][0], body["installments"][-1]
    assert (first["principal"], first["interest"], first["total"]) == (
        "8333.33", "1000.00", "9333.33")
    assert (last["principal"], last["total"]) == ("8333.37", "8416.70")
    assert body["total_interest"] == "6500.00"


def test_interest_only_pays_principal_at_maturity(api):
    body = api({**BASE, "months": 6, "method": "interest_only"}).get_json()
    # 100,000 × 12% / 12 = 1,000.00 a month; the principal comes with the 6th.
    assert [i["total"] for i in body["installments"]] == ["1000.00"] * 5 + ["101000.00"]


def test_bullet_pays_once_at_maturity(api):
    body = api({**BASE, "method": "bullet"}).get_json()
    # 30/360: 100,000 × 12% × 360/360 = 12,000 interest, all on 2027-01-31.
    assert len(body["installments"]) == 1
    assert body["installments"][0]["total"] == "112000.00"
    assert body["installments"][0]["due_date"] == "2027-01-31"


def test_an_upfront_fee_counts_in_the_annualized_rate_and_the_cap(api):
    """12% nominal is at the cap; a 1,000 fee lifts the IRR-based rate above it."""
    response = api({**BASE, "method": "equal_installment",
                    "fees": [{"kind": "upfront", "amount": "1000.00", "deducted": True}]})
    assert response.status_code == 400
    body = response.get_json()
    payments = [(t, 8884.88) for t in range(1, 12)] + [(12, 8884.85)]
    expected = Decimal(str(irr_float(99000, payments)))  # ≈ 13.91%
    assert abs(Decimal(body["apr"]) - expected) < Decimal("0.000002")
    assert body["cap"]["exceeds"] is True


def test_rate_over_the_legal_cap_is_refused_naming_rate_cap_and_lpr_date(api):
    response = api({**BASE, "annual_rate": "0.20", "method": "equal_installment"})
    assert response.status_code == 400
    body = response.get_json()
    message = body["errors"]["annual_rate"][0]
    assert "20.00%" in message and "12.00%" in message and "2025-05-20" in message
    assert body["cap"]["exceeds"] is True


def test_the_cap_follows_the_lpr_table(app, api):
    with app.app_context():
        db.session.add(LprRate(effective_date=dt.date(2027, 6, 20),
                               one_year_rate=Decimal("0.0350")))
        db.session.commit()
    try:
        body = api({**BASE, "annual_rate": "0.13", "start_date": "2027-07-01",
                    "method": "equal_installment"}).get_json()
        assert body["cap"] == {"rate": "0.14", "lpr": "0.035", "lpr_date": "2027-06-20",
                               "source": "lpr", "exceeds": False}
    finally:
        with app.app_context():
            db.session.query(LprRate).filter_by(effective_date=dt.date(2027, 6, 20)).delete()
            db.session.commit()


def test_a_firm_cap_setting_replaces_four_times_lpr(app, api):
    def set_cap(value):
        with app.app_context():
            db.session.query(FirmSetting).filter_by(key="policy.rate_cap_override").update(
                {"value": value})
            db.session.commit()
    set_cap("0.24")
    try:
        body = api({**BASE, "annual_rate": "0.20", "method": "equal_installment"}).get_json()
        assert body["cap"]["rate"] == "0.24" and body["cap"]["source"] == "firm_override"
        assert body["cap"]["exceeds"] is False
    finally:
        set_cap("")


def test_bad_input_names_every_bad_field(api):
    response = api({"principal": "-5", "annual_rate": "abc", "months": 0, "method": "weekly",
                    "start_date": "2026-02-30", "colour": "red"})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"principal", "annual_rate", "months", "method", "start_date",
                           "colour"}


@pytest.mark.parametrize("payload", [[1, 2], "text", {"principal": {"nested": 1}}])
def test_wrongly_typed_json_is_a_400(api, payload):
    assert api(payload).status_code == 400


def test_malformed_json_is_a_400(client, auth):
    token = auth.token("sales1")
    response = client.post(URL, data="{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400


CALC = ("/calculator/?principal=100000&annual_rate_pct=12&months=12"
        "&method=equal_installment&start_date=2026-01-31")


def test_calculator_page_shows_the_schedule(client, auth):
    auth.login("sales1")
    html = client.get(CALC).get_data(as_text=True)
    assert "8,884.88" in html and "8,884.85" in html
    assert 'id="cap-ok"' in html


def test_calculator_shows_the_cap_refusal(client, auth):
    auth.login("sales1")
    html = client.get(CALC.replace("annual_rate_pct=12", "annual_rate_pct=30")).get_data(
        as_text=True)
    assert 'id="cap-refusal"' in html and "12.00%" in html


def test_calculator_shows_field_errors(client, auth):
    auth.login("sales1")
    response = client.get("/calculator/?principal=abc&annual_rate_pct=12&months=1000"
                          "&method=equal_installment&start_date=2026-02-30")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("principal", "months", "start_date"):
        assert f'data-field="{field}"' in html


def test_calculator_exports_csv_and_pdf_with_an_embedded_cjk_font(client, auth):
    auth.login("sales1")
    csv_body = client.get(CALC.replace("/calculator/?", "/calculator/csv?")).get_data(
        as_text=True)
    rows = csv_body.lstrip("\ufeff").splitlines()
    assert rows[1].startswith("1,2026-02-28,7884.88,1000.00,0.00,8884.88")
    pdf = client.get(CALC.replace("/calculator/?", "/calculator/pdf?")).data
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"WenQuanYi" in pdf  # the CJK font is embedded


def test_changing_the_firm_cap_is_written_to_the_audit_log(app, client, auth):
    from app.models import AuditLog

    auth.login("admin")
    with app.app_context():
        setting = db.session.query(FirmSetting).filter_by(key="policy.rate_cap_override").one()
        setting_id = setting.id
    response = client.post(f"/firmsettingview/edit/{setting_id}", data={"value": "0.24"})
    assert response.status_code == 302
    client.post(f"/firmsettingview/edit/{setting_id}", data={"value": ""})
    with app.app_context():
        entries = (db.session.query(AuditLog).filter_by(entity="firm_setting",
                                                         record_id=str(setting_id))
                   .order_by(AuditLog.id).all())
        # An emptied setting is stored as nothing (NULL), as every optional text is.
        assert [e.changes["value"] for e in entries[-2:]] == [["", "0.24"], ["0.24", None]]
        assert entries[-1].username == "admin"
