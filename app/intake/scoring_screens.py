"""Scoring screens: the credit assessments (each with its factors' points and the hard rules
it broke, in words) and the scorecard configuration (cards, factors, bins, grade bands),
where editing a card in use makes a new version (app/intake/scorecards.py)."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.models import (
    AssessmentFactor,
    CreditAssessment,
    ScoreBin,
    Scorecard,
    ScoreFactor,
    ScoreGrade,
)
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import contains, exact, prefix

from .scorecards import card_of, edit_as_new_version, in_use


def hard_rules_text(rules) -> str:
    """The hard rules an assessment broke, in words; a dash when none did."""
    if not rules:
        return "—"
    return "；".join(gettext(r["msgid"], **(r.get("params") or {})) for r in rules)


class AssessmentFactorView(LoanDeskModelView):
    datamodel = ModelInterface(AssessmentFactor)
    entity, entity_plural = _l("Factor points"), _l("Factor points")
    exclude_route_methods = READ_ONLY
    list_columns = ["factor_name", "value_text", "points", "reason"]
    search_columns = ["factor_code"]
    show_columns = ["assessment", "factor_name", "value_text", "points", "reason"]
    base_order = ("id", "asc")


class CreditAssessmentView(LoanDeskModelView):
    datamodel = ModelInterface(CreditAssessment)
    entity, entity_plural = _l("Credit assessment"), _l("Credit assessments")
    exclude_route_methods = READ_ONLY
    list_columns = ["created_at", "application", "score", "grade", "recommendation",
                    "scorecard"]
    search_columns = ["grade", "recommendation", "created_at"]
    quick_search = (prefix("application.number"), contains("application.customer.name"))
    quick_search_placeholder = _l("Search the application number or the customer's name")
    # The inputs are read with their points in the factors below; the hard rules in words.
    show_columns = ["application", "scorecard", "score", "grade", "recommendation",
                    "hard_rules", "assessed_by", "created_at"]
    formatters_columns = {"hard_rules": hard_rules_text}
    base_order = ("created_at", "desc")
    related_views = [AssessmentFactorView]


class VersionedScorecardMixin:
    """Editing a scorecard that has scored anything creates a new version (see
    app/intake/scorecards.py); adding or deleting parts of a card in use is refused."""

    def pre_update(self, item):
        # First, before any query flushes the pending change away.
        if edit_as_new_version(item) is not None:
            flash(gettext("The scorecard was in use: the change was saved as a new version."),
                  "info")
        super().pre_update(item)

    def pre_add(self, item):
        super().pre_add(item)
        self._refuse_if_in_use(item)

    def pre_delete(self, item):
        self._refuse_if_in_use(item)

    def _refuse_if_in_use(self, item):
        card = card_of(item)
        if card is not None and card.id is not None and in_use(card):
            raise ValueError(gettext("This scorecard has scored applications: edit a bin, "
                                     "factor or grade to create a new version instead."))


class ScoreBinView(VersionedScorecardMixin, LoanDeskModelView):
    datamodel = ModelInterface(ScoreBin)
    entity, entity_plural = _l("Score bin"), _l("Score bins")
    list_columns = ["factor", "lower_bound", "upper_bound", "points", "reason"]
    search_columns = ["factor", "points"]
    quick_search = (contains("factor.name"), contains("reason"))
    quick_search_placeholder = _l("Search the factor or the reason")
    add_columns = edit_columns = show_columns = ["factor", "lower_bound", "upper_bound",
                                                 "points", "reason"]
    base_order = ("id", "asc")


class ScoreFactorView(VersionedScorecardMixin, LoanDeskModelView):
    datamodel = ModelInterface(ScoreFactor)
    entity, entity_plural = _l("Score factor"), _l("Score factors")
    list_columns = ["scorecard", "sort_order", "code", "name"]
    search_columns = ["scorecard", "code", "name"]
    quick_search = (contains("name"), prefix("code"))
    quick_search_placeholder = _l("Search the name or the code")
    add_columns = edit_columns = show_columns = ["scorecard", "code", "name", "sort_order"]
    base_order = ("sort_order", "asc")
    related_views = [ScoreBinView]


class ScoreGradeView(VersionedScorecardMixin, LoanDeskModelView):
    datamodel = ModelInterface(ScoreGrade)
    entity, entity_plural = _l("Grade band"), _l("Grade bands")
    list_columns = ["scorecard", "grade", "min_score"]
    search_columns = ["scorecard", "grade"]
    quick_search = (exact("grade", upper=True), contains("scorecard.name"))
    quick_search_placeholder = _l("Search the grade or the scorecard")
    add_columns = edit_columns = show_columns = ["scorecard", "grade", "min_score"]
    base_order = ("min_score", "desc")


class ScorecardView(VersionedScorecardMixin, LoanDeskModelView):
    datamodel = ModelInterface(Scorecard)
    entity, entity_plural = _l("Scorecard"), _l("Scorecards")
    list_columns = ["name", "version", "base_score", "approve_min", "reject_below", "active"]
    search_columns = ["name", "active"]
    quick_search = (contains("name"),)
    quick_search_placeholder = _l("Search the name")
    add_columns = edit_columns = ["name", "version", "base_score", "approve_min",
                                  "reject_below", "active", "note"]
    show_columns = add_columns + ["created_at"]
    base_order = ("version", "desc")
    related_views = [ScoreFactorView, ScoreGradeView]
