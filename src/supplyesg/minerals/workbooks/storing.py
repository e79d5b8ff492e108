"""Keeping declaration workbooks: deduplicated by content hash, members reflated and delta-compressed.

At 20,000 files a year kept whole (about 1.4 MB each) the media grew by 28 GB a year; format 1 (each file's
compressed members, lzma, those shared by files written alike stored once) still took ~819 KB for a real
Excel-saved file, 15.6 GB a year. Format 2 (`packing.py`) keeps each member's uncompressed data with the
deflate settings that rebuild its exact bytes, and stores a file as deltas against its family's base file
(the first stored file of a family, or a newer one when deltas stop paying). A file is stored once whatever the
number of submissions carrying it. Storing rebuilds the file from what was written and checks its SHA-256
before the record is committed; if that fails the file is kept in format 1. `workbook_bytes` gives back the
exact original bytes or raises WorkbookDamaged. Storage is Django's default storage: the filesystem under
MEDIA_ROOT, or S3-compatible object storage when configured (README "Run in production").
"""

from __future__ import annotations

import hashlib
import logging
import lzma
import threading
import zlib
from collections import OrderedDict

import zstandard
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from supplyesg.minerals.cmrt import packing, reflate
from supplyesg.minerals.cmrt.chunks import split_zip
from supplyesg.minerals.models import StoredWorkbook, Submission, WorkbookPiece

logger = logging.getLogger(__name__)

STORE_DIR = "minerals/store"
PRESET = 6  # lzma level of format 1 and of the plain section: 9 gains ~1 % more at several times the time
BASE_CACHE = 2  # bases kept decoded in each process (~15 MB each), for files of one family arriving together


class WorkbookDamaged(Exception):
    """The stored data no longer rebuild the file (a piece or base missing or altered, or a host whose zlib
    deflates differently): `supplyesg minerals_verify_store` lists such files."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(name: str, payload: bytes) -> tuple[str, bool]:
    """Write `payload` under `name` (unless it already holds exactly that); (name, whether this call wrote it)."""
    if default_storage.exists(name):  # left by a rolled-back upload; reused only when it holds these bytes
        with default_storage.open(name, "rb") as handle:
            if handle.read() == payload:
                return name, False
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(payload)), True


def _get(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _save(kind: str, sha: str, data: bytes, preset: int = PRESET) -> tuple[str, int]:
    packed = lzma.compress(data, preset=preset)
    name, _written = _put(f"{STORE_DIR}/{kind}/{sha[:2]}/{sha}.xz", packed)
    return name, len(packed)


def _read(name: str) -> bytes:
    return lzma.decompress(_get(name))


# Format 1 ---------------------------------------------------------------------------------------------------------


def _piece(data: bytes) -> str:
    sha = _sha(data)
    if not WorkbookPiece.objects.filter(sha256=sha).exists():
        name, stored = _save("pieces", sha, data)
        try:
            with transaction.atomic():
                WorkbookPiece.objects.create(sha256=sha, size=len(data), stored_size=stored, file=name)
        except IntegrityError:  # stored by a concurrent upload meanwhile
            pass
    return sha


def _store_whole_members(data: bytes, sha: str) -> StoredWorkbook:
    """Format 1, kept for files format 2 could not rebuild; checked before the record is written."""
    manifest: list[list] = []
    own = bytearray()
    for kind, start, end in split_zip(data):
        piece = data[start:end]
        if kind == "shared":
            manifest.append(["shared", _piece(piece), end - start])
        else:
            manifest.append(["own", end - start])
            own += piece
    name, stored = _save("files", sha, bytes(own))
    record = StoredWorkbook(sha256=sha, size=len(data), stored_size=stored, manifest=manifest, file=name)
    if _sha(_whole_members_bytes(record)) != sha:
        raise WorkbookDamaged(f"workbook {sha} does not rebuild from what was just stored")
    try:
        with transaction.atomic():
            record.save()
            return record
    except IntegrityError:
        return StoredWorkbook.objects.get(sha256=sha)


def _whole_members_bytes(workbook: StoredWorkbook) -> bytes:
    own = _read(workbook.file.name)
    names = [i[1] for i in workbook.manifest if i[0] == "shared"]
    pieces = {p.sha256: p.file.name for p in WorkbookPiece.objects.filter(sha256__in=names)}
    out = bytearray()
    position = 0
    for item in workbook.manifest:
        if item[0] == "own":
            out += own[position : position + item[1]]
            position += item[1]
        else:
            out += _read(pieces[item[1]])
    return bytes(out)


# Format 2 ---------------------------------------------------------------------------------------------------------

_bases: OrderedDict[str, dict[str, bytes]] = OrderedDict()  # by the base's SHA-256: its members follow from it
_bases_lock = threading.Lock()


def forget_bases() -> None:
    """Drop the decoded bases kept in this process (a check that must read every base from storage again)."""
    with _bases_lock:
        _bases.clear()


def _piece_reader(manifest: dict, written: dict[str, str] | None = None):
    names = dict(WorkbookPiece.objects.filter(sha256__in=packing.piece_names(manifest)).values_list("sha256", "file"))
    names.update(written or {})

    def read(sha: str) -> bytes:
        if sha not in names:
            raise packing.Damaged(f"piece {sha} is missing")
        return _read(names[sha])

    return read


def _base_members(base: StoredWorkbook) -> dict[str, bytes]:
    """The base file's members by name, decoded (and checked) once per process for the last few bases."""
    with _bases_lock:
        if base.sha256 in _bases:
            _bases.move_to_end(base.sha256)
            return _bases[base.sha256]
    members = packing.member_contents(base.manifest, _get(base.file.name), piece=_piece_reader(base.manifest))
    with _bases_lock:
        _bases[base.sha256] = members
        while len(_bases) > BASE_CACHE:
            _bases.popitem(last=False)
    return members


def _family_base(family: str) -> tuple[StoredWorkbook | None, dict[str, bytes] | None]:
    """The newest base of the family and its members; none when the family is new or its base unreadable."""
    if not family:
        return None, None
    base = (
        StoredWorkbook.objects.filter(family=family, format_version=StoredWorkbook.Format.REFLATED, base__isnull=True)
        .order_by("-pk")
        .first()
    )
    if base is None:
        return None, None
    try:
        return base, _base_members(base)
    except (OSError, ValueError, lzma.LZMAError, zstandard.ZstdError, zlib.error) as exc:
        logger.error("workbook store: base %s of family %s is unreadable (%s); storing without it", base.sha256, family, exc)
        return None, None


def pack_reflated(data: bytes, sha: str, template: str = "") -> tuple[dict, list[str]]:
    """Format 2 fields for `data`, its blob and new pieces written and the whole file rebuilt from storage and
    checked; and the storage names this call wrote (to remove if the record is not committed). Raises
    WorkbookDamaged when the rebuild differs (the caller keeps format 1)."""
    layout = reflate.split(data)
    family = layout.family(template)
    base, members = _family_base(family)
    shas = [m.sha256 for m in layout.members if len(m.content) >= packing.MIN_DELTA]
    known = set(WorkbookPiece.objects.filter(sha256__in=shas).values_list("sha256", flat=True))
    packed = packing.pack(layout, base=members, pieces=known)
    if base is not None and packed.poor_delta:  # a new template or writer: this file starts a new base
        base, members = None, None
        packed = packing.pack(layout, base=None, pieces=known)
    written: list[str] = []
    new_pieces: dict[str, tuple[str, int, int]] = {}
    for piece_sha, content in packed.new_pieces.items():
        payload = packing.squeeze(content)
        name, wrote = _put(f"{STORE_DIR}/pieces/{piece_sha[:2]}/{piece_sha}.xz", payload)
        new_pieces[piece_sha] = (name, len(content), len(payload))
        written += [name] if wrote else []
    name, wrote = _put(f"{STORE_DIR}/files/{sha[:2]}/{sha}.v2", packed.blob)
    written += [name] if wrote else []
    try:
        rebuilt = packing.rebuild(
            packed.manifest,
            _get(name),
            piece=_piece_reader(packed.manifest, {s: n for s, (n, _size, _st) in new_pieces.items()}),
            base=members,
            deflated=packed.deflated,
        )
    except (OSError, ValueError, lzma.LZMAError, zstandard.ZstdError, zlib.error) as exc:
        remove_unreferenced(written)
        raise WorkbookDamaged(f"workbook {sha}: {exc}") from exc
    if _sha(rebuilt) != sha:
        remove_unreferenced(written)
        raise WorkbookDamaged(f"workbook {sha} does not rebuild from what was just stored")
    fields = {
        "size": len(data),
        "stored_size": len(packed.blob),
        "codec": "reflate",
        "manifest": packed.manifest,
        "file": name,
        "format_version": StoredWorkbook.Format.REFLATED,
        "family": family,
        "base": base,
        "zlib_version": reflate.ZLIB_VERSION,
        "new_pieces": new_pieces,
    }
    return fields, written


def save_pieces(new_pieces: dict[str, tuple[str, int, int]]) -> None:
    for piece_sha, (name, size, stored) in new_pieces.items():
        try:
            with transaction.atomic():
                WorkbookPiece.objects.get_or_create(
                    sha256=piece_sha, defaults={"size": size, "stored_size": stored, "file": name}
                )
        except IntegrityError:  # stored by a concurrent upload meanwhile
            pass


def remove_unreferenced(names: list[str]) -> None:
    """Files this call wrote that no committed record uses (a failed store leaves nothing behind)."""
    for name in names:
        in_use = WorkbookPiece.objects.filter(file=name).exists() or StoredWorkbook.objects.filter(file=name).exists()
        if not in_use:
            default_storage.delete(name)


def store_workbook(data: bytes, *, template: str = "") -> StoredWorkbook:
    """The stored workbook with these exact bytes, stored now unless it already is. `template` ("CMRT 6.4"),
    when known, keeps each template version's files in their own family."""
    sha = _sha(data)
    found = StoredWorkbook.objects.filter(sha256=sha).first()
    if found is not None:
        return found
    try:
        fields, written = pack_reflated(data, sha, template)
    except WorkbookDamaged as exc:
        logger.warning("workbook store: %s; kept in format 1", exc)
        return _store_whole_members(data, sha)
    new_pieces = fields.pop("new_pieces")
    try:
        with transaction.atomic():
            save_pieces(new_pieces)
            return StoredWorkbook.objects.create(sha256=sha, **fields)
    except IntegrityError:  # the same file stored by a concurrent upload meanwhile
        found = StoredWorkbook.objects.filter(sha256=sha).first()
        if found is None:
            raise
        remove_unreferenced(written)
        return found
    except BaseException:
        remove_unreferenced(written)
        raise


def workbook_bytes(workbook: StoredWorkbook) -> bytes:
    """The original file, byte for byte, or WorkbookDamaged."""
    try:
        if workbook.format_version == StoredWorkbook.Format.WHOLE_MEMBERS:
            out = _whole_members_bytes(workbook)
        else:
            members = _base_members(workbook.base) if workbook.base_id else None
            out = packing.rebuild(
                workbook.manifest, _get(workbook.file.name), piece=_piece_reader(workbook.manifest), base=members
            )
    except (OSError, KeyError, IndexError, TypeError, ValueError, lzma.LZMAError, zstandard.ZstdError, zlib.error) as exc:
        raise WorkbookDamaged(f"workbook {workbook.sha256}: {exc}") from exc
    if _sha(out) != workbook.sha256:
        raise WorkbookDamaged(f"workbook {workbook.sha256} does not rebuild to its SHA-256")
    return out


def submission_bytes(submission: Submission) -> bytes | None:
    """The file a supplier sent, or None when it is no longer there; WorkbookDamaged when its stored copy no
    longer rebuilds (the page says so rather than serve a wrong file)."""
    if submission.workbook_id:
        return workbook_bytes(submission.workbook)
    if submission.file and submission.file.name:
        try:
            with submission.file.storage.open(submission.file.name, "rb") as handle:
                return handle.read()
        except OSError:
            return None
    return None
