"""FAB's permission checks read the roles' permissions once per request (app/security.py):
an HTML page sends no per-menu-entry EXISTS query, and a permission taken from a role
counts from the next request on."""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import DEMO_PASSWORD


def statements_during(app, action) -> list[str]:
    from app.extensions import db

    sent: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return sent


def test_a_page_reads_the_roles_permissions_once(app, client):
    client.post("/login/", data={"username": "sales1", "password": DEMO_PASSWORD})
    client.get("/customerview/list/")  # warm-up
    sent = statements_during(app, lambda: client.get("/customerview/list/"))
    exists = [s for s in sent if s.startswith("SELECT EXISTS (SELECT 1 FROM ab_permission_view")]
    reads = [s for s in sent if "ab_permission_view_role.role_id IN" in s]
    assert not exists
    assert 1 <= len(reads) <= 2  # the roles' permissions, and FAB's menu_access lookup
    client.get("/logout/")


def test_a_permission_taken_away_counts_from_the_next_request(app):
    """Sales loses the customer list's permission between two requests (and gets it back)."""
    from app.extensions import db

    sm = app.appbuilder.sm
    client = app.test_client()
    client.post("/login/", data={"username": "sales1", "password": DEMO_PASSWORD})
    assert client.get("/customerview/list/").status_code == 200
    with app.app_context():
        role = sm.find_role("Sales")
        taken = [pvm for pvm in role.permissions if pvm.view_menu.name == "Customer"
                 and pvm.permission.name == "can_read"]
        assert taken
        names = [(pvm.permission.name, pvm.view_menu.name) for pvm in taken]
        for pvm in taken:
            sm.del_permission_role(role, pvm)
    try:
        assert client.get("/customerview/list/").status_code != 200
    finally:
        with app.app_context():
            role = sm.find_role("Sales")
            for permission, view in names:
                sm.add_permission_role(role, sm.find_permission_view_menu(permission, view))
            db.session.commit()
    assert client.get("/customerview/list/").status_code == 200
