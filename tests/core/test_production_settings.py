"""Production mode: HTTPS everywhere unless explicitly switched off, a weak SECRET_KEY stops start-up,
and Django's deploy checks pass with the variables the README documents."""

import os
import subprocess
import sys

import pytest

STRONG_KEY = "k7Qm2vXr9pLs4TdWn8YbHc3JfZa6GeRu5NiVo1KwEyMxPq0Btj"
# The production variables as "Run in production" in the README lists them.
DOCUMENTED = {
    "SUPPLYESG_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "esg.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://esg.example.com",
    "TRUSTED_PROXY_COUNT": "1",
    "SITE_URL": "https://esg.example.com",
    "SUPPLYESG_GRIEVANCE_KEY": "q0V3nJ6r8Yp2xk4sT1wLz9Hc5bGm7aEdRfUiOy3PlNQ=",
    "SUPPLYESG_GRIEVANCE_RECEIPT_SALT": "c2FsdC1mb3ItcmVjZWlwdHMtMTY=",
}
SECURITY = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "OTP_WEBAUTHN_RP_ID",
    "TRUSTED_PROXY_COUNT",
]


def _env(extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_SETTINGS")) and k not in DOCUMENTED}
    env.pop("DEBUG", None)
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it for their own process; production never does
    env.update({"SUPPLYESG_DATA_DIR": str(tmp_path), **extra})
    return env


def _security_settings(extra, tmp_path):
    code = f"import supplyesg.settings as s; print([getattr(s, n) for n in {SECURITY!r}])"
    return subprocess.run([sys.executable, "-c", code], env=_env(extra, tmp_path), capture_output=True, text=True, timeout=60)


def test_production_turns_on_https_redirect_hsts_and_secure_cookies(tmp_path):
    result = _security_settings(DOCUMENTED, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([False, True, 31536000, True, True, True, True, "esg.example.com", 1])


def test_https_redirect_and_hsts_can_be_switched_off_explicitly(tmp_path):
    off = {**DOCUMENTED, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}
    result = _security_settings(off, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("[False, False, 0,")


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Q8x",  # fewer than 50 characters
        "x" * 64,  # one repeated character
        "abcd" * 20,  # four distinct characters
        "django-insecure-" + STRONG_KEY,  # Django's generated development prefix
    ],
)
def test_a_weak_secret_key_stops_production_start_up(key, tmp_path):
    result = _security_settings({**DOCUMENTED, "SECRET_KEY": key}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak" in result.stderr


def test_the_deploy_checks_pass_with_the_documented_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "supplyesg", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(DOCUMENTED, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
