"""Field labels live with their columns (app/models/labels.py): each reader — the screens,
the API's field errors, the audit trail in words — names a field as its model does."""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import User
from flask_babel import force_locale

from app.audit import readable_changes
from app.models import AuditLog, Customer, Installment, Loan, Staff
from app.models.labels import label_of, labels_of


def test_a_label_comes_from_the_column_the_relationship_the_property_then_the_shared_table(
        ctx):
    with force_locale("en"):
        assert str(label_of(Loan, "principal")) == "Principal"  # info on the column
        assert str(label_of(Loan, "customer")) == "Customer"  # info on the relationship
        assert str(label_of(Loan, "owner")) == "Owner"  # on OwnedMixin's relationship
        assert str(label_of(Installment, "total_due")) == "Total due"  # __labels__
        assert str(label_of(Loan, "id")) == "ID"  # the shared table
        assert str(label_of(User, "first_name")) == "Given name"  # FAB's table: shared
        assert str(label_of(Staff, "title")) == "Job title"
        assert label_of(Loan, "owner_id") is None  # a foreign key has no label of its own
        assert label_of(Loan, "no_such_field", "no_such_field") == "no_such_field"
        assert label_of(None, "name") is not None and label_of(None, "principal") is None
    with force_locale("zh_CN"):
        assert str(label_of(Customer, "monthly_income")) == "月收入"


def test_a_screen_is_given_every_label_of_its_model(ctx):
    labels = labels_of(Installment)
    with force_locale("en"):
        assert str(labels["paid_principal"]) == "Principal paid"
        assert str(labels["loan"]) == "Loan"
        assert str(labels["still_owed"]) == "Still owed"
    assert "max_dpd" not in labels and "loan_id" not in labels  # left to FAB's defaults


def test_the_audit_trail_names_each_change_by_its_records_labels(ctx):
    entry = AuditLog(action="update", entity="customer", changes={
        "monthly_income": ["8000.00", "9500.00"], "owner_id": [None, None],
        "fields": ["id_number", "phone"]})
    with force_locale("en"):
        assert readable_changes(entry).splitlines() == [
            "Monthly income：8000.00 → 9500.00", "Owner：— → —", "Fields：ID number、Phone"]
    # Keys the app writes that are no field of the record: its own words; a report's
    # export names its filters (no table behind "Report").
    moved = AuditLog(action="transition", entity="loan", changes={
        "from": "pending", "to": "active", "amount": "1000.00", "reversal": 3})
    report = AuditLog(action="export", entity="Report", changes={"branch": "1", "dpd": "30"})
    with force_locale("zh_CN"):
        lines = readable_changes(moved).splitlines()
        assert lines[0].startswith("从：") and lines[2] == "金额：1000.00"
        assert lines[3] == "reversal：3"  # unnamed keys stay as written, never guessed
        assert readable_changes(report).splitlines()[0] == "分公司：1"


def test_the_api_names_a_missing_related_record_by_its_label(client, auth):
    token = auth.token("admin")
    response = client.post("/api/v1/applications/", headers={
        "Authorization": f"Bearer {token}", "Accept-Language": "en"}, json={
        "customer": 999999, "product": 1, "amount": "50000", "months": 12,
        "purpose": "装修"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["message"]["customer"] == [
        "The selected Customer does not exist."]


def test_the_audit_entry_page_shows_its_changes_in_words(app, client, auth):
    from app.extensions import db

    with app.app_context():
        entry = AuditLog(action="update", entity="customer", record_id="1", changes={
            "monthly_income": ["8000.00", "9500.00"]})
        db.session.add(entry)
        db.session.commit()
        pk = entry.id
    auth.login("admin")
    html = client.get(f"/auditlogview/show/{pk}").get_data(as_text=True)
    assert "变更内容" in html and "月收入：8000.00 → 9500.00" in html
