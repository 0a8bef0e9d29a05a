"""LoanDesk configuration: every setting can be overridden by an environment variable.

The defaults give a working single-machine install (SQLite under ``instance/``); a firm
that outgrows it sets ``DATABASE_URL`` to a PostgreSQL URL and nothing else changes.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LOANDESK_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ and kept."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _data_key() -> str:
    """LOANDESK_DATA_KEY (a Fernet key) from the environment, else generated once into
    instance/data_key. It encrypts ID numbers, phones and bank cards: back it up."""
    if os.environ.get("LOANDESK_DATA_KEY"):
        return os.environ["LOANDESK_DATA_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "data_key"
    if not key_file.exists():
        key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'loandesk.sqlite'}"
    # Heroku-style URLs name the dialect "postgres", which SQLAlchemy 2 no longer accepts.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


class Config:
    APP_NAME = os.environ.get("LOANDESK_APP_NAME", "LoanDesk")
    SECRET_KEY = _secret_key()
    LOANDESK_DATA_KEY = _data_key()
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A read replica for the reports and the dashboard (PostgreSQL streaming replica), or
    # unset: they read the primary.
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite only (app/extensions.py): how long a writer waits for the one before it.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("LOANDESK_SQLITE_BUSY_TIMEOUT_MS", "15000"))

    # Flask-AppBuilder
    AUTH_TYPE = 1  # AUTH_DB: users and hashed passwords in the database
    FAB_ADD_SECURITY_API = True
    FAB_API_SWAGGER_UI = _env_bool("LOANDESK_SWAGGER_UI", True)
    FAB_API_MAX_PAGE_SIZE = int(os.environ.get("FAB_API_MAX_PAGE_SIZE", "100"))
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "loandesk/base.html"
    FAB_CREATE_DB = False  # Alembic migrations own the schema
    APP_THEME = ""
    WTF_CSRF_ENABLED = _env_bool("WTF_CSRF_ENABLED", True)
    CSRF_ENABLED = WTF_CSRF_ENABLED
    JWT_ACCESS_TOKEN_EXPIRES = int(os.environ.get("JWT_ACCESS_TOKEN_EXPIRES", "3600"))

    # Languages: Simplified Chinese first, English available.
    BABEL_DEFAULT_LOCALE = os.environ.get("LOANDESK_DEFAULT_LOCALE", "zh_CN")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("LOANDESK_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "zh_CN": {"flag": "cn", "name": "简体中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Files
    UPLOAD_FOLDER = os.environ.get("LOANDESK_UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("LOANDESK_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

    # Reminders: SMTP for e-mail, an HTTP gateway for SMS; unset = log only, send nothing.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_FROM = os.environ.get("SMTP_FROM", "loandesk@localhost")
    SMTP_TLS = _env_bool("SMTP_TLS", False)
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")

    # Demo data
    DEMO_PASSWORD = os.environ.get("LOANDESK_DEMO_PASSWORD", "LoanDesk#2026")

    # Logins: lockout per username (in the database), rate limit per IP (Flask-Limiter;
    # point RATELIMIT_STORAGE_URI at Redis when several app servers share the load).
    LOANDESK_LOCKOUT_ATTEMPTS = int(os.environ.get("LOANDESK_LOCKOUT_ATTEMPTS", "5"))
    LOANDESK_LOCKOUT_MINUTES = int(os.environ.get("LOANDESK_LOCKOUT_MINUTES", "15"))
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    AUTH_RATE_LIMITED = RATELIMIT_ENABLED
    AUTH_RATE_LIMIT = os.environ.get("LOANDESK_LOGIN_RATE_LIMIT", "20 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # CSRF: checked in app/__init__.py for every unsafe request not sent with a bearer token.
    WTF_CSRF_CHECK_DEFAULT = False

    # Sessions
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("LOANDESK_SESSION_MINUTES", "30")) * 60
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("LOANDESK_SECURE_COOKIES", False)
