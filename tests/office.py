"""LibreOffice headless, the real client the product's spreadsheets are checked with.

One private profile per test session (`-env:UserInstallation`), so parallel runs do not clash, and one soffice
call per batch of files (start-up is most of its cost). Without soffice the tests skip, except with CI=true,
where they fail: `make browser` installs it (libreoffice-calc-nogui).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Every sheet to its own UTF-8 file (the last token, -1), named <file>-<sheet>.csv.
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
CSV_FILTER = "Text - txt - csv (StarCalc)"


def soffice_binary() -> str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary:
        return binary
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("LibreOffice (soffice) is required when CI=true: run `make browser` to install it")
    pytest.skip("LibreOffice is not installed (`make browser` installs libreoffice-calc-nogui)")


class Office:
    def __init__(self, binary: str, profile: Path):
        self.binary, self.profile = binary, profile

    def convert(self, files: list[Path], target: str, outdir: Path, infilter: str | None = None) -> list[Path]:
        """Convert `files` in one soffice call; return the files written to `outdir` (sorted)."""
        outdir.mkdir(parents=True, exist_ok=True)
        command = [self.binary, "--headless", "--norestore", f"-env:UserInstallation={self.profile.as_uri()}"]
        if infilter:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        assert completed.returncode == 0, completed.stderr
        assert "Error" not in completed.stdout + completed.stderr, completed.stdout + completed.stderr
        return sorted(outdir.iterdir())
