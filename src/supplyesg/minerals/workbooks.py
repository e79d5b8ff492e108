"""Keeping declaration workbooks: deduplicated by content hash, shared pieces stored once, lzma-compressed.

At 20,000 files a year kept whole (about 1.4 MB each) the media grew by 28 GB a year. A file is now stored
once whatever the number of submissions carrying it, and its zip members shared with files written alike (the
RMI look-up sheets, styles, images) are stored once for all of them. `workbook_bytes` gives back the exact
original bytes (checked against the file's SHA-256). Storage is Django's default storage: the filesystem
under MEDIA_ROOT, or S3-compatible object storage when configured (README "Run in production").
"""

from __future__ import annotations

import hashlib
import lzma

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from supplyesg.minerals.cmrt.chunks import split_zip
from supplyesg.minerals.models import StoredWorkbook, Submission, WorkbookPiece

STORE_DIR = "minerals/store"
PRESET = 6  # lzma level: 9 gains ~1 % more at several times the time


class WorkbookDamaged(Exception):
    """The stored pieces no longer rebuild the file (a piece missing or altered in storage)."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _save(kind: str, sha: str, data: bytes) -> tuple[str, int]:
    packed = lzma.compress(data, preset=PRESET)
    name = f"{STORE_DIR}/{kind}/{sha[:2]}/{sha}.xz"
    if default_storage.exists(name):  # left by a rolled-back upload; reused only when it holds these bytes
        with default_storage.open(name, "rb") as handle:
            if handle.read() == packed:
                return name, len(packed)
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(packed)), len(packed)


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


def store_workbook(data: bytes) -> StoredWorkbook:
    """The stored workbook with these exact bytes, stored now unless it already is."""
    sha = _sha(data)
    found = StoredWorkbook.objects.filter(sha256=sha).first()
    if found is not None:
        return found
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
    shared_stored = 0  # shared pieces are counted once, with the piece
    try:
        with transaction.atomic():
            return StoredWorkbook.objects.create(
                sha256=sha, size=len(data), stored_size=stored + shared_stored, manifest=manifest, file=name
            )
    except IntegrityError:
        return StoredWorkbook.objects.get(sha256=sha)


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return lzma.decompress(handle.read())


def workbook_bytes(workbook: StoredWorkbook) -> bytes:
    """The original file, byte for byte."""
    try:
        own = _read(workbook.file.name)
        pieces = {
            p.sha256: p.file.name
            for p in WorkbookPiece.objects.filter(sha256__in=[i[1] for i in workbook.manifest if i[0] == "shared"])
        }
        out = bytearray()
        position = 0
        for item in workbook.manifest:
            if item[0] == "own":
                out += own[position : position + item[1]]
                position += item[1]
            else:
                out += _read(pieces[item[1]])
    except (OSError, KeyError, lzma.LZMAError) as exc:
        raise WorkbookDamaged(str(exc)) from exc
    if _sha(bytes(out)) != workbook.sha256:
        raise WorkbookDamaged(f"workbook {workbook.sha256} does not rebuild")
    return bytes(out)


def submission_bytes(submission: Submission) -> bytes | None:
    """The file a supplier sent, or None when it is no longer there."""
    if submission.workbook_id:
        try:
            return workbook_bytes(submission.workbook)
        except WorkbookDamaged:
            return None
    if submission.file and submission.file.name:
        try:
            with submission.file.storage.open(submission.file.name, "rb") as handle:
                return handle.read()
        except OSError:
            return None
    return None


def store_existing(batch: int = 200) -> tuple[int, int, int]:
    """Move submissions kept whole (before stored workbooks) into the store; their old files are removed once
    the move commits. Returns (moved, missing, bytes freed). Idempotent: run again, it moves what is left."""
    moved = missing = freed = 0
    last = 0
    while True:
        chunk = list(Submission.objects.filter(workbook__isnull=True, pk__gt=last).exclude(file="").order_by("pk")[:batch])
        if not chunk:
            return moved, missing, freed
        for submission in chunk:
            last = submission.pk
            name = submission.file.name
            try:
                with submission.file.storage.open(name, "rb") as handle:
                    data = handle.read()
            except OSError:
                missing += 1
                continue
            with transaction.atomic():
                workbook = store_workbook(data)
                Submission.objects.filter(pk=submission.pk).update(workbook=workbook, file="")
                transaction.on_commit(lambda name=name: default_storage.delete(name))
            moved += 1
            freed += len(data)
