"""Ranking search hits: word-order-insensitive, Chinese characters and their pinyin, small typos.

Plain Python on purpose (no Django): the database finds candidates, this module decides how well each one
matches, so SQLite and PostgreSQL rank the same way.
"""

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+", re.UNICODE)
_LATIN_WORD = re.compile(r"^[a-z]+$")

# How much one query term earns, by how it matched a field.
EXACT_WORD, WORD_PREFIX, SUBSTRING, PINYIN, FUZZY = 3.0, 2.0, 1.0, 1.5, 0.5
PHRASE_BONUS, WHOLE_FIELD_BONUS = 2.0, 5.0
FUZZY_CUTOFF = 85  # rapidfuzz partial ratio a term needs to count as a typo of a word


def normalize(text: str) -> str:
    """Full-width to half-width, case folded, punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(text))


def terms(query: str) -> list[str]:
    """The words of a query, each once, in order; at most eight (a search box, not a document)."""
    seen: list[str] = []
    for word in normalize(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:8]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def could_be_pinyin(term: str) -> bool:
    return bool(_LATIN_WORD.match(term))


@lru_cache(maxsize=50_000)
def pinyin_forms(text: str) -> tuple[str, str]:
    """("shenzhenfuchang...", "szfc...") for the Chinese characters of a text; ("", "") without any."""
    if not has_cjk(text):
        return "", ""
    han = "".join(_CJK.findall(text))
    syllables = lazy_pinyin(han, errors="ignore")
    initials = lazy_pinyin(han, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()


def pinyin_match(term: str, text: str) -> bool:
    """A Latin term inside the pinyin of the text's Chinese characters (full, or initials from 3 letters)."""
    if not (could_be_pinyin(term) and len(term) >= 2):
        return False
    full, initials = pinyin_forms(text)
    return bool(full) and (term in full or (len(term) >= 3 and term in initials))


def _term_score(term: str, field: str, words: list[str]) -> float:
    if term in words:
        return EXACT_WORD
    if any(w.startswith(term) for w in words):
        return WORD_PREFIX
    if term in field:
        return SUBSTRING
    if pinyin_match(term, field):
        return PINYIN
    if len(term) >= 4 and words and max(fuzz.ratio(term, w) for w in words) >= FUZZY_CUTOFF:
        return FUZZY
    return 0.0


def score(query: str, fields: list[str], weights: list[float] | None = None) -> float:
    """How well a record (its searchable fields, most important first) matches a query; 0 when a term is missing.

    Every term must match some field (word order does not matter); each earns the best it gets in any
    field, times that field's weight. The whole query inside a field, or equal to it, earns a bonus.
    """
    query_terms = terms(query)
    if not query_terms:
        return 0.0
    weights = weights or [1.0] * len(fields)
    normalized = [normalize(f) for f in fields]
    split = [n.split() for n in normalized]
    total = 0.0
    for term in query_terms:
        fields_scored = zip(normalized, split, weights, strict=False)
        best = max((_term_score(term, n, w) * weight for n, w, weight in fields_scored), default=0.0)
        if best == 0.0:
            return 0.0
        total += best
    phrase = normalize(query)
    for n, weight in zip(normalized, weights, strict=False):
        if n == phrase:
            total += WHOLE_FIELD_BONUS * weight
            break
        if phrase in n:
            total += PHRASE_BONUS * weight
            break
    return round(total, 3)
