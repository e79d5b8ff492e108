"""`supplyesg create_token` as an operator runs it: exit status and messages."""

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One migrated data directory for the module (migrating takes most of the time; the tests use other users)."""
    env = {**os.environ, "SUPPLYESG_DATA_DIR": str(tmp_path_factory.mktemp("cli")), "SUPPLYESG_ENV": "development"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-m", "supplyesg", "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


def _run(env, *args):
    return subprocess.run([sys.executable, "-m", "supplyesg", *args], env=env, capture_output=True, text=True, timeout=120)


def test_an_unknown_user_exits_non_zero_with_a_clear_message(data_dir):
    result = _run(data_dir, "create_token", "ghost", "ERP")
    assert result.returncode != 0
    assert "USERNAME: there is no user 'ghost'" in result.stderr
    assert result.stdout == ""


def test_a_known_user_gets_a_token_on_standard_output(data_dir):
    created = _run(data_dir, "shell", "-c", "from supplyesg.core.models import User; User.objects.create_user('erp-bot')")
    assert created.returncode == 0, created.stderr
    result = _run(data_dir, "create_token", "erp-bot", "ERP")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("sesg_")
