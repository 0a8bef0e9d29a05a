"""Locale-aware formatting helpers available to every template."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import format_decimal, get_locale


def format_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return "¥" + format_decimal(value, format="#,##0.00")


def register_i18n(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale() or "")}
