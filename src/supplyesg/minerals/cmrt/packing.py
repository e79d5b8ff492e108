"""Stored workbook format 2: reflated members, deltas against a base file of the same family, pieces shared.

A file is kept as one blob plus a manifest (JSON, in the database). The blob holds one lzma section with the
zip's own bytes and the members kept plainly, then one zstd section per member kept as a delta against the
same-named member of the family's base file (zstd with the base member as a raw-content dictionary). A member
can also be a shared piece (stored once by its SHA-256 for every file that has it) or be equal to the base's.
Rebuilding needs at most the base and the file (a base has no base), and every member is checked against its
SHA-256 before it is deflated back, so damage names the member.

Delta level, measured on the six Excel-saved CMRT 6.4 files (each against one base, zstd deltas only):
level 6 ~202 KB per file in 0.22 s, 9 ~200 KB in 0.32 s, 10 ~184-201 KB in 0.33-0.45 s, 12 ~166-185 KB in 0.7 s;
levels 13-19 (binary-tree and optimal parsers) load a 5 MB dictionary slowly: 16 ~130 KB in 4 s, 19 ~100 KB
in 20 s. Level 10 keeps a whole store (reflate, deltas, rebuild check) under a second on a loaded 2-core host.
"""

from __future__ import annotations

import hashlib
import lzma
from collections.abc import Callable
from dataclasses import dataclass, field

import zstandard

from supplyesg.minerals.cmrt.reflate import ZLIB_VERSION, Layout, Member, deflate

FORMAT = 2
DELTA_LEVEL = 10
ESTIMATE_LEVEL = 3  # a fast plain compression, to tell a delta that does not pay
# lzma level: 6 for small data; on multi-megabyte XML (a 5.7 MB look-up sheet) its binary-tree match finder
# takes 12.7 s for 146 KB where level 2 (hash chains) takes 0.25 s for 170 KB.
LZMA_PRESET = 6
LARGE_PRESET = 2
LARGE = 512 * 1024
MIN_PIECE = 16 * 1024  # a base file's members this large become pieces shared by every file that has them
MIN_DELTA = 1024  # smaller members go with the plain section
MAX_WINDOW_LOG = 27  # 128 MB: zstd's default decoder limit; base member + member beyond it: no delta
REBASE = 0.5  # deltas above half of a plain compression: the file starts a new base of its family


class Damaged(ValueError):
    """The stored data do not give back the file (a section, piece or base member missing or altered)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def squeeze(data: bytes) -> bytes:
    """lzma (xz) at the level that suits the size."""
    return lzma.compress(data, preset=LZMA_PRESET if len(data) <= LARGE else LARGE_PRESET)


def _window_log(total: int) -> int:
    return max(10, total.bit_length())


def delta(reference: bytes, data: bytes, level: int = DELTA_LEVEL) -> bytes:
    params = zstandard.ZstdCompressionParameters.from_level(
        level, window_log=_window_log(len(reference) + len(data)), source_size=len(data)
    )
    dictionary = zstandard.ZstdCompressionDict(reference, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    return zstandard.ZstdCompressor(dict_data=dictionary, compression_params=params).compress(data)


def undelta(reference: bytes, packed: bytes, size: int) -> bytes:
    if zstandard.frame_content_size(packed) != size:
        raise Damaged("delta frame of the wrong size")
    dictionary = zstandard.ZstdCompressionDict(reference, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    return zstandard.ZstdDecompressor(dict_data=dictionary, max_window_size=1 << MAX_WINDOW_LOG).decompress(packed)


@dataclass
class Packed:
    manifest: dict
    blob: bytes
    new_pieces: dict[str, bytes] = field(default_factory=dict)  # sha256 -> content, to store as pieces
    deflated: dict[tuple[str, int, int], bytes] = field(default_factory=dict)  # proven deflate results
    delta_size: int = 0
    estimate: int = 0  # a plain compression of the same members

    @property
    def poor_delta(self) -> bool:
        return self.estimate > 0 and self.delta_size > REBASE * self.estimate


def pack(layout: Layout, *, base: dict[str, bytes] | None, pieces: set[str]) -> Packed:
    """The blob and manifest of a file. `base`: the family base's members by name (None: this file is a base,
    its large members become pieces); `pieces`: SHA-256 of the pieces already stored."""
    plain = bytearray(layout.own)
    deltas = bytearray()
    parts: list = []
    packed = Packed(manifest={}, blob=b"")
    base_sha = {name: sha256(content) for name, content in (base or {}).items()}
    for part in layout.parts:
        if isinstance(part, int):
            parts.append(part)
            continue
        sha = part.sha256
        entry = {
            "name": part.name,
            "sha256": sha,
            "size": len(part.content),
            "deflate": list(part.deflate) if part.deflate else None,
            "packed_size": len(part.packed),
        }
        if part.deflate:
            packed.deflated[(sha, *part.deflate)] = part.packed
        reference = (base or {}).get(part.name)
        if reference is not None and base_sha[part.name] == sha:
            entry["source"] = "base"
        elif sha in pieces or sha in packed.new_pieces:
            entry["source"] = "piece"
        elif base is None and len(part.content) >= MIN_PIECE:
            entry["source"] = "piece"
            packed.new_pieces[sha] = part.content
        elif reference is not None and len(part.content) >= MIN_DELTA and _fits_window(reference, part):
            entry.update(_delta_or_plain(part, reference, deltas, plain, packed))
        else:
            entry.update(source="plain", at=len(plain), length=len(part.content))
            plain += part.content
        parts.append(entry)
    section = squeeze(bytes(plain))
    packed.blob = section + bytes(deltas)
    shift = len(section)
    for entry in parts:
        if isinstance(entry, dict) and entry["source"] == "delta":
            entry["at"] += shift
    packed.manifest = {"format": FORMAT, "zlib": ZLIB_VERSION, "plain": [0, len(section), len(plain)], "parts": parts}
    return packed


def _fits_window(reference: bytes, member: Member) -> bool:
    return len(reference) + len(member.content) < 1 << MAX_WINDOW_LOG


def _delta_or_plain(member: Member, reference: bytes, deltas: bytearray, plain: bytearray, packed: Packed) -> dict:
    """A delta when it is smaller than a plain compression would be; else the member goes to the plain section."""
    made = delta(reference, member.content)
    estimate = len(zstandard.ZstdCompressor(level=ESTIMATE_LEVEL).compress(member.content))
    packed.estimate += estimate
    if len(made) < estimate:
        packed.delta_size += len(made)
        at = len(deltas)
        deltas += made
        return {"source": "delta", "at": at, "length": len(made)}
    packed.delta_size += estimate
    at = len(plain)
    plain += member.content
    return {"source": "plain", "at": at, "length": len(member.content)}


def uses_base(manifest: dict) -> bool:
    return any(isinstance(p, dict) and p["source"] in ("base", "delta") for p in manifest["parts"])


def piece_names(manifest: dict) -> list[str]:
    return sorted({p["sha256"] for p in manifest["parts"] if isinstance(p, dict) and p["source"] == "piece"})


def _plain(manifest: dict, blob: bytes) -> bytes:
    at, length, size = manifest["plain"]
    try:
        plain = lzma.decompress(blob[at : at + length])
    except lzma.LZMAError as exc:
        raise Damaged(f"plain section: {exc}") from exc
    if len(plain) != size:
        raise Damaged("plain section of the wrong size")
    return plain


def _content(entry: dict, blob: bytes, plain: bytes, piece: Callable[[str], bytes], base: dict[str, bytes] | None) -> bytes:
    source, name = entry["source"], entry["name"]
    try:
        if source == "plain":
            content = plain[entry["at"] : entry["at"] + entry["length"]]
        elif source == "piece":
            content = piece(entry["sha256"])
        elif base is None or name not in base:
            raise Damaged(f"{name}: the base file's member is missing")
        elif source == "base":
            content = base[name]
        else:
            content = undelta(base[name], blob[entry["at"] : entry["at"] + entry["length"]], entry["size"])
    except zstandard.ZstdError as exc:
        raise Damaged(f"{name}: {exc}") from exc
    if len(content) != entry["size"] or sha256(content) != entry["sha256"]:
        raise Damaged(f"{name}: does not match its SHA-256")
    return content


def member_contents(
    manifest: dict, blob: bytes, *, piece: Callable[[str], bytes], base: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    """Each member's kept data by name (the first of a name), checked: what a file of the family deltas against."""
    plain = _plain(manifest, blob)
    found: dict[str, bytes] = {}
    for entry in manifest["parts"]:
        if isinstance(entry, dict) and entry["name"] not in found:
            found[entry["name"]] = _content(entry, blob, plain, piece, base)
    return found


def rebuild(
    manifest: dict,
    blob: bytes,
    *,
    piece: Callable[[str], bytes],
    base: dict[str, bytes] | None = None,
    deflated: dict[tuple[str, int, int], bytes] | None = None,
) -> bytes:
    """The original file's bytes. `deflated`: deflate results proven moments ago on the same data (when
    storing), so the check before commit need not deflate everything a second time."""
    if manifest.get("format") != FORMAT:
        raise Damaged(f"unknown stored format {manifest.get('format')!r}")
    plain = _plain(manifest, blob)
    out = bytearray()
    position = 0
    for entry in manifest["parts"]:
        if isinstance(entry, int):
            out += plain[position : position + entry]
            position += entry
            continue
        content = _content(entry, blob, plain, piece, base)
        if entry["deflate"]:
            settings = tuple(entry["deflate"])
            proven = (deflated or {}).get((entry["sha256"], *settings))
            content = proven if proven is not None else deflate(content, settings)
        if len(content) != entry["packed_size"]:
            raise Damaged(f"{entry['name']}: deflates to {len(content)} bytes, not {entry['packed_size']}")
        out += content
    return bytes(out)
