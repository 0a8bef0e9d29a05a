"""Request-wide policies: CSRF on every cookie-authenticated change, idle session expiry."""

from __future__ import annotations

from string import Template

import prison
from flask import (
    Flask,
    abort,
    g,
    jsonify,
    make_response,
    render_template_string,
    request,
    session,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError

from .extensions import csrf, db

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Logging in creates the session; a forged login gains an attacker nothing.
CSRF_EXEMPT_ENDPOINTS = {"SecurityApi.login"}

ERROR_PAGE = """{% extends "appbuilder/base.html" %}{% block content %}
<div class="alert alert-danger">{{ message }}</div>{% endblock %}"""
# Without the database there is no menu, no user and no permission to draw: a page of its own.
# (string.Template, not Jinja: a template's context would load the user from the database.)
UNAVAILABLE_PAGE = Template("""<!DOCTYPE html><html><head><meta charset="utf-8">
$refresh<title>$title</title>
<style>body{font-family:sans-serif;background:#f5f6f8;color:#333;margin:0}
main{max-width:560px;margin:12vh auto;background:#fff;border:1px solid #ddd;padding:24px 32px}
h1{font-size:20px;color:#a33}</style></head>
<body><main><h1>$title</h1><p>$message</p></main></body></html>""")
RETRY_SECONDS = 30
MAX_ID = 2**31 - 1  # PostgreSQL's integer: no id is larger


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

    @app.before_request
    def _ids_in_range():
        # FAB's routes take <pk> as text: an id beyond PostgreSQL's integer (or SQLite's 64
        # bits) made the lookup itself fail, a 500.  No such record exists: 404.
        for name, value in (request.view_args or {}).items():
            if (name == "pk" or name.endswith("_id")) and isinstance(value, str | int) \
                    and str(value).isascii() and str(value).isdigit() \
                    and int(value) > MAX_ID:
                abort(404)

    @app.before_request
    def _query_is_rison():
        # FAB reads an API's ``q`` with prison, catching only its parse error: a number
        # prison cannot convert (``q=1e+16``) raised ValueError, a 500 on every resource.
        # A ``q`` that does not parse is malformed input: 400, in words.
        q = request.args.get("q")
        if q is None or not request.path.startswith("/api/"):
            return None
        try:
            prison.loads(q)
        except Exception:  # noqa: BLE001 (whatever prison raises, the answer is the same)
            return jsonify(message=gettext("The query parameter q is not valid Rison.")), 400
        return None

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

    def _error_page(message: str, status: int):
        if request.path.startswith("/api/"):
            return jsonify(message=message), status
        return render_template_string(ERROR_PAGE, message=message,
                                      base_template=app.appbuilder.base_template,
                                      appbuilder=app.appbuilder), status

    @app.errorhandler(403)
    def _forbidden(_error):  # FAB 5 aborts with a bare 403 on a refused page
        return _error_page(gettext("You do not have permission to open this page."), 403)

    @app.errorhandler(404)
    def _not_found(_error):  # also what an out-of-scope record answers: it is not there
        return _error_page(gettext("There is no such page or record, or it is outside what "
                                   "you may see."), 404)

    @app.errorhandler(405)
    def _wrong_method(_error):
        return _error_page(gettext("This address cannot be used that way."), 405)

    @app.errorhandler(400)
    def _bad_request(_error):
        return _error_page(gettext("The request was not understood. Go back and try "
                                   "again."), 400)

    @app.errorhandler(500)
    def _internal_error(_error):
        # The cause goes to the log, never to the page; nothing half-done is kept.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — answering the user matters more here
            db.session.close()
        message = gettext("Something went wrong on our side and nothing was saved. Try "
                          "again; if it happens again, tell your administrator the time.")
        if request.path.startswith("/api/"):
            return jsonify(message=message), 500
        return make_response(UNAVAILABLE_PAGE.substitute(
            title=escape(gettext("Sorry")), message=escape(message), refresh=""), 500)

    @app.errorhandler(413)
    def _too_large(_error):
        message = gettext("The upload is larger than %(mb)s MB.",
                          mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
        if request.path.startswith("/api/"):
            return jsonify(message=message), 413
        return render_template_string(ERROR_PAGE, message=message,
                                      base_template=app.appbuilder.base_template,
                                      appbuilder=app.appbuilder), 413

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error):
        # The server is down, restarting or unreachable (or SQLite is locked by a writer):
        # say so plainly; the pool drops the dead connection and pre-ping tests the next
        # one, so the app answers again by itself once the database is back.
        app.logger.warning("database unavailable: %s", error.orig if hasattr(error, "orig")
                           else error)
        g.database_down = True  # the locale selector must not ask the database either
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — the connection is gone; nothing to roll back
            db.session.close()
        title = gettext("LoanDesk is unavailable for a moment")
        message = gettext("The database cannot be reached. Nothing you sent was saved; "
                          "this page tries again every %(seconds)s seconds.",
                          seconds=RETRY_SECONDS)
        if request.path.startswith("/api/"):
            response = jsonify(message=message)
        else:
            response = make_response(UNAVAILABLE_PAGE.substitute(
                title=escape(title), message=escape(message),
                refresh=f'<meta http-equiv="refresh" content="{RETRY_SECONDS}">'))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        message = gettext("The form has expired or did not come from LoanDesk. Reload the "
                          "page and try again.")
        if request.path.startswith("/api/"):
            return jsonify(message=message), 400
        return render_template_string(ERROR_PAGE, message=message,
                                      base_template=app.appbuilder.base_template,
                                      appbuilder=app.appbuilder), 400
