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
