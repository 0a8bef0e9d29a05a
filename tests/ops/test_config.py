"""Configuration: environment overrides, a generated secret key, SQLite by default."""

import os
import subprocess
import sys

from tests import ROOT


def _config_in_subprocess(env_extra: dict, expr: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DATABASE_URL", "LOANDESK_INSTANCE_DIR")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", f"import config; print({expr})"], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    env = {"LOANDESK_INSTANCE_DIR": str(tmp_path)}
    first = _config_in_subprocess(env, "config.Config.SECRET_KEY")
    second = _config_in_subprocess(env, "config.Config.SECRET_KEY")
    assert len(first) == 64 and first == second
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_secret_key_from_the_environment_wins(tmp_path):
    env = {"LOANDESK_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "from-env"}
    assert _config_in_subprocess(env, "config.Config.SECRET_KEY") == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_under_instance(tmp_path):
    env = {"LOANDESK_INSTANCE_DIR": str(tmp_path)}
    url = _config_in_subprocess(env, "config.Config.SQLALCHEMY_DATABASE_URI")
    assert url == f"sqlite:///{tmp_path / 'loandesk.sqlite'}"


def test_database_url_selects_postgresql(tmp_path):
    env = {"LOANDESK_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://u:p@db.example:5432/loandesk"}
    url = _config_in_subprocess(env, "config.Config.SQLALCHEMY_DATABASE_URI")
    assert url == "postgresql://u:p@db.example:5432/loandesk"


def test_chinese_is_the_default_language(tmp_path):
    env = {"LOANDESK_INSTANCE_DIR": str(tmp_path)}
    assert _config_in_subprocess(env, "config.Config.BABEL_DEFAULT_LOCALE") == "zh_CN"
