"""Stored declaration workbooks: each distinct file once (by content hash), its pieces shared with other files
written alike stored once, everything compressed (lzma). The original bytes are restored on download."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkbookPiece(models.Model):
    """A member of a workbook's zip shared by files written alike (e.g. the RMI smelter look-up sheet)."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    stored_size = models.PositiveIntegerField(_("stored size (bytes)"))
    file = models.FileField(max_length=255)

    def __str__(self):
        return self.sha256


class StoredWorkbook(models.Model):
    """One distinct uploaded file: the manifest says how its own bytes and shared pieces rebuild it."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    stored_size = models.PositiveIntegerField(_("stored size (bytes)"))
    codec = models.CharField(max_length=10, default="lzma")
    manifest = models.JSONField(default=list, help_text='[["own", length] | ["shared", sha256, length], ...]')
    file = models.FileField(max_length=255, help_text="the file's own bytes, concatenated and compressed")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.sha256
