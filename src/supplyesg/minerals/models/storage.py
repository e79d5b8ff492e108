"""Stored declaration workbooks: each distinct file once (by content hash), its pieces shared with other files
written alike stored once, everything compressed. The original bytes are restored on download.

Format 1 kept a file's own compressed bytes (lzma). Format 2 (`minerals/workbooks/packing.py`) keeps members
uncompressed with the deflate settings that rebuild them, as deltas against the family's base file."""

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
    """One distinct uploaded file: the manifest says how its own bytes and shared pieces rebuild it, and, in
    format 2, which base file's members its deltas need (`base`, never deleted while referenced)."""

    class Format(models.IntegerChoices):
        WHOLE_MEMBERS = 1, _("compressed members (lzma)")
        REFLATED = 2, _("reflated members, deltas against a base")

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    stored_size = models.PositiveIntegerField(_("stored size (bytes)"))
    codec = models.CharField(max_length=10, default="lzma")
    manifest = models.JSONField(
        default=list, help_text='format 1: [["own", length] | ["shared", sha256, length], ...]; format 2: see packing'
    )
    file = models.FileField(max_length=255, help_text="the file's own bytes, concatenated and compressed")
    format_version = models.PositiveSmallIntegerField(_("stored format"), choices=Format, default=Format.WHOLE_MEMBERS)
    family = models.CharField(max_length=64, blank=True, db_index=True, help_text="files that delta against one base")
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="deltas", verbose_name=_("base file")
    )
    zlib_version = models.CharField(_("zlib version"), max_length=32, blank=True, help_text="that rebuilt it when stored")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.sha256
