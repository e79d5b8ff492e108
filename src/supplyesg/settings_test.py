"""Settings for the test suite: fast hashing, in-memory files, synchronous tasks."""

import os
import tempfile

os.environ.setdefault("SUPPLYESG_ENV", "development")
os.environ.setdefault("DEBUG", "false")

from supplyesg.settings import *  # noqa: E402,F403
from supplyesg.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="supplyesg-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
STATIC_ROOT = tempfile.mkdtemp(prefix="supplyesg-test-static-")
# Grievance receipts: a cheaper Argon2id (the real cost is measured in bench/grievance_receipts.py); generous in-memory
# limits so that the permission matrix is not throttled (tests/grievances lower them to test the limiter).
GRIEVANCE_ARGON2_MEMORY_KIB = 8 * 1024
GRIEVANCE_ARGON2_ITERATIONS = 1
GRIEVANCE_REPORTS_PER_HOUR = 1000
GRIEVANCE_RECEIPT_TRIES_PER_HOUR = 1000
