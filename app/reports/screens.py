"""The report pages (with CSV, Excel and PDF exports) and the full-screen dashboard."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.audit import record
from app.domain import DomainError
from app.errors import field_errors
from app.extensions import db
from app.firm.settings import firm_profile
from app.loans import business_today
from app.models import (
    Application,
    Branch,
    Channel,
    Customer,
    Funder,
    Loan,
    LoanProduct,
    Staff,
    Team,
)
from app.permissions import owner_candidates
from app.reports.base import GROUP_LABELS
from app.reports.dashboard import dashboard_data
from app.reports.definitions import REPORTS
from app.reports.export import display, download_names, group_label, to_csv, to_pdf, to_xlsx
from app.reports.filters import (
    DPD_CHOICES,
    GROUPS,
    ID_FIELDS,
    PRESETS,
    Filters,
    active_preset,
    parse_filters,
    preset_range,
)
from app.scoping import ALL, BRANCH, TEAM, current_scope

FILTER_LABELS = {"branch": _l("Branch"), "team": _l("Team"), "staff": _l("Salesperson"),
                 "product": _l("Product"), "funder": _l("Funder"), "channel": _l("Channel")}
PRESET_LABELS = {"this_month": _l("This month"), "last_month": _l("Last month"),
                 "this_quarter": _l("This quarter"), "this_year": _l("This year")}


def report_filters(report) -> Filters:
    return parse_filters(request.args, default_range=report.default_range)


def record_owners():
    """Staff who can own records (app/permissions.py owner_candidates), and whoever owns
    records anyway (an admin who typed a customer in owns it; one EXISTS per staff member
    on the owner indexes)."""
    candidates = owner_candidates().with_only_columns(Staff.id)
    owns = [select(model.id).where(model.owner_id == Staff.id).exists()
            for model in (Customer, Application, Loan)]
    return select(Staff.id, Staff.full_name).where(
        Staff.active.is_(True), or_(Staff.id.in_(candidates), *owns))


def filter_options() -> dict[str, list[tuple[int, str]]]:
    """The choices of each filter, limited to what the user's scope reaches."""
    scope = current_scope()
    staff = scope.staff
    branches, teams, people = select(Branch.id, Branch.name), select(Team.id, Team.name), \
        record_owners()
    if scope.level != ALL:
        if staff is None or scope.level is None:
            branches, teams, people = (q.where(False) for q in (branches, teams, people))
        elif scope.level == BRANCH:
            branches = branches.where(Branch.id == staff.branch_id)
            teams = teams.where(Team.branch_id == staff.branch_id)
            people = people.where(Staff.branch_id == staff.branch_id)
        elif scope.level == TEAM and staff.team_id is not None:
            branches = branches.where(Branch.id == staff.branch_id)
            teams = teams.where(Team.id == staff.team_id)
            people = people.where(Staff.team_id == staff.team_id)
        else:
            branches = branches.where(Branch.id == staff.branch_id)
            teams = teams.where(Team.id == staff.team_id)
            people = people.where(Staff.id == staff.id)
    queries = {"branch": branches.order_by(Branch.name), "team": teams.order_by(Team.name),
               "staff": people.order_by(Staff.full_name),
               "product": select(LoanProduct.id, LoanProduct.name).order_by(LoanProduct.name),
               "funder": select(Funder.id, Funder.name).order_by(Funder.name),
               "channel": select(Channel.id, Channel.name).order_by(Channel.name)}
    return {name: [tuple(r) for r in db.session.execute(q)] for name, q in queries.items()}


def describe(filters: Filters, options: dict) -> list[str]:
    """The filters in words, for the PDF's heading."""
    parts = []
    for name, label in FILTER_LABELS.items():
        value = getattr(filters, name)
        if value is not None:
            names = dict(options.get(name, []))
            parts.append(f"{label}: {names.get(value, value)}")
    return parts


def preset_links(report, filters: Filters | None) -> list[dict]:
    """本月 / 上月 / 本季度 / 本年 as links to the same report with those dates, every other
    filter kept; the one matching the dates shown is marked active."""
    today = business_today()
    kept = {k: v for k, v in request.args.items() if k in ("group", "dpd", *ID_FIELDS)}
    active = active_preset(filters.date_from, filters.date_to, today) if filters else None
    links = []
    for preset in PRESETS:
        start, end = preset_range(preset, today)
        links.append({"code": preset, "label": PRESET_LABELS[preset], "active": preset == active,
                      "href": url_for("ReportsView.show", name=report.name, **kept,
                                      **{"from": start.isoformat(), "to": end.isoformat()})})
    return links


class ReportsView(BaseView):
    route_base = "/reports"
    class_permission_name = "Report"
    method_permission_name = {"index": "read", "show": "read", "export": "export"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("loandesk/reports_index.html", reports=REPORTS.values(),
                                    title=_l("Reports"))

    def _report(self, name: str):
        report = REPORTS.get(name)
        if report is None:
            abort(404)
        return report

    @expose("/<name>/")
    @has_access
    def show(self, name: str):
        report = self._report(name)
        options = filter_options()
        errors, table, filters = {}, None, None
        try:
            filters = report_filters(report)
            table = report.run(filters)
        except DomainError as error:
            errors = field_errors(error)
            flash(gettext("Please correct the errors below."), "danger")
        return self.render_template(
            "loandesk/report.html", report=report, filters=filters, table=table,
            errors=errors, args=request.args, options=options, filter_labels=FILTER_LABELS,
            groups=[(g, GROUP_LABELS[g]) for g in GROUPS], dpd_choices=DPD_CHOICES,
            display=display, title=report.title, presets=preset_links(report, filters),
            table_group_label=group_label(report, filters) if filters else "",
            can_export=self.appbuilder.sm.has_access("can_export", "Report"),
            export_args=filters.as_args() if filters else {})

    @expose("/<name>/export/<fmt>")
    @has_access
    def export(self, name: str, fmt: str):
        report = self._report(name)
        if fmt not in ("csv", "xlsx", "pdf"):
            abort(404)
        try:
            filters = report_filters(report)
        except DomainError as error:
            body = "; ".join(m for msgs in field_errors(error).values() for m in msgs)
            return Response(body, status=400, mimetype="text/plain")
        table = report.run(filters)
        record("export", entity="Report", record_id=name,
               changes={"format": fmt, **filters.as_args()})
        db.session.commit()
        names = download_names(report, filters, fmt)
        if fmt == "csv":
            return _download(to_csv(report, filters, table), "text/csv; charset=utf-8", names)
        filter_text = describe(filters, filter_options())
        if fmt == "xlsx":
            return _download(to_xlsx(report, filters, table, filter_text=filter_text),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml"
                             ".sheet", names)
        pdf = to_pdf(report, filters, table, firm=firm_profile().display_name,
                     filter_text=filter_text)
        return _download(pdf, "application/pdf", names)


def _download(body: bytes, mimetype: str, names: tuple[str, str]) -> Response:
    """An attachment named in the interface language (RFC 5987 ``filename*``), with an
    ASCII ``filename`` for the clients that read only that."""
    name, fallback = names
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; "
        f"filename*=UTF-8''{quote(name, safe='!#$&+^`|~')}")
    return response


class DashboardView(BaseView):
    """数据大屏: a full-screen page drawing the dashboard JSON with ECharts (served locally)."""

    route_base = "/dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        args = {k: v for k, v in request.args.items() if k in ("from", "to")}
        try:
            filters = parse_filters(args, default_range="month")
        except DomainError as error:
            for messages in field_errors(error).values():
                for message in messages:
                    flash(message, "danger")
            args, filters = {}, parse_filters({}, default_range="month")
        profile = firm_profile()
        return self.render_template(
            "loandesk/dashboard.html", data=dashboard_data(filters), args=args,
            firm=profile.name if profile.set_up else "", labels=dashboard_labels(),
            lang="zh-CN" if str(get_locale()).startswith("zh") else "en",
            title=_l("Dashboard"))


def dashboard_labels() -> dict[str, str]:
    """The words the charts draw (titles, series, units), in the user's language."""
    return {
        "funnel": gettext("From lead to disbursement"),
        "trend": gettext("Disbursed amount and overdue rate, 12 months"),
        "disbursed_amount": gettext("Amount disbursed"),
        "overdue_rate": gettext("Overdue rate"),
        "products": gettext("Product mix"), "funders": gettext("Funder mix"),
        "channels": gettext("Channel ranking"), "buckets": gettext("Delinquency buckets"),
        "leaderboard": gettext("Staff leaderboard"), "amount": gettext("Amount"),
        "loans": gettext("Loans"), "applications": gettext("Applications"),
        "principal": gettext("Outstanding principal"), "count": gettext("Count"),
        "ten_thousand": gettext("×10k yuan"), "updated": gettext("Updated"),
        "failed": gettext("Could not refresh; showing the last figures."),
    }
