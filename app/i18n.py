"""Language and locale formatting.

The language of a request is, in order: an explicit ``_l_`` argument; for the REST API, the
Accept-Language header; the choice stored in the session; the user's saved choice; the
firm's default (setting ``ui.default_locale``); LOANDESK_DEFAULT_LOCALE.  Switching language
(``/lang/<code>``) saves the choice on the user and returns to the page it came from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

from flask import Flask, abort, g, has_request_context, redirect, request, session, url_for
from flask_babel import (
    format_currency,
    format_date,
    format_time,
    get_locale,
    gettext,
    refresh,
)
from sqlalchemy import select

from .extensions import db
from .models import FirmSetting, UserSetting

# The yuan's symbol is ¥ in Chinese but CN¥ in English CLDR (to tell it from the yen), and a
# negative amount would read -¥12.00.  LoanDesk deals in yuan only and has always shown
# ¥1,234.56 and ¥-12.00 in both languages, so the pattern writes the symbol itself; Babel
# still brings the locale's grouping and the currency's two decimals.
MONEY_PATTERN = "¥#,##0.00;¥-#,##0.00"


def format_money(value: Decimal | str | None) -> str:
    """¥1,234,567.89 (grouping by the locale; the currency is always yuan)."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(str(value)), "CNY", format=MONEY_PATTERN)


def format_day(value: dt.date | None) -> str:
    """2026年1月31日 / Jan 31, 2026."""
    return "" if value is None else format_date(value, "medium")


def format_minute(value: dt.datetime | None) -> str:
    """2026年1月31日 10:44 / Jan 31, 2026, 10:44 — date and minutes, no seconds."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def select2_texts() -> dict[str, str]:
    """select2's messages in the page's language: FAB ships select2 4.0.13 without its
    i18n files, so every dropdown spoke English. app/static/js/ajax_select.js hands them to
    select2 (and fills in %(n)s)."""
    return {
        "errorLoading": gettext("The results could not be loaded."),
        "inputTooLong": gettext("Please delete %(n)s character(s)."),
        "inputTooShort": gettext("Please enter %(n)s more character(s)."),
        "loadingMore": gettext("Loading more results…"),
        "maximumSelected": gettext("You can only select %(n)s item(s)."),
        "noResults": gettext("No results found"),
        "searching": gettext("Searching…"),
        "removeAllItems": gettext("Remove all items"),
    }


def _languages(app: Flask) -> dict:
    return app.config["LANGUAGES"]


def _user_locale(user_id: int) -> str | None:
    return db.session.scalar(select(UserSetting.locale).where(UserSetting.user_id == user_id))


def save_user_locale(user_id: int, locale: str) -> None:
    setting = db.session.scalar(select(UserSetting).where(UserSetting.user_id == user_id))
    if setting is None:
        setting = UserSetting(user_id=user_id)
        db.session.add(setting)
    setting.locale = locale
    db.session.commit()


def firm_default_locale(app: Flask) -> str:
    if "firm_locale" not in g:
        value = db.session.scalar(select(FirmSetting.value)
                                  .where(FirmSetting.key == "ui.default_locale"))
        g.firm_locale = value if value in _languages(app) else \
            app.config["BABEL_DEFAULT_LOCALE"]
    return g.firm_locale


def select_locale(app: Flask):
    def selector():
        if not has_request_context():  # CLI, jobs: the installation's default
            return app.config["BABEL_DEFAULT_LOCALE"]
        languages = _languages(app)
        asked = request.args.get("_l_")
        if asked in languages:
            return asked
        if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
            best = request.accept_languages.best_match(
                list(languages) + ["zh", "zh-CN", "en-US", "en-GB"])
            if best:
                return "zh_CN" if best.lower().startswith("zh") else "en"
        if session.get("locale") in languages:
            return session["locale"]
        if g.get("database_down"):  # answering "the database is down": ask it nothing
            return app.config["BABEL_DEFAULT_LOCALE"]
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            saved = _user_locale(current_user.id)
            if saved in languages:
                session["locale"] = saved
                return saved
        locale = firm_default_locale(app)
        if not request.path.startswith("/api/"):
            session["locale"] = locale  # FAB's language menu reads the session
        return locale
    return selector


def register_i18n(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["day"] = format_day
    # FAB's Babel calls its own selector; LoanDesk's adds the user's and firm's choices.
    app.extensions["babel"].locale_selector = select_locale(app)

    def switch_language(locale: str):
        if locale not in _languages(app):
            abort(404)
        session["locale"] = locale
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            save_user_locale(current_user.id, locale)
        refresh()
        # Back to the page the switch was clicked on, never to another site.
        back = request.referrer or ""
        target = urlsplit(back)
        if back and target.netloc == request.host:
            return redirect(target.path + (f"?{target.query}" if target.query else ""))
        return redirect(url_for("HomeView.index"))

    app.view_functions["LocaleView.index"] = switch_language

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale() or ""), "select2_texts": select2_texts}
