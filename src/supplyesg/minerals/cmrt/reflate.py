"""A zip's members as their uncompressed data plus the deflate settings that give back their exact bytes.

Excel rewrites every sheet and the shared strings on each save, so two supplier files of the same template
share almost no compressed bytes, while their uncompressed XML is nearly the same. Nearly every deflated member
written by Excel (and by most RMI templates) is reproduced byte for byte by zlib at some (level, memLevel), as
precomp's "reflate" does: such a member is kept uncompressed (which compresses far better and deltas against
another file's member), with the settings that rebuild it. A member no setting reproduces (some templates were
written by another deflate) keeps its stored bytes. Everything else of the zip (local headers, the central
directory, data descriptors, gaps) is kept as it is, so the file rebuilds exactly.

Deflate output is stable across zlib 1.2.x and 1.3.x but not across other implementations (zlib-ng): the
version is recorded with each file and `supplyesg minerals_verify_store` proves the rebuild on a new host.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from supplyesg.minerals.cmrt.chunks import member_spans

ZLIB_VERSION = zlib.ZLIB_RUNTIME_VERSION
MAX_MEMBER = 64 * 1024 * 1024  # larger uncompressed members keep their compressed bytes (bombs, memory)
STEP = 256 * 1024  # compare the output every STEP input bytes, so a setting that does not fit stops early
# Tried in this order: Excel and the RMI templates use level 6 (level 1 for a few tiny parts); then the rest.
SETTINGS: tuple[tuple[int, int], ...] = (
    (6, 8),
    (1, 8),
    (1, 9),
    (6, 9),
    *((level, mem) for mem in (8, 9) for level in (9, 5, 4, 3, 2, 7, 8)),
)
# A file whose first GIVE_UP deflated members no setting reproduces was written by another deflate: its other
# members are not tried (each try costs a compression; a zip may hold 2,000 members).
GIVE_UP = 16
# Compressed members this process has already reproduced, by the SHA-256 of their stored bytes, with the setting that
# did it: the same stored bytes inflate to the same data, which the same zlib deflates back to the same bytes, so
# the trial compression is skipped. Files written by one program from one template (a bulk import, a supplier's
# yearly resubmission) repeat most of their members byte for byte (the RMI reference sheets, styles, the theme);
# trying the settings was a third of storing such a file. At most KNOWN_MEMBERS entries (32-byte keys).
KNOWN_MEMBERS = 4096
_known: OrderedDict[bytes, tuple[int, int]] = OrderedDict()
_known_lock = threading.Lock()


@dataclass(frozen=True)
class Member:
    """One zip member's data: `content` is what is kept; `deflate` the (level, memLevel) that deflates it back
    to the member's exact stored bytes, or None when `content` is those stored bytes."""

    name: str
    content: bytes
    deflate: tuple[int, int] | None
    packed: bytes  # the member's stored (compressed) bytes in the zip

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Layout:
    """The file in order: `parts` are lengths of the zip's own bytes (int, taken in turn from `own`) and members."""

    own: bytes
    parts: list[int | Member]

    @property
    def members(self) -> list[Member]:
        return [part for part in self.parts if isinstance(part, Member)]

    def family(self, hint: str = "") -> str:
        """Files of one family delta well against each other: the same template (`hint`, e.g. "CMRT 6.4", when
        the caller knows it) and the same structure (sheet and image parts; printer settings, metadata and the
        calculation chain come and go with each save). Not a zip: no family."""
        names = sorted(
            m.name
            for m in self.members
            if (m.name.startswith("xl/worksheets/") and "/_rels/" not in m.name) or m.name.startswith("xl/media/")
        )
        if not names:
            return ""
        return hashlib.sha256("\n".join([hint, *names]).encode()).hexdigest()


def deflate(content: bytes, settings: tuple[int, int]) -> bytes:
    level, mem = settings
    packer = zlib.compressobj(level, zlib.DEFLATED, -15, mem)
    return packer.compress(content) + packer.flush()


def _deflates_to(content: bytes, packed: bytes, settings: tuple[int, int]) -> bool:
    level, mem = settings
    packer = zlib.compressobj(level, zlib.DEFLATED, -15, mem)
    view = memoryview(content)
    done = 0
    for start in range(0, len(content), STEP):
        out = packer.compress(view[start : start + STEP])
        if out:
            if packed[done : done + len(out)] != out:
                return False
            done += len(out)
    out = packer.flush()
    return done + len(out) == len(packed) and packed[done:] == out


def _inflate(packed: bytes) -> bytes | None:
    """The member's data, or None unless `packed` is exactly one complete raw deflate stream of sane size."""
    unpacker = zlib.decompressobj(-15)
    try:
        content = unpacker.decompress(packed, MAX_MEMBER + 1)
    except zlib.error:
        return None
    if not unpacker.eof or unpacker.unused_data or unpacker.unconsumed_tail or len(content) > MAX_MEMBER:
        return None
    return content


def reflate(packed: bytes, prefer: tuple[int, int] | None = None) -> tuple[bytes, tuple[int, int]] | None:
    """(data, settings) that deflate back to exactly `packed`, or None. `prefer`: tried first (the setting
    that fitted the file's previous member)."""
    content = _inflate(packed)
    if content is None:
        return None
    key = hashlib.sha256(packed).digest()
    with _known_lock:
        known = _known.get(key)
        if known is not None:
            _known.move_to_end(key)
    if known is not None:
        return content, known
    for settings in ([prefer] if prefer else []) + [s for s in SETTINGS if s != prefer]:
        if _deflates_to(content, packed, settings):
            with _known_lock:
                _known[key] = settings
                while len(_known) > KNOWN_MEMBERS:
                    _known.popitem(last=False)
            return content, settings
    return None


def split(data: bytes) -> Layout:
    """The file as its own bytes and its members, each reflated when zlib reproduces it."""
    own = bytearray()
    parts: list[int | Member] = []
    position = 0
    last: tuple[int, int] | None = None
    misses = 0
    for info, start, end in member_spans(data):
        if start > position:
            parts.append(start - position)
            own += data[position:start]
        packed = data[start:end]
        found = None
        tried = last is not None or misses < GIVE_UP
        if tried and info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1:  # not encrypted
            found = reflate(packed, prefer=last)
            misses += found is None
        if found is None:
            parts.append(Member(info.filename, packed, None, packed))
        else:
            last = found[1]
            parts.append(Member(info.filename, found[0], found[1], packed))
        position = end
    if position < len(data):
        parts.append(len(data) - position)
        own += data[position:]
    return Layout(bytes(own), parts)
