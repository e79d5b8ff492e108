"""Checks on uploaded files: size, and that the content matches the extension."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supplyesg.core.sheets.text import looks_like_text

# Extension -> predicate over the first bytes (and the file for zip containers).
_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DOCUMENT_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "xlsx", "docx", "xls", "doc", "zip", "txt", "csv")
# .txt and .tsv: tab-separated text, e.g. what Excel saves as "Unicode text" (UTF-16).
SPREADSHEET_EXTENSIONS = ("xlsx", "csv", "txt", "tsv")
TEXT_TABLE_EXTENSIONS = ("csv", "txt", "tsv")


def _zip_has(upload, member_prefix: str) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(member_prefix) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # e.g. "zip file version 8.7"
        return False
    finally:
        upload.seek(0)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_upload(upload, allowed=DOCUMENT_EXTENSIONS, field: str = "file") -> str:
    """Raise ValidationError naming the field unless the file is allowed; return its extension."""
    name = getattr(upload, "name", "") or ""
    ext = extension_of(name)
    if ext not in allowed:
        raise ValidationError(
            _("%(field)s: files of type .%(ext)s are not accepted (allowed: %(allowed)s).")
            % {"field": field, "ext": ext or "?", "allowed": ", ".join("." + a for a in allowed)}
        )
    size = getattr(upload, "size", None) or 0
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(field)s: the file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"field": field, "size": size / 1048576, "limit": max(1, settings.MAX_UPLOAD_BYTES // 1048576)}
        )
    if size == 0:
        raise ValidationError(_("%(field)s: the file is empty.") % {"field": field})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    ok = {
        "pdf": head.startswith(_PDF),
        "png": head.startswith(_PNG),
        "jpg": head.startswith(_JPEG),
        "jpeg": head.startswith(_JPEG),
        "xls": head.startswith(_OLE),
        "doc": head.startswith(_OLE),
        "xlsx": head.startswith(_ZIP) and _zip_has(upload, "xl/"),
        "xlsm": head.startswith(_ZIP) and _zip_has(upload, "xl/"),
        "docx": head.startswith(_ZIP) and _zip_has(upload, "word/"),
        "zip": head.startswith(_ZIP),
        "txt": looks_like_text(head),
        "csv": looks_like_text(head),
        "tsv": looks_like_text(head),
    }[ext]
    if not ok:
        raise ValidationError(
            _("%(field)s: the content of %(name)s is not a .%(ext)s file.") % {"field": field, "name": name, "ext": ext}
        )
    return ext
