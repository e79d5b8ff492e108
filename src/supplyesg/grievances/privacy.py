"""The intake path's protections: response headers, an in-memory rate limit, and metadata stripped from files.

The rate limiter keys clients by an HMAC of their address under a random key made at process start and held only in
memory: the address itself is never kept, written or logged, and the keys mean nothing after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import threading
import time
import zipfile
from collections import defaultdict, deque
from functools import wraps

from django.conf import settings

from supplyesg.core.throttle import client_ip

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; connect-src 'none'; script-src 'none'"
)


def private_page(view):
    """No caching, no referrer, no third-party anything, no framing, nothing indexed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = CSP
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, noarchive"
        response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        response["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    return wrapper


def case_page(view):
    """Handlers' pages with report content: not cached, no referrer leaves the site. (Not `no-referrer`: browsers
    then send `Origin: null` with the page's forms, which the CSRF check of a signed-in session rightly refuses.)"""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


class MemoryRateLimit:
    """At most `limit` events per client per hour, counted in this process only."""

    def __init__(self, setting: str, default: int):
        self.setting, self.default = setting, default
        self._key = os.urandom(32)
        self._events: dict[bytes, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _client(self, request) -> bytes:
        address = client_ip(request) or ""
        return hmac.new(self._key, address.encode(), hashlib.sha256).digest()

    def hit(self, request) -> bool:
        """Count one event; False when the client is over its limit (the event is then not counted)."""
        limit = int(getattr(settings, self.setting, self.default))
        now = time.monotonic()
        client = self._client(request)
        with self._lock:
            events = self._events[client]
            while events and now - events[0] > 3600:
                events.popleft()
            if len(events) >= limit:
                return False
            events.append(now)
            if len(self._events) > 10000:  # forget the oldest clients rather than grow without end
                for stale in list(self._events)[:1000]:
                    del self._events[stale]
            return True

    def reset(self) -> None:
        with self._lock:
            self._events.clear()


intake_limit = MemoryRateLimit("GRIEVANCE_REPORTS_PER_HOUR", 10)
receipt_limit = MemoryRateLimit("GRIEVANCE_RECEIPT_TRIES_PER_HOUR", 30)


# ---------------------------------------------------------------- files

ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FileRefused(ValueError):
    pass


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def clean_file(name: str, data: bytes) -> tuple[bytes, str, bool]:
    """(content, content type, whether metadata was removed). Images are re-encoded from their pixels (EXIF, GPS,
    camera serials gone); Office files lose docProps/core.xml and app.xml (author, company, dates); PDFs keep their
    Info dictionary, which we cannot rewrite safely without a PDF library: the threat model says so and the form
    warns. Raises FileRefused for a type we do not take or a file that is not what its name says."""
    ext = extension(name)
    if ext not in ALLOWED_TYPES:
        raise FileRefused(ext)
    content_type = ALLOWED_TYPES[ext]
    if content_type.startswith("image/"):
        return _clean_image(data, "JPEG" if content_type == "image/jpeg" else "PNG"), content_type, True
    if ext in (".docx", ".xlsx"):
        return _clean_office(data), content_type, True
    if ext == ".pdf" and not data.startswith(b"%PDF-"):
        raise FileRefused(ext)
    return data, content_type, False


def _clean_image(data: bytes, fmt: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 40_000_000
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = image.convert("RGB") if fmt == "JPEG" else image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise FileRefused("image") from exc
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, format=fmt)
    return out.getvalue()


_BLANK_PROPERTIES = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
}


def _clean_office(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("office") from exc
    if sum(i.file_size for i in infos) > 200 * 1024 * 1024 or len(infos) > 5000:
        raise FileRefused("office")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            # The parts stay (the package's relationships name them), emptied of author, company, dates and template.
            blank = _BLANK_PROPERTIES.get(info.filename)
            target.writestr(info.filename, blank if blank is not None else source.read(info.filename))
    return out.getvalue()
