"""The audit log: every change is written with who, the old and the new values (masked
where they are sensitive), creations with the new record's id, role and permission changes,
reassignments with the new owner; nobody can change or delete an entry; the auditor reads
and exports it."""

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditLog, Customer, Staff
from tests.security.test_sensitive_fields import _own_customer, management_fields


def test_changes_are_audited_with_old_and_new_values_masked(app, client, auth):
    pk, _, phone = _own_customer(app)
    auth.login("sales1")
    with app.app_context():
        c = db.session.get(Customer, pk)
        data = {"kind": c.kind, "name": c.name, "status": c.status,
                "credit_report_status": c.credit_report_status, "phone": "13711112222",
                "city": "宁德", "social_insurance_months": "0", "housing_fund_months": "0",
                "overdue_count_24m": "0", "inquiries_6m": "0", "existing_loans": "0",
                **management_fields(c)}
    client.post(f"/customerview/edit/{pk}", data=data)
    with app.app_context():
        entry = db.session.query(AuditLog).filter_by(action="update", entity="customer",
                                                     record_id=str(pk)).order_by(
            AuditLog.id.desc()).first()
        assert entry.username == "sales1"
        assert entry.changes["city"][1] == "宁德"
        assert entry.changes["phone"] == [phone[:3] + "****" + phone[-4:], "137****2222"]
        assert "13711112222" not in str(entry.changes)


def test_nobody_can_change_the_audit_log(app, client, auth):
    auth.login("admin")
    with app.app_context():
        pk = db.session.query(AuditLog.id).first()[0]
    assert client.get(f"/auditlogview/edit/{pk}").status_code == 404
    assert client.post(f"/auditlogview/delete/{pk}").status_code == 404
    assert client.get("/api/v1/auditlog/").status_code == 404
    with app.app_context(), pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_log SET purpose = 'x' WHERE id = :i"),
                           {"i": pk})
    with app.app_context(), pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": pk})


def test_role_changes_are_audited(app, client, auth):
    auth.login("admin")
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Auditor")
        keep = [p.id for p in role.permissions]
        role_id = role.id
    drop = keep[0]
    client.post(f"/roles/edit/{role_id}", data={"name": "Auditor",
                                                "permissions": [str(i) for i in keep[1:]]})
    with app.app_context():
        entry = db.session.query(AuditLog).filter_by(action="permission", entity="ab_role"
                                                     ).order_by(AuditLog.id.desc()).first()
        assert entry is not None and entry.changes["permissions"]["removed"]
        from seed.roles import sync_roles

        sync_roles()  # put the default role back
    assert drop


def test_auditor_reads_and_exports_the_audit_log(client, auth):
    auth.login("auditor")
    assert client.get("/auditlogview/list/").status_code == 200
    assert client.get("/auditlogview/csv?purpose=季度审计").status_code == 200
    assert client.post("/customerview/add", data={"name": "x"}).status_code == 403


def test_creations_are_audited_with_the_new_record_id(app, client, auth):
    """The id is assigned by the flush: the creation entry carries it, so filtering the
    log by the record shows its creation."""
    from app.models import Contact

    customer_id, *_ = _own_customer(app)
    with app.app_context():
        last = db.session.scalar(select(func.max(AuditLog.id)))
    auth.login("sales1")
    assert client.post("/contactview/add", data={
        "customer": str(customer_id), "name": "审计联系人", "relation": "同事",
        "phone": "13900002222"}).status_code == 302
    with app.app_context():
        contact_id = db.session.query(Contact.id).filter_by(name="审计联系人").scalar()
        # (SQLite may give a deleted contact's id again: only this test's entries count.)
        entry = db.session.scalars(select(AuditLog).where(
            AuditLog.id > last, AuditLog.action == "create", AuditLog.entity == "contact",
            AuditLog.record_id == str(contact_id))).one()
        assert entry.username == "sales1" and entry.changes["name"] == "审计联系人"


def test_a_reassignment_is_audited_with_the_new_owner(app, client, auth):
    """The form sets the owner through the relationship (owner_id only moves inside the
    flush): the trail still says owner_id old → new. A blank text field saved blank (None →
    '') is no change."""
    from app.models import Application
    from tests.ops.test_concurrent_edits import form_values

    with app.app_context():
        manager = app.appbuilder.sm.find_user(username="manager")
        branch = db.session.scalar(select(Staff.branch_id).where(Staff.user_id == manager.id))
        application = db.session.scalars(select(Application).where(
            Application.branch_id == branch, Application.state == "draft")
            .order_by(Application.id.desc())).first()
        pk, old_owner = application.id, application.owner_id
        from app.permissions import owner_candidates

        new_owner = db.session.scalars(owner_candidates().with_only_columns(Staff.id).where(
            Staff.branch_id == branch, Staff.id != old_owner,
            Staff.user_id.isnot(None)).order_by(Staff.id)).first()
        db.session.execute(text("UPDATE application SET note = NULL WHERE id = :i"),
                           {"i": pk})
        db.session.commit()
        last = db.session.scalar(select(func.max(AuditLog.id)))
    auth.login("manager")
    values = form_values(client.get(f"/applicationview/edit/{pk}").get_data(as_text=True))
    assert values["note"] == ""
    assert client.post(f"/applicationview/edit/{pk}", data={
        **values, "owner": str(new_owner)}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, pk).owner_id == new_owner
        entries = db.session.scalars(select(AuditLog).where(
            AuditLog.id > last, AuditLog.action == "update",
            AuditLog.entity == "application", AuditLog.record_id == str(pk))).all()
        assert entries and {e.username for e in entries} == {"manager"}
        changes = {k: v for e in entries for k, v in e.changes.items()}
        assert changes.get("owner_id") == [str(old_owner), str(new_owner)], changes
        assert "note" not in changes, changes


def test_a_new_users_roles_are_in_its_creation_entry(app, client, auth):
    """Roles are granted through ab_user_role, not a column of ab_user: the creation entry
    lists them; a later change lists the roles added and removed."""
    auth.login("admin")
    with app.app_context():
        sm = app.appbuilder.sm
        sales, auditor = sm.find_role("Sales").id, sm.find_role("Auditor").id
    assert client.post("/users/add", data={
        "first_name": "审", "last_name": "计新人", "username": "audit_roles_user",
        "email": "audit_roles_user@loandesk.example", "active": "y",
        "roles": [str(sales)], "password": "Audit#Roles2026",
        "conf_password": "Audit#Roles2026"}).status_code == 302
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="audit_roles_user")
        pk = user.id
        entry = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "create", AuditLog.entity == "ab_user",
            AuditLog.record_id == str(pk))).one()
        assert entry.changes["username"] == "audit_roles_user"
        assert entry.changes["roles"] == ["Sales"]
        assert entry.changes["password"] == "********"
        last = db.session.scalar(select(func.max(AuditLog.id)))
    assert client.post(f"/users/edit/{pk}", data={
        "first_name": "审", "last_name": "计新人", "username": "audit_roles_user",
        "email": "audit_roles_user@loandesk.example", "active": "y",
        "roles": [str(auditor)]}).status_code == 302
    with app.app_context():
        changes = [e.changes for e in db.session.scalars(select(AuditLog).where(
            AuditLog.id > last, AuditLog.entity == "ab_user",
            AuditLog.record_id == str(pk)))]
        assert {"roles": {"added": ["Auditor"], "removed": ["Sales"]}} in changes, changes
