"""Two staff editing the same record: the second save is refused with "changed since you
opened it" and stores nothing; the first save stays.  Forms, the REST API, and a save
racing another inside the database (the version counter in the UPDATE's WHERE)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Channel, Customer
from app.versioning import ChangedMeanwhile
from app.views.base import ModelInterface
from tests.conftest import DEMO_PASSWORD


class FormValues(HTMLParser):
    """The values a browser would send back from the page's edit form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            else:
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # A browser drops the newline that starts a textarea's content.
            value = self.values[self._textarea]
            self.values[self._textarea] = value[2:] if value.startswith("\r\n") else \
                value.removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    return parser.values


@pytest.fixture()
def channel(app):
    with app.app_context():
        row = Channel(code="VERS", name="版本测试渠道", kind="agent")
        db.session.add(row)
        db.session.commit()
        pk = row.id
    yield pk
    with app.app_context():
        db.session.delete(db.session.get(Channel, pk))
        db.session.commit()


def test_the_second_form_save_is_refused(app, channel):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login/", data={"username": "admin", "password": DEMO_PASSWORD})
        client.get("/lang/zh_CN")
    # Both open the edit form of the same channel.
    mine = form_values(first.get(f"/channelview/edit/{channel}").get_data(as_text=True))
    theirs = form_values(second.get(f"/channelview/edit/{channel}").get_data(as_text=True))
    assert mine["row_version"] == theirs["row_version"] == "1"
    saved = first.post(f"/channelview/edit/{channel}", data={**mine, "contact_name": "张三"},
                       follow_redirects=True)
    assert saved.status_code == 200
    refused = second.post(f"/channelview/edit/{channel}",
                          data={**theirs, "contact_name": "李四", "phone": "0591-1"},
                          follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "有人修改了此记录" in page
    with app.app_context():
        row = db.session.get(Channel, channel)
        assert (row.contact_name, row.phone or None, row.row_version) == ("张三", None, 2)
    # Opened again, the second user's save goes through.
    again = form_values(second.get(f"/channelview/edit/{channel}").get_data(as_text=True))
    assert again["row_version"] == "2" and again["contact_name"] == "张三"
    second.post(f"/channelview/edit/{channel}", data={**again, "phone": "0591-1"})
    with app.app_context():
        row = db.session.get(Channel, channel)
        assert (row.contact_name, row.phone, row.row_version) == ("张三", "0591-1", 3)


def test_the_api_answers_409_to_a_stale_put(app, client, auth):
    headers = {"Authorization": f"Bearer {auth.token('admin')}", "Accept-Language": "zh-CN"}
    with app.app_context():
        pk = db.session.scalars(select(Customer.id).order_by(Customer.id.desc())).first()
    read = client.get(f"/api/v1/customers/{pk}", headers=headers).get_json()["result"]
    version = read["row_version"]
    ok = client.put(f"/api/v1/customers/{pk}", headers=headers,
                    json={"address": "福州市鼓楼区版本路1号", "row_version": version})
    assert ok.status_code == 200, ok.get_json()
    stale = client.put(f"/api/v1/customers/{pk}", headers=headers,
                       json={"address": "被覆盖的地址", "row_version": version})
    assert stale.status_code == 409 and "有人修改了此记录" in stale.get_json()["message"]
    with app.app_context():
        row = db.session.get(Customer, pk)
        assert row.address == "福州市鼓楼区版本路1号" and row.row_version == version + 1


def test_a_save_racing_another_is_refused_by_the_database(app):
    """Both read version n; the first UPDATE makes it n+1; the second's UPDATE … WHERE
    row_version = n matches nothing and is refused (no overwrite, nothing half-saved)."""
    with app.app_context():
        pk = db.session.scalars(select(Channel.id).order_by(Channel.id)).first()
        with Session(db.engine) as other:
            theirs = other.get(Channel, pk)
            mine = db.session.get(Channel, pk)
            start = mine.row_version
            theirs.contact_name = "先保存的人"
            other.commit()
            mine.contact_name = "后保存的人"
            interface = ModelInterface(Channel, db.session)
            with pytest.raises(ChangedMeanwhile):
                interface.edit(mine)
        db.session.rollback()
        row = db.session.get(Channel, pk)
        assert row.contact_name == "先保存的人" and row.row_version == start + 1


def test_an_edit_whose_checks_query_the_database_still_saves(app):
    """The application form's checks run queries that flush the pending edit (and move the
    counter on) before the version is compared: the version read with the form counts."""
    from app.models import Application, Staff

    client = app.test_client()
    client.post("/login/", data={"username": "manager", "password": DEMO_PASSWORD})
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="manager")
        branch = db.session.scalar(select(Staff.branch_id).where(Staff.user_id == user.id))
        pk = db.session.scalars(select(Application.id).where(
            Application.branch_id == branch, Application.state == "draft")
            .order_by(Application.id)).first()
        before = db.session.get(Application, pk).row_version
    values = form_values(client.get(f"/applicationview/edit/{pk}").get_data(as_text=True))
    client.post(f"/applicationview/edit/{pk}", data={**values, "purpose": "版本测试：装修"})
    with app.app_context():
        row = db.session.get(Application, pk)
        assert row.purpose == "版本测试：装修" and row.row_version == before + 1
