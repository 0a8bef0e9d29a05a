"""The SQL side of the list pages (app/views/listing.py): where the quick search looks,
declared per view and resolved at start-up, and the request filters of an HTML list.

Each place the box looks is one SQL condition (an escaped LIKE, an equality, the keyed
hash of a sensitive column), ORed; a relation is followed as ``fk IN (SELECT id …)``, so
no table is read into Python.  ``ListingFilters`` is FAB's filter set with the quick search
joined in, and hand-made URL arguments that made FAB answer 500 left out.
"""

from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass

from flask_appbuilder.models.filters import BaseFilter, FilterRelation, Filters
from flask_appbuilder.models.sqla.filters import (
    FilterRelationOneToManyEqual,
    FilterRelationOneToManyNotEqual,
    get_field_setup_query,
)
from sqlalchemy import String, select

from ..crypto import search_hash

CONTAINS, PREFIX, EXACT = "contains", "prefix", "exact"


@dataclass(frozen=True)
class Match:
    """One place the quick search looks: a column, through many-to-one relations with dots
    (``customer.name``), and how the typed text must match it."""

    path: str
    how: str
    label: object = None  # words for it in the search rules; default: the column labels
    upper: bool = False  # codes are stored upper case (credit codes, grades)


def contains(path: str, label: object = None) -> Match:
    return Match(path, CONTAINS, label)


def prefix(path: str, label: object = None) -> Match:
    return Match(path, PREFIX, label)


def exact(path: str, label: object = None, upper: bool = False) -> Match:
    """The whole value; a sensitive column (stored encrypted) through its keyed hash."""
    return Match(path, EXACT, label, upper)


@dataclass(frozen=True)
class Where:
    """A ``Match`` resolved against the model at start-up (a typo fails there)."""

    match: Match
    hops: tuple  # relationships, outermost first
    column: object  # the attribute compared
    hashed: bool

    def clause(self, text: str):
        if self.hashed:
            condition = self.column == search_hash(text)
        elif self.match.how == CONTAINS:
            condition = self.column.icontains(text, autoescape=True)
        elif self.match.how == PREFIX:
            condition = self.column.istartswith(text, autoescape=True)
        else:
            condition = self.column == (text.upper() if self.match.upper else text)
        for relation in reversed(self.hops):
            ((local, remote),) = relation.local_remote_pairs
            condition = local.in_(select(remote).where(condition))
        return condition


def resolve(model: type, match: Match, owner: str) -> Where:
    where = f"{owner}.quick_search: {match.path!r}"
    *names, name = match.path.split(".")
    hops = []
    for hop in names:
        relation = model.__mapper__.relationships.get(hop)
        if relation is None or relation.direction.name != "MANYTOONE" or \
                len(relation.local_remote_pairs) != 1:
            raise ValueError(f"{where}: {hop} is not a many-to-one relation")
        hops.append(relation)
        model = relation.mapper.class_
    column = model.__mapper__.columns.get(name)
    if column is None:
        raise ValueError(f"{where}: {model.__name__} has no column {name}")
    if "mask" in column.info:  # encrypted: only its keyed hash can be compared
        if match.how != EXACT or "hash" not in column.info:
            raise ValueError(f"{where} is stored encrypted: only exact() through its hash")
        return Where(match, tuple(hops), getattr(model, column.info["hash"]), True)
    if match.how not in (CONTAINS, PREFIX, EXACT):
        raise ValueError(f"{where}: unknown match {match.how!r}")
    if match.how != EXACT and not isinstance(column.type, String):
        raise ValueError(f"{where}: only text can be matched by {match.how}")
    return Where(match, tuple(hops), getattr(model, name), False)


def clean(text: str) -> str:
    """Without control characters (PostgreSQL refuses NUL in text) or surrounding blanks."""
    return "".join(c for c in text if unicodedata.category(c) != "Cc").strip()


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 20 and 0 < int(text) < 2**63


EMPTY = ("__None", "")  # the blank choice of FAB's relation select


class RelationEqual(FilterRelationOneToManyEqual):
    """FAB's, with the blank choice meaning "none" on every database (FAB looked a record
    up by the id "__None": an error on PostgreSQL, the list not shown)."""

    def apply(self, query, value):
        if value not in EMPTY:
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(operator.eq(field, None))  # a relation: fk IS NULL


class RelationNotEqual(FilterRelationOneToManyNotEqual):
    def apply(self, query, value):
        if value not in EMPTY:
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(operator.ne(field, None))


BLANK_AWARE = {FilterRelationOneToManyEqual: RelationEqual,
               FilterRelationOneToManyNotEqual: RelationNotEqual}


class ClauseFilter(BaseFilter):
    """A condition built beforehand (the quick search's), carried as the filter's value."""

    name = "quick search"

    def apply(self, query, value):
        return query.filter(value)


class ListingFilters(Filters):
    """A view's request filters (FAB's ``_filters``): joined to the base filters for the list
    and its CSV export, they bring the quick search along."""

    def __init__(self, view, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        for table in (self._search_filters, self._all_filters):
            for operators in table.values():
                operators[:] = [BLANK_AWARE[type(f)](f.column_name, f.datamodel)
                                if type(f) in BLANK_AWARE else f for f in operators]

    def add_filter_index(self, column_name, filter_instance_index, value):
        # A hand-made URL may name an operator the column lacks (FAB: IndexError), a record
        # by no id (too large for the database: OverflowError) or carry NUL (PostgreSQL
        # refuses it): each a 500 in FAB. No filter, or the value without it.
        operators = self._all_filters.get(column_name, ())
        if filter_instance_index >= len(operators):
            return
        values = [v.replace("\x00", "") for v in value
                  if isinstance(v, str) and (v == "" or v.strip("\x00"))]
        if isinstance(operators[filter_instance_index], FilterRelation):
            values = [v for v in values if v in EMPTY or is_id(v)]
        if values:
            super().add_filter_index(column_name, filter_instance_index, values)

    def get_joined_filters(self, filters) -> Filters:
        joined = super().get_joined_filters(filters)
        condition = self.view.quick_search_clause()
        if condition is not None:
            joined.filters.append(ClauseFilter("id", self.datamodel))
            joined.values.append(condition)
        return joined
