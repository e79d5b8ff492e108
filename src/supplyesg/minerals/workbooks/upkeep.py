"""Keeping the workbook store sound: moving files kept whole into it, repacking format 1 records in format 2,
and checking that every stored file still rebuilds (after moving to a host whose zlib may deflate otherwise)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction

from supplyesg.minerals.cmrt import reflate
from supplyesg.minerals.models import StoredWorkbook, Submission
from supplyesg.minerals.workbooks.storing import (
    WorkbookDamaged,
    forget_bases,
    pack_reflated,
    remove_unreferenced,
    save_pieces,
    store_workbook,
    workbook_bytes,
)


def template_of(submission: Submission | None) -> str:
    """The template and version a submission was read as ("CMRT 6.4"), for the file's family."""
    if submission is None:
        return ""
    return f"{submission.template} {submission.template_version}".strip()


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
                workbook = store_workbook(data, template=template_of(submission))
                Submission.objects.filter(pk=submission.pk).update(workbook=workbook, file="")
                transaction.on_commit(lambda name=name: default_storage.delete(name))
            moved += 1
            freed += len(data)


@dataclass
class Repacked:
    repacked: int = 0
    unreadable: list[str] = field(default_factory=list)  # SHA-256 of format 1 records that no longer rebuild
    kept: int = 0  # rebuilt in format 2 differently: they stay in format 1
    before: int = 0  # their own stored bytes in format 1
    after: int = 0  # and in format 2


def repack_stored(batch: int = 50) -> Repacked:
    """Rewrite format 1 records in format 2 in place (submissions keep pointing at them), each in its own
    transaction; the format 1 file is deleted only once its record's change commits. Pieces of format 1 stay
    (other records may share them). Idempotent: run again, it repacks what is left."""
    result = Repacked()
    last = 0
    while True:
        chunk = list(
            StoredWorkbook.objects.filter(format_version=StoredWorkbook.Format.WHOLE_MEMBERS, pk__gt=last).order_by("pk")[:batch]
        )
        if not chunk:
            return result
        for workbook in chunk:
            last = workbook.pk
            _repack_one(workbook, result)


def _repack_one(workbook: StoredWorkbook, result: Repacked) -> None:
    try:
        data = workbook_bytes(workbook)
    except WorkbookDamaged:
        result.unreadable.append(workbook.sha256)
        return
    try:
        fields, written = pack_reflated(data, workbook.sha256, template_of(workbook.submissions.order_by("pk").first()))
    except WorkbookDamaged:
        result.kept += 1
        return
    new_pieces = fields.pop("new_pieces")
    old_name = workbook.file.name
    try:
        with transaction.atomic():
            changed = StoredWorkbook.objects.filter(pk=workbook.pk, format_version=StoredWorkbook.Format.WHOLE_MEMBERS).update(
                **fields
            )
            if changed:
                save_pieces(new_pieces)
                transaction.on_commit(lambda: default_storage.delete(old_name))
    except BaseException:
        remove_unreferenced(written)
        raise
    if not changed:  # repacked by a concurrent run meanwhile
        remove_unreferenced(written)
        return
    result.repacked += 1
    result.before += workbook.stored_size
    result.after += fields["stored_size"]


@dataclass
class Verified:
    checked: int = 0
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (SHA-256, why)
    formats: Counter = field(default_factory=Counter)
    zlib_versions: Counter = field(default_factory=Counter)
    host_zlib: str = reflate.ZLIB_VERSION


def verify_stored(batch: int = 200) -> Verified:
    """Rebuild every stored workbook and check its SHA-256; bases are read again from storage."""
    forget_bases()
    result = Verified()
    for workbook in StoredWorkbook.objects.select_related("base").order_by("pk").iterator(chunk_size=batch):
        result.checked += 1
        result.formats[workbook.format_version] += 1
        if workbook.zlib_version:
            result.zlib_versions[workbook.zlib_version] += 1
        try:
            workbook_bytes(workbook)
        except WorkbookDamaged as exc:
            result.damaged.append((workbook.sha256, str(exc)))
    forget_bases()
    return result
