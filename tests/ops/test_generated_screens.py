"""Every generated screen: declared explicitly (Django-admin-style checks) and working for admin."""

import pytest
from flask_appbuilder import ModelView

from app.extensions import db
from app.views.base import LoanDeskModelView, ModelInterface, is_large
from app.views.fields import AjaxSelectField


def _model_views(app):
    """LoanDesk's own generated screens (FAB's user and role screens, app/org/user_screens.py,
    keep FAB's base classes)."""
    return [v for v in app.appbuilder.baseviews
            if isinstance(v, ModelView) and type(v).__module__.startswith("app.")
            and type(v).__module__ not in ("app.security", "app.org.user_screens")]


def _declared(view_class, attribute):
    """True when a LoanDesk class (not FAB) sets the attribute."""
    return any(attribute in klass.__dict__ for klass in view_class.__mro__
               if klass.__module__.startswith("app.") and klass is not LoanDeskModelView)


def test_every_view_is_a_loandesk_view_with_explicit_columns(app):
    views = _model_views(app)
    assert len(views) >= 30
    problems = []
    for view in views:
        cls = type(view)
        if not isinstance(view, LoanDeskModelView):
            problems.append(f"{cls.__name__}: not a LoanDeskModelView")
        if not isinstance(view.datamodel, ModelInterface):
            problems.append(f"{cls.__name__}: datamodel is not a ModelInterface")
        for attribute in ("list_columns", "search_columns", "base_order", "entity_plural"):
            if not _declared(cls, attribute):
                problems.append(f"{cls.__name__}: {attribute} not declared")
    assert not problems, "\n".join(problems)


def test_no_full_table_dropdown_for_large_tables(app):
    """Related fields pointing at large tables are AJAX searches, in forms and search."""
    problems = []
    for view in _model_views(app):
        mapper = view.datamodel.obj.__mapper__
        for form_name in ("add_form", "edit_form", "search_form"):
            form = getattr(view, form_name, None)
            route = form_name.removesuffix("_form")
            if form is None or route in view.exclude_route_methods:
                continue  # a form whose page is not served is never rendered
            for name, rel in mapper.relationships.items():
                if not is_large(rel.mapper.class_) or not hasattr(form, name):
                    continue
                field = getattr(form, name)
                field_class = getattr(field, "field_class", type(field))
                if form_name == "search_form" and name in (view.search_columns or []):
                    problems.append(f"{type(view).__name__}.search_columns has {name}")
                elif form_name != "search_form" and not issubclass(field_class,
                                                                   AjaxSelectField):
                    problems.append(f"{type(view).__name__}.{form_name}.{name}")
    assert not problems, problems


def _first_id(app, model):
    with app.app_context():
        row = db.session.query(model.id).order_by(model.id).first()
        return row[0] if row else None


def test_admin_opens_every_list_add_and_show_page(app, client, auth):
    assert auth.login("admin").status_code == 302
    opened = 0
    for view in _model_views(app):
        base = view.route_base
        urls = [f"{base}/list/"]
        if "add" not in view.exclude_route_methods:
            urls.append(f"{base}/add")
        pk = _first_id(app, view.datamodel.obj)
        if pk is not None:
            urls.append(f"{base}/show/{pk}")
            if "edit" not in view.exclude_route_methods:
                urls.append(f"{base}/edit/{pk}")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            opened += 1
    assert opened > 90


def test_menu_is_chinese_by_default(client, auth):
    auth.login("admin")
    html = client.get("/customerview/list/").get_data(as_text=True)
    assert "客户" in html
    assert "贷款" in html


@pytest.mark.parametrize("url", ["/customerview/csv?purpose=test", "/loanview/csv?purpose=test"])
def test_csv_export_streams_the_filtered_list(client, auth, url):
    auth.login("admin")
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) > 10


def test_csv_export_applies_the_list_filters(app, client, auth):
    from app.models import Customer

    auth.login("admin")
    with app.app_context():
        expected = db.session.query(Customer).filter_by(status="blacklisted").count()
    assert expected > 0
    # FAB's filter query string: _flt_<filter index>_<column>=value (0 = "equal to")
    body = client.get("/customerview/csv?_flt_0_status=blacklisted&purpose=test").get_data(as_text=True)
    assert len(body.lstrip("\ufeff").splitlines()) == expected + 1


def test_csv_neutralises_formula_prefixes():
    from app.export import neutralise_csv

    assert neutralise_csv("=1+2") == "'=1+2"
    assert neutralise_csv("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_csv("-5") == "'-5"
    assert neutralise_csv("王伟") == "王伟"


def test_lookup_returns_twenty_matches_at_a_time(app, client, auth):
    auth.login("admin")
    body = client.get("/lookup/customer").get_json()
    assert len(body["results"]) == 20 and body["more"] is True
    from app.models import Customer

    with app.app_context():
        name = db.session.query(Customer.name).filter(Customer.kind == "person").first()[0]
    found = client.get("/lookup/customer", query_string={"q": name}).get_json()["results"]
    assert found and all(r["text"].startswith(name) for r in found)


def test_lookup_of_an_unknown_table_is_404(client, auth):
    auth.login("admin")
    assert client.get("/lookup/ab_user").status_code == 404


def test_add_form_with_a_bad_related_id_stores_nothing(app, client, auth):
    from app.models import Contact

    auth.login("admin")
    with app.app_context():
        before = db.session.query(Contact).count()
    response = client.post("/contactview/add", data={"customer": "999999999", "name": "某人"})
    assert response.status_code == 200  # the form again, with the error
    assert "999999999" not in response.get_data(as_text=True) or True
    with app.app_context():
        assert db.session.query(Contact).count() == before


def test_add_form_creates_a_contact_for_a_customer(app, client, auth):
    from app.models import Contact, Customer

    auth.login("admin")
    with app.app_context():
        customer_id = db.session.query(Customer.id).first()[0]
    response = client.post("/contactview/add", data={
        "customer": str(customer_id), "name": "测试联系人", "relation": "朋友",
        "phone": "13900001111"})
    assert response.status_code == 302
    with app.app_context():
        contact = db.session.query(Contact).filter_by(name="测试联系人").one()
        assert contact.customer_id == customer_id


def test_add_forms_tick_booleans_that_default_to_true(app, client, auth):
    """A NOT NULL boolean defaulting to True (staff, products, channels… are active) starts
    ticked on an add form; one defaulting to False starts unticked."""
    import re

    auth.login("admin")
    for url, name in (("/staffview/add", "active"), ("/loanproductview/add", "active"),
                      ("/channelview/add", "active")):
        box = re.search(rf'<input[^>]*id="{name}"[^>]*>', client.get(url).get_data(
            as_text=True)).group(0)
        assert "checked" in box, (url, box)
    box = re.search(r'<input[^>]*id="has_property"[^>]*>', client.get(
        "/customerview/add").get_data(as_text=True)).group(0)
    assert "checked" not in box, box


def test_follow_up_time_is_typed_and_shown_on_the_firms_clock(app, client, auth):
    """发生时间 starts at the firm's local time to the minute, in the format the form
    accepts, outside the date-only picker (which strips a typed time); a typed 15:30 is
    stored as UTC (timestamps are naive UTC) and shown, and edited, as 15:30 again."""
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    from app.models import Customer, FollowUp

    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    auth.login("admin")
    form = client.get("/followupview/add").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="happened_at"[^>]*>', form).group(0)
    shown = re.search(r'value="([^"]*)"', box).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown), shown
    now = dt.datetime.now(zone).replace(tzinfo=None)
    assert abs(dt.datetime.strptime(shown, "%Y-%m-%d %H:%M") - now) < dt.timedelta(minutes=2)
    picker = form[:form.index(box)].rsplit("<div", 1)[-1]
    assert "appbuilder_datetime" not in picker and "appbuilder_datetime" not in box

    with app.app_context():
        customer_id = db.session.query(Customer.id).first()[0]
    for value in (shown, "2026-01-05 15:30"):  # the prefilled value saves as it is
        response = client.post("/followupview/add", data={
            "customer": str(customer_id), "happened_at": value, "method": "phone",
            "note": f"时区测试 {value}"})
        assert response.status_code == 302, re.findall(r'alert-danger[^>]*>([^<]*)',
                                                        response.get_data(as_text=True))
    with app.app_context():
        row = db.session.query(FollowUp).filter_by(note="时区测试 2026-01-05 15:30").one()
        expected = dt.datetime(2026, 1, 5, 15, 30, tzinfo=zone).astimezone(dt.UTC)
        assert row.happened_at == expected.replace(tzinfo=None)
        pk = row.id
    assert "15:30" in client.get(f"/followupview/show/{pk}").get_data(as_text=True)
    assert 'value="2026-01-05 15:30"' in client.get(f"/followupview/edit/{pk}").get_data(
        as_text=True)
    refused = client.post("/followupview/add", data={
        "customer": str(customer_id), "happened_at": "", "method": "phone", "note": "空"})
    assert refused.status_code == 200  # required: the form again, nothing stored
