"""LoanDesk: the back office of a loan-broker firm (助贷公司), on Flask-AppBuilder."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_appbuilder import AppBuilder
from jinja2 import ChoiceLoader, FileSystemLoader

from config import BASE_DIR, INSTANCE_DIR, Config

from .extensions import db, migrate


def create_app(test_config: Mapping[str, Any] | type | None = None) -> Flask:
    """Build a LoanDesk app; ``test_config`` (a mapping or a config class) overrides Config."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(Config)
    if isinstance(test_config, Mapping):
        app.config.from_mapping(test_config)
    elif test_config is not None:
        app.config.from_object(test_config)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from . import models  # noqa: F401  (every table registered on FAB's metadata)
    from .api import messages

    messages.install()  # before FAB builds the API schemas: marshmallow in the user's language
    from .security import LoanDeskSecurityManager, password_complexity
    from .web import register_web

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_complexity)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))

    with app.app_context():
        # One AppBuilder per app: a module-level one cannot serve a second app (tests).
        appbuilder = AppBuilder(security_manager_class=LoanDeskSecurityManager,
                                update_perms=False)
        appbuilder.init_app(app, db.session)
        from .views.menu import init_views

        init_views(appbuilder)
    register_web(app)  # after FAB's own request hooks (which set g.user)
    from .reports.sql import close_reader

    app.teardown_appcontext(close_reader)  # the reports' replica session, if any

    from .cli import register_cli
    from .health import bp as health_bp
    from .i18n import register_i18n

    # Report and contract templates live in reports/, beside the app's own templates.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(BASE_DIR / "reports")])
    from .audit import install_audit_trail

    install_audit_trail()
    from .editing import install_edit_guard

    install_edit_guard()  # no flush stores an edit a record's state forbids
    app.register_blueprint(health_bp)
    register_i18n(app)
    register_cli(app)
    return app
