"""Request-wide policies: CSRF on every cookie-authenticated change, idle session expiry."""

from __future__ import annotations

from flask import (
    Flask,
    g,
    jsonify,
    make_response,
    render_template_string,
    request,
    session,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from .extensions import csrf

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Logging in creates the session; a forged login gains an attacker nothing.
CSRF_EXEMPT_ENDPOINTS = {"SecurityApi.login"}

ERROR_PAGE = """{% extends "appbuilder/base.html" %}{% block content %}
<div class="alert alert-danger">{{ message }}</div>{% endblock %}"""


def register_web(app: Flask) -> None:
    csrf.init_app(app)

    @app.before_request
    def _policies():
        # Idle expiry: a permanent session lives PERMANENT_SESSION_LIFETIME after the last
        # request (Flask re-issues the cookie on every request).
        session.permanent = True
        # FAB exempts its APIs from CSRF wholesale.  Here every change made on the strength
        # of the session cookie is checked, screens and API alike; a request carrying a
        # bearer token (which a browser never adds cross-site) or no session needs none
        # (FAB's login form checks its own token).
        if (app.config.get("WTF_CSRF_ENABLED", True) and request.method in UNSAFE
                and session.get("_user_id") is not None
                and request.endpoint not in CSRF_EXEMPT_ENDPOINTS
                and not request.headers.get("Authorization", "").startswith("Bearer ")):
            csrf.protect()

    @app.after_request
    def _refusals_are_403(response):
        # FAB answers a logged-in user's refused page with a redirect to the login form,
        # which reads as "log in again"; LoanDesk answers 403 and says why.
        if (response.status_code == 302 and response.location
                and response.location.split("?")[0].rstrip("/").endswith("/login")
                and getattr(g, "user", None) is not None and g.user.is_authenticated
                and request.endpoint not in ("AuthDBView.login", "AuthDBView.logout")):
            message = gettext("You do not have permission to open this page.")
            return make_response(render_template_string(
                ERROR_PAGE, message=message, base_template=app.appbuilder.base_template,
                appbuilder=app.appbuilder), 403)
        return response

    @app.errorhandler(413)
    def _too_large(_error):
        message = gettext("The upload is larger than %(mb)s MB.",
                          mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
        if request.path.startswith("/api/"):
            return jsonify(message=message), 413
        return render_template_string(ERROR_PAGE, message=message,
                                      base_template=app.appbuilder.base_template,
                                      appbuilder=app.appbuilder), 413

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        message = gettext("The form has expired or did not come from LoanDesk. Reload the "
                          "page and try again.")
        if request.path.startswith("/api/"):
            return jsonify(message=message), 400
        return render_template_string(ERROR_PAGE, message=message,
                                      base_template=app.appbuilder.base_template,
                                      appbuilder=app.appbuilder), 400
