"""Scorecards are versioned: editing one that has scored anything creates a new version.

The edit lands on a copy (version + 1, now the active card); the card the old assessments
used stays exactly as it was, so an old score can always be explained.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import CreditAssessment, ScoreBin, Scorecard, ScoreFactor, ScoreGrade


def card_of(item) -> Scorecard:
    if isinstance(item, Scorecard):
        return item
    if isinstance(item, ScoreBin):
        return item.factor.scorecard
    return item.scorecard


def in_use(card: Scorecard) -> bool:
    return db.session.scalar(select(CreditAssessment.id).where(
        CreditAssessment.scorecard_id == card.id).limit(1)) is not None


def _columns(obj, skip=("id",)):
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs
            if c.key not in skip and not c.key.endswith("_id")}


def clone(card: Scorecard) -> tuple[Scorecard, dict]:
    """A deep copy of ``card`` (factors, bins, grades) and the old → new object map."""
    mapping: dict = {}
    new_card = Scorecard(**_columns(card, skip=("id", "created_at", "updated_at")))
    mapping[card] = new_card
    for factor in card.factors:
        new_factor = ScoreFactor(**_columns(factor))
        mapping[factor] = new_factor
        for b in factor.bins:
            new_bin = ScoreBin(**_columns(b))
            mapping[b] = new_bin
            new_factor.bins.append(new_bin)
        new_card.factors.append(new_factor)
    for grade in card.grades:
        new_grade = ScoreGrade(**_columns(grade))
        mapping[grade] = new_grade
        new_card.grades.append(new_grade)
    return new_card, mapping


def edit_as_new_version(item) -> Scorecard | None:
    """Move ``item``'s pending changes onto a new version when its card is in use.

    Returns the new card, or None when the card was unused and is edited in place."""
    with db.session.no_autoflush:  # a flush now would write the change onto the old card
        return _edit_as_new_version(item)


def _edit_as_new_version(item) -> Scorecard | None:
    card = card_of(item)
    if card.id is None or not in_use(card):
        return None
    state = db.inspect(item)
    changes = {}
    for attr in item.__mapper__.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            changes[attr.key] = history.added[0] if history.added else None
            setattr(item, attr.key, history.deleted[0] if history.deleted else None)
    if not changes:
        return None
    new_card, mapping = clone(card)
    for key, value in changes.items():
        setattr(mapping[item], key, value)
    latest = db.session.scalar(select(func.max(Scorecard.version))
                               .where(Scorecard.name == card.name)) or card.version
    new_card.version = latest + 1
    new_card.active = True
    card.active = False
    db.session.add(new_card)
    return new_card
