"""List pages that find things: a quick-search box, the active filters in words, and status
tabs for entities with states (issue 17).

A view declares where its one search box looks (``quick_search`` and the words of its
``quick_search_placeholder``), which coded column its tabs filter (``status_tabs``), and, when
staff would look for an "add" button that is not there, where the records come from
(``list_help``).  Everything lives in the URL: the box is ``q``; a tab is FAB's own "equal
to" filter on the state column.  So paging, ordering, FAB's filter form and the CSV export
(base.py joins ``_filters`` as the list does) all keep them.  The SQL side (where the box
looks, the request filters) is app/views/listing_filters.py; the row scoping stays one of
the base filters, applied to every search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import has_request_context, request, url_for
from flask_appbuilder.models.sqla.filters import set_value_to_type
from flask_babel import gettext, to_utc
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Numeric, or_, select

from ..extensions import db
from ..models.labels import label_of
from ..scoping import scoped
from .listing_filters import (
    CONTAINS,
    EMPTY,
    EXACT,
    PREFIX,
    ListingFilters,
    Match,
    Where,
    clean,
    contains,
    exact,
    is_id,
    prefix,
    resolve,
)

__all__ = ["ListHelp", "ListingMixin", "Match", "Tabs", "contains", "exact", "prefix"]

QUERY_ARG = "q"
MAX_QUERY = 100
# Text people search by a word anywhere in it; FAB offers "starts with" first, which suits
# record numbers (AP2026…, references), not a name or a note.
NAME_LIKE = frozenset({
    "name", "full_name", "original_name", "purpose", "note", "contact_name", "relation",
    "city", "address", "employer", "occupation", "description", "message", "reason",
    "conditions", "title", "void_reason", "refund_reason", "blacklist_reason", "refund_rule",
    "last_error"})


@dataclass(frozen=True)
class Tabs:
    """Status tabs over a coded column, in ``order`` (default: the enum's)."""

    column: str
    order: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ListHelp:
    """Shown above a list without "add": where its records come from, and a link there."""

    text: object
    link_text: object = None
    link_view: str | None = None  # the view class name whose list the link opens
    link_tab: str | None = None  # on this status tab of it


def join_words(words: list[str], pattern) -> str:
    text = words[0] if words else ""
    for word in words[1:]:
        text = pattern(text, word)
    return text


def _rule(how: str, fields: str) -> str:
    if how == CONTAINS:
        return gettext("%(fields)s: any part of it", fields=fields)
    if how == PREFIX:
        return gettext("%(fields)s: from its beginning", fields=fields)
    return gettext("%(fields)s: the whole value", fields=fields)


def _pairs() -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.args.lists() for v in values]


def _url(pairs: list[tuple[str, str]]) -> str:
    return request.path + ("?" + urlencode(pairs) if pairs else "")


class ListingMixin:
    """Mixed into LoanDeskModelView (app/views/base.py) before FAB's ModelView."""

    quick_search: tuple[Match, ...] = ()
    quick_search_placeholder: object = None
    status_tabs: Tabs | None = None
    list_help: ListHelp | None = None

    # -- start-up ---------------------------------------------------------------------------
    def _init_properties(self) -> None:
        super()._init_properties()
        self._filters = ListingFilters(self, self.datamodel.filter_converter_class,
                                       self.datamodel, self.search_columns)
        self._contains_first()
        owner = type(self).__name__
        self._quick = tuple(resolve(self.datamodel.obj, m, owner) for m in self.quick_search)
        self._tab_codes: tuple[str, ...] = ()
        if self.status_tabs is not None:
            self._check_tabs(owner)

    def _contains_first(self) -> None:
        """In FAB's filter form the first operator offered is the one chosen: "contains"
        for a name. Moved before "starts with" and "ends with", "equal to" keeps its index
        (``_flt_3_``) in URLs."""
        columns = self.datamodel.obj.__mapper__.columns
        for name in self.search_columns:
            if name not in NAME_LIKE or name not in columns or "choices" in columns[name].info:
                continue
            for table in (self._filters._search_filters, self._filters._all_filters):
                operators = table.get(name, [])
                found = [f for f in operators if f.arg_name == "ct"]
                if found:
                    operators.remove(found[0])
                    operators.insert(0, found[0])

    def _check_tabs(self, owner: str) -> None:
        tabs = self.status_tabs
        column = self.datamodel.obj.__mapper__.columns.get(tabs.column)
        enum = column.info.get("choices") if column is not None else None
        if enum is None or tabs.column not in self.search_columns:
            raise ValueError(f"{owner}.status_tabs: {tabs.column} is not a searched coded column")
        codes = tabs.order or tuple(m.value for m in enum)
        unknown = set(codes) - {m.value for m in enum}
        if unknown:
            raise ValueError(f"{owner}.status_tabs: unknown codes {sorted(unknown)}")
        self._tab_codes, self._tab_labels = tuple(codes), enum.labels()

    # -- the quick search -------------------------------------------------------------------
    def _quick_text(self) -> tuple[str, str | None]:
        """The text typed in the box, and a note when it cannot be used."""
        if not self._quick or not has_request_context():
            return "", None
        text = clean(request.args.get(QUERY_ARG, ""))
        if len(text) > MAX_QUERY:
            return text[:MAX_QUERY], gettext(
                "The search text is longer than %(n)s characters: the list is not filtered "
                "by it.", n=MAX_QUERY)
        return text, None

    def quick_search_clause(self):
        """The box's condition for this request (None: no search)."""
        text, note = self._quick_text()
        if not text or note:
            return None
        return or_(*(where.clause(text) for where in self._quick))

    def _quick_label(self, where: Where) -> str:
        if where.match.label is not None:
            return str(where.match.label)
        *hops, name = where.match.path.split(".")
        if not hops:
            return str(self.label_columns.get(name, name))
        # Each step is labelled by the model it belongs to (loan.customer.name: the loan's
        # customer, the customer's name); the screen's own labels name its own relation.
        models = [self.datamodel.obj]
        for hop in hops:
            models.append(models[-1].__mapper__.relationships[hop].mapper.class_)
        relation = self.label_columns.get(hops[0], hops[0]) if len(hops) == 1 else \
            label_of(models[-2], hops[-1], hops[-1])
        return gettext("%(relation)s %(column)s", relation=relation,
                       column=str(label_of(models[-1], name, name)))

    def _quick_rules(self) -> str:
        """How each place is matched, in words: "Name: any part of it; Phone: the whole…"."""
        groups = []
        for how in (CONTAINS, PREFIX, EXACT):
            labels = [self._quick_label(w) for w in self._quick if w.match.how == how]
            if labels:
                fields = join_words(labels, lambda a, b: gettext("%(list)s, %(item)s",
                                                                 list=a, item=b))
                groups.append(_rule(how, fields))
        return join_words(groups, lambda a, b: gettext("%(list)s; %(item)s", list=a, item=b))

    # -- status tabs ------------------------------------------------------------------------
    def _equal_key(self, column: str) -> str:
        index = next(i for i, f in enumerate(self._filters._all_filters[column])
                     if f.arg_name == "eq")
        return f"_flt_{index}_{column}"

    def tab_args(self, code: str) -> dict[str, str]:
        """The URL arguments of one status tab, for links from other pages."""
        return {self._equal_key(self.status_tabs.column): code}

    def _active_tab(self) -> str | None:
        """"" for "all" (no filter on the column), the code of a single "equal to" filter,
        None when the column is filtered some other way (no tab is then marked)."""
        column = self.status_tabs.column
        on_column = [(f, v) for f, v in self._filters.get_filters_values()
                     if f.column_name == column]
        if not on_column:
            return ""
        (flt, values), *more = on_column
        values = values if isinstance(values, list) else [values]
        if more or flt.arg_name != "eq" or len(values) != 1:
            return None
        return values[0]

    # -- the panel above the list -----------------------------------------------------------
    def _list(self, **kwargs):
        widgets = super()._list(**kwargs)
        widgets["listing"] = self._listing_panel()
        return widgets

    def _listing_panel(self) -> dict:
        pairs = _pairs()
        page_arg = f"page_{type(self).__name__}"
        tab = self._active_tab() if self.status_tabs is not None else None
        tab_pair = (self._equal_key(self.status_tabs.column), tab) if tab else None
        panel: dict = {"help": self._help(), "quick": None, "tabs": [], "chips": []}
        text, note = self._quick_text()
        if self._quick:
            panel["quick"] = {
                "text": text, "note": note, "rules": self._quick_rules(),
                "placeholder": str(self.quick_search_placeholder or gettext("Search")),
                "keep": [(k, v) for k, v in pairs if k not in (QUERY_ARG, page_arg)]}
            if text and not note:
                panel["chips"].append({"label": gettext("Search"), "operator": "",
                                       "value": f"“{text}”",
                                       "remove": _url(panel["quick"]["keep"])})
        if self.status_tabs is not None:
            column = self.status_tabs.column
            others = [(k, v) for k, v in pairs if k != page_arg and not
                      (k.startswith("_flt_") and k[7:] == column and k[5:6].isdigit())]
            key = self._equal_key(column)
            panel["tabs"] = [{"code": "", "label": gettext("All"), "url": _url(others),
                              "active": tab == ""}] + [
                {"code": code, "label": str(self._tab_labels[code]),
                 "url": _url([*others, (key, code)]), "active": tab == code}
                for code in self._tab_codes]
        panel["chips"] += self._filter_chips(pairs, page_arg, tab_pair)
        if panel["chips"]:
            panel["clear_url"] = _url([(k, v) for k, v in pairs if (k, v) == tab_pair or not (
                k == QUERY_ARG or k == page_arg or k.startswith("_flt_"))])
        # FAB's filter form sends only its filters: the box and the order go along (listing.js)
        panel["keep"] = [(k, v) for k, v in pairs if k == QUERY_ARG or
                         k.startswith(("_oc_", "_od_", "psize_"))]
        return panel

    def _filter_chips(self, pairs, page_arg, tab_pair) -> list[dict]:
        chips = []
        for flt, values in self._filters.get_filters_values():
            column = flt.column_name
            index = next(i for i, f in enumerate(self._filters._all_filters[column])
                         if f is flt)
            key = f"_flt_{index}_{column}"
            for value in values if isinstance(values, list) else [values]:
                if (key, value) == tab_pair:
                    continue  # shown as the marked tab
                keep = [(k, v) for k, v in pairs if k != page_arg and not (
                    k == key and v.replace("\x00", "") == value)]
                chips.append({"label": str(self.label_columns.get(column, column)),
                              "operator": self._operator_words(flt),
                              "value": self._value_words(column, value),
                              "remove": _url(keep)})
        return chips

    @staticmethod
    def _operator_words(flt) -> str:
        # FAB names its relation filters "Relation" / "No Relation"; people say "is / is not"
        words = {"rel_o_m": _l("Equal to"), "nrel_o_m": _l("Not Equal to")}
        return str(words.get(flt.arg_name, flt.name))

    def _value_words(self, column: str, value) -> str:
        """A filter's value as the list shows it: a code by its label, a related record by
        its name (if the user may see it), a date as a date, money as money."""
        if value is None or value in EMPTY:
            return gettext("(empty)")
        mapper = self.datamodel.obj.__mapper__
        if column in mapper.relationships:
            target = mapper.relationships[column].mapper.class_
            if not is_id(value):
                return gettext("(not found)")
            item = db.session.scalar(scoped(select(target), target)
                                     .where(target.id == int(value)))
            return gettext("(not found)") if item is None else str(item)
        col = mapper.columns.get(column)
        formatter = self.formatters_columns.get(column)
        if col is None or formatter is None:
            return str(value)
        typed = value
        if isinstance(col.type, Numeric):
            try:
                typed = Decimal(value)
            except InvalidOperation:
                return str(value)
            if not typed.is_finite() or abs(typed) >= 10**15:  # 1e999999 would print for ever
                return str(value)
        elif isinstance(col.type, Boolean):
            typed = value == "y"
        elif isinstance(col.type, DateTime | Date):
            typed = set_value_to_type(self.datamodel, column, value)
            if typed is None:
                return str(value)
            if isinstance(col.type, DateTime):
                typed = to_utc(typed)  # typed on the firm's clock; the formatter reads UTC
            elif isinstance(typed, dt.datetime):
                typed = typed.date()
        return str(formatter(typed))

    def _help(self) -> dict | None:
        help_ = self.list_help
        if help_ is None:
            return None
        shown = {"text": str(help_.text), "url": None, "link_text": str(help_.link_text or "")}
        target = next((v for v in self.appbuilder.baseviews
                       if type(v).__name__ == help_.link_view), None)
        if target is not None and self.appbuilder.sm.has_access(
                "can_" + target.method_permission_name.get("list", "list"),
                target.class_permission_name):
            shown["url"] = url_for(f"{help_.link_view}.list",
                                   **(target.tab_args(help_.link_tab) if help_.link_tab else {}))
        return shown
