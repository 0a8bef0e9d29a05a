"""A moment typed in a list's filter is read on the firm's clock (Asia/Shanghai, UTC+8);
moments are stored in UTC.  The REST API filters in UTC, as it sends its moments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Customer

MINUTE = dt.timedelta(minutes=1)
SHANGHAI = dt.timedelta(hours=8)  # the demo firm's clock; no daylight saving


def newest_customer(app):
    with app.app_context():
        c = db.session.scalars(select(Customer).order_by(Customer.created_at.desc(),
                                                         Customer.id.desc())).first()
        return c.name, c.created_at  # created_at: naive UTC


def test_a_list_filter_on_a_moment_reads_the_firms_clock(app, client, auth):
    name, created_utc = newest_customer(app)
    on_firm_clock = created_utc + SHANGHAI
    auth.login("admin")

    def listed(after: dt.datetime) -> bool:
        # FAB's date-time filters: 0 equal, 1 greater than, 2 smaller than, 3 not equal
        html = client.get("/customerview/list/", query_string={
            "_flt_1_created_at": after.strftime("%Y-%m-%d %H:%M:%S"),
            "psize_CustomerView": 100}).get_data(as_text=True)
        return name in html

    assert listed(on_firm_clock - MINUTE)
    assert not listed(on_firm_clock + MINUTE)
    # the same moment typed as UTC is eight hours earlier on the firm's clock: still listed
    assert listed(created_utc - MINUTE)


def test_the_apis_filters_on_moments_take_utc(app, client, auth):
    with app.app_context():
        a = db.session.scalars(select(Application).order_by(Application.created_at.desc(),
                                                            Application.id.desc())).first()
        number, created_utc = a.number, a.created_at
    headers = {"Authorization": f"Bearer {auth.token('admin')}"}

    def numbers(after: dt.datetime) -> list[str]:
        moment = after.strftime("%Y-%m-%d %H:%M:%S")
        q = f"(filters:!((col:created_at,opr:gt,value:'{moment}')),page_size:100)"
        response = client.get("/api/v1/applications/", query_string={"q": q},
                              headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["number"] for r in response.get_json()["result"]]

    assert number in numbers(created_utc - MINUTE)
    assert number not in numbers(created_utc + MINUTE)
