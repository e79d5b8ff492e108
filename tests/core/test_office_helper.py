"""The LibreOffice tests skip on a machine without soffice, but fail in CI, where `make browser` installs it."""

import shutil

import pytest

from tests.office import soffice_binary


def test_without_libreoffice_the_office_tests_skip_locally_and_fail_in_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make browser"):
        soffice_binary()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        soffice_binary()
