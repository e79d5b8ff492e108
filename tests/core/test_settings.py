import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from supplyesg.env import env_bool, env_int, env_list, env_str


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", default=True) is False


def test_env_bool_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_rejects_words_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "twenty")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_NUM", 5)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 5, minimum=1)


def test_env_list_and_required_strings(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_MISSING"):
        env_str("X_MISSING", required=True)


def _settings_in_subprocess(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SUPPLYESG_ENV"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import supplyesg.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"SUPPLYESG_ENV": "production", "ALLOWED_HOSTS": "esg.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


STRONG_KEY = "k7Qm2vXr9pLs4TdWn8YbHc3JfZa6GeRu5NiVo1KwEyMxPq0Btj"  # 50 characters, many distinct


def test_production_mode_has_debug_off_and_secure_cookies():
    result = _settings_in_subprocess(
        {"SUPPLYESG_ENV": "production", "ALLOWED_HOSTS": "esg.example.com", "SECRET_KEY": STRONG_KEY}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_a_bad_database_url_is_reported_by_name():
    result = _settings_in_subprocess({"DATABASE_URL": "nonsense://"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def _database_options(url):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SUPPLYESG_ENV"}}
    env["DATABASE_URL"] = url
    script = "import supplyesg.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_turn_the_jit_compiler_off_and_keep_the_options_of_the_url():
    assert _database_options("postgres://u@db:5432/esg") == "-c jit=off"
    # The URL's own options come after ours: a later -c wins, so an operator can turn it back on.
    kept = _database_options("postgres://u@db:5432/esg?options=-c%20statement_timeout%3D5000%20-c%20jit%3Don")
    assert kept == "-c jit=off -c statement_timeout=5000 -c jit=on"
    assert _database_options("sqlite:////tmp/esg.sqlite3") == ""


@pytest.mark.django_db
def test_the_database_connection_runs_without_jit_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT compiler")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _postgres_settings(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SUPPLYESG_ENV"}}
    env.pop("DATABASE_PREPARE_THRESHOLD", None)
    env.update({"DATABASE_URL": "postgres://u@db:5432/esg", **extra_env})
    script = (
        "import supplyesg.settings as s; d = s.DATABASES['default']; o = d['OPTIONS'];"
        "print(d['ENGINE'], o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)


def test_postgresql_statements_are_prepared_after_five_runs_unless_switched_off():
    assert _postgres_settings({}).stdout.split() == ["supplyesg.core.postgresql", "True", "5"]
    assert _postgres_settings({"DATABASE_PREPARE_THRESHOLD": "0"}).stdout.split()[1:] == ["True", "0"]
    # off: Django's own defaults, for a connection pooler that cannot keep prepared statements
    assert _postgres_settings({"DATABASE_PREPARE_THRESHOLD": "off"}).stdout.split()[1:] == ["None", "None"]
    bad = _postgres_settings({"DATABASE_PREPARE_THRESHOLD": "often"})
    assert bad.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD='often'" in bad.stderr
