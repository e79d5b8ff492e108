"""Company names taken apart into the words that decide and the words that do not.

``normalize_company`` turns a name as a supplier writes it into a ``CompanyName``: legal form
removed (cleanco's list of legal forms in many languages, plus the leading forms PT / JSC / OOO),
abbreviations expanded (Co, Ind., Tech., Intl, Mfg, Metals), Chinese characters turned into the
same English/pinyin words a romanised name uses (pypinyin plus the term table in
``vocabulary``), and every remaining word classed as a place (province, city, country, a
bracketed "(Changzhou)" qualifier), a common word (metal, tin, smelting, group) or a distinctive
word (the trade name). ``compare_companies`` scores two names 0-100 on those classes and says why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from cleanco.clean import prepare_default_terms
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .countries import country_name, country_words, resolve_country
from .vocabulary import (
    ABBREVIATIONS,
    CHINESE_LEGAL_FORMS,
    CHINESE_PROVINCES,
    CHINESE_TERMS,
    CITY_WORDS,
    COMMON_WORDS,
    PLACE_SUFFIXES,
    STOP_WORDS,
)

DISTINCTIVE_WEIGHT = 1.0
PLACE_WEIGHT = 0.6
LONE_PLACE_WEIGHT = 0.25  # a place only one name mentions, not contradicted by the other's site
COMMON_WEIGHT = 0.15
TYPO_SIMILARITY = 0.9
COUNTRY_MISMATCH_PENALTY = 30.0
PLACE_CONFLICT_CAP = 55.0
CORE_CONFLICT_CAP = 40.0

_CJK = re.compile(r"[\u3400-\u9fff]+")
_BRACKETS = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_DOTTED = re.compile(r"(?<=\b\w)\.(?=\w\b)")
_TRANSLIT = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "œ": "oe", "đ": "d"})

# cleanco words that are also ordinary words or country codes here: never stripped as legal forms.
_NOT_LEGAL = {"uk", "ent", "et", "de", "se", "ss", "ok", "ca", "at", "ad", "ep", "eu", "ee", "ec", "fa", "pp", "pc"}
_LEADING_LEGAL = {"pt", "cv", "jsc", "pjsc", "ojsc", "cjsc", "oao", "zao", "ooo", "ao", "pao", "tbk", "the"}
_ANYWHERE_LEGAL = {
    "co",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "gmbh",
    "llc",
    "corp",
    "corporation",
    "company",
    "plc",
    "pte",
    "pty",
    "pvt",
    "bhd",
    "sdn",
    "tbk",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
}
_ENGLISH_PLACE_SUFFIXES = {"city", "province", "county", "prefecture", "district", "region", "autonomous", "town"}
_JOINS = {
    ("non", "ferrous"): "nonferrous",
    ("hi", "tech"): "hightech",
    ("hong", "kong"): "hongkong",
    ("high", "tech"): "hightech",
    ("rare", "metal"): "raremetal",
}


@lru_cache(maxsize=1)
def _legal_terms() -> tuple[tuple[str, ...], ...]:
    terms = set()
    for _, words in prepare_default_terms():
        folded = tuple(w for w in (_PUNCT.sub(" ", " ".join(words)).split()) if w)
        if folded and not (len(folded) == 1 and folded[0] in _NOT_LEGAL):
            terms.add(folded)
    terms.update(
        {
            ("company",),
            ("co",),
            ("limited",),
            ("ltd",),
            ("sl",),
            ("slu",),
            ("s", "l", "u"),
            ("public", "company"),
            ("joint", "stock", "company"),
            ("pvt",),
            ("pjsc",),
            ("cjsc",),
            ("ojsc",),
            ("coltd",),
            ("joint", "stock"),
            ("joint", "stock", "co"),
            ("jsc",),
            ("k", "k"),
            ("s", "a"),
            ("s", "p", "a"),
            ("b", "v"),
            ("n", "v"),
        }
    )
    return tuple(sorted(terms, key=len, reverse=True))


@lru_cache(maxsize=1)
def builtin_places() -> frozenset[str]:
    return frozenset(CHINESE_PROVINCES.values()) | CITY_WORDS | country_words() | {"hongkong", "macau"}


@dataclass(frozen=True)
class CompanyName:
    original: str
    tokens: tuple[str, ...]  # canonical words in order, legal form removed
    distinctive: tuple[str, ...]
    common: tuple[str, ...]
    places: tuple[str, ...]  # places written in the name
    legal_form: str = ""
    qualifiers: tuple[str, ...] = ()  # places written as "(Changzhou)" or trailing
    country: str | None = None  # ISO alpha-2
    site_places: frozenset[str] = field(default_factory=frozenset)  # the site's city and province
    pinyin: str = ""  # the name as romanised words ("yunnan tin" for 云南锡业股份有限公司)

    @property
    def core(self) -> tuple[str, ...]:
        """The words that decide: the trade name, or the place when a name has no other."""
        return self.distinctive or self.places

    @property
    def compact(self) -> str:
        return "".join(self.core)

    @property
    def is_vague(self) -> bool:
        return not self.core


@dataclass(frozen=True)
class Match:
    score: float
    reasons: list[str]
    place_conflict: bool = False
    country_conflict: bool = False
    core_conflict: bool = False
    name_score: float | None = None  # the score before the country penalty (same name, another country)

    def __post_init__(self) -> None:
        if self.name_score is None:
            object.__setattr__(self, "name_score", self.score)


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as single spaces (Latin text)."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("+", " and ").replace("'", "").replace("’", "")
    text = _DOTTED.sub("", text)
    return " ".join(_PUNCT.sub(" ", text).split())


def place_words(text: str | None) -> frozenset[str]:
    """'Ganzhou City' / 'Jiangxi Sheng' / '赣州市' -> {'ganzhou'} / {'jiangxi'} / {'ganzhou'}."""
    if not text:
        return frozenset()
    text = unicodedata.normalize("NFKC", text)
    words: list[str] = []
    for run in _CJK.findall(text):
        run = run.rstrip("省市县区")
        words.append(CHINESE_PROVINCES.get(run) or _pinyin(run))
    latin = [w for w in fold(_CJK.sub(" ", text)).split() if w not in PLACE_SUFFIXES]
    if latin:
        words.append("".join(latin))
        words.extend(w for w in latin if len(w) > 3)
    return frozenset(w for w in words if w)


def _pinyin(run: str) -> str:
    return "".join(_syllables(run))


def _syllables(run: str) -> list[str]:
    from pypinyin import lazy_pinyin  # loads its dictionary on first use only

    return [s for s in lazy_pinyin(run) if s.isalnum()]


def _split_cjk(run: str, places: frozenset[str]) -> tuple[list[str], list[str], str]:
    """A run of Chinese characters -> (words, place words, legal form)."""
    legal = ""
    for form in CHINESE_LEGAL_FORMS:
        if form in run:
            legal = form
            run = run.replace(form, " ")
    terms = sorted(CHINESE_TERMS, key=len, reverse=True)
    provinces = sorted(CHINESE_PROVINCES, key=len, reverse=True)
    i = rest_start = 0
    out_words: list[str] = []
    out_places: list[str] = []

    def flush(segment: str) -> None:
        segment = segment.strip()
        if not segment:
            return
        segment_place = segment.endswith(("市", "省", "县", "区"))
        syllables = _syllables(segment.rstrip("市省县区"))
        if not syllables:
            return
        if segment_place:
            out_places.append("".join(syllables))
            return
        # a city written before or after the trade name: 赣州华兴 -> ganzhou + huaxing
        for k in (3, 2):
            if len(syllables) > k and "".join(syllables[:k]) in places:
                out_places.append("".join(syllables[:k]))
                syllables = syllables[k:]
                break
        for k in (3, 2):
            if len(syllables) > k and "".join(syllables[-k:]) in places:
                out_places.append("".join(syllables[-k:]))
                syllables = syllables[:-k]
                break
        joined = "".join(syllables)
        (out_places if joined in places else out_words).append(joined)

    while i < len(run):
        hit = next((p for p in provinces if run.startswith(p, i)), None)
        if hit:
            flush(run[rest_start:i])
            out_places.append(CHINESE_PROVINCES[hit])
            i += len(hit)
            if i < len(run) and run[i] in "省市":
                i += 1
            rest_start = i
            continue
        term = next((t for t in terms if run.startswith(t, i)), None)
        if term:
            flush(run[rest_start:i])
            out_words.extend(CHINESE_TERMS[term])
            i += len(term)
            rest_start = i
            continue
        i += 1
    flush(run[rest_start:])
    return out_words, out_places, legal


@lru_cache(maxsize=1)
def _legal_by_last_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for term in _legal_terms():
        out.setdefault(term[-1], []).append(term)
    return {k: tuple(v) for k, v in out.items()}


def _strip_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    legal: list[str] = []
    by_last = _legal_by_last_word()
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for term in by_last.get(tokens[-1], ()):
            n = len(term)
            if len(tokens) > n and tuple(tokens[-n:]) == term:
                legal[:0] = tokens[-n:]
                tokens = tokens[:-n]
                changed = True
                break
    while len(tokens) > 1 and tokens[0] in _LEADING_LEGAL:
        legal.append(tokens.pop(0))
    kept = []
    for token in tokens:
        (legal if token in _ANYWHERE_LEGAL and len(tokens) > 1 else kept).append(token)
    return kept or tokens, legal


_LONG_COMMON = sorted({w for w in COMMON_WORDS | set(ABBREVIATIONS) if len(w) >= 5})


@lru_cache(maxsize=20_000)
def _spelled_common(token: str) -> str:
    """'tungstne' -> 'tungsten', 'metallurigcal' -> 'metallurgy': a misspelt common word stays common."""
    if len(token) < 5 or token in COMMON_WORDS or not token.isalpha():
        return token
    found = process.extractOne(token, _LONG_COMMON, scorer=OSA.distance, score_cutoff=1 if len(token) < 11 else 2)
    return ABBREVIATIONS.get(found[0], found[0]) if found else token


@lru_cache(maxsize=64)
def _place_set(extra: frozenset[str]) -> tuple[frozenset[str], list[str], dict[str, str | None]]:
    """Known places with the extra ones, the long ones as a list, and a spelling cache."""
    places = builtin_places() | extra
    return places, sorted(w for w in places if len(w) >= 6), {}


def _spelled_place(token: str, extra: frozenset[str]) -> str | None:
    """'tonglng' -> 'tongling' when a known place is one letter left out, added or swapped away."""
    if len(token) < 6 or not token.isalpha():
        return None
    _, long_places, cache = _place_set(extra)
    if token not in cache:
        found = process.extractOne(token, long_places, scorer=OSA.distance, score_cutoff=1)
        # a letter left out, added or swapped; not a changed letter: Jincheng is not Jinchang
        place = found[0] if found and (len(found[0]) != len(token) or sorted(found[0]) == sorted(token)) else None
        if len(cache) < 50_000:
            cache[token] = place
        return place
    return cache[token]


def _canonical(tokens: list[str], spelling: bool = True) -> list[str]:
    out: list[str] = []
    letters: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            letters.append(token)
            continue
        if len(letters) > 1:
            out.append("".join(letters))
        letters = []
        if token:
            token = ABBREVIATIONS.get(token, token)
            out.append(_spelled_common(token) if spelling else token)
    joined: list[str] = []
    for token in out:
        if joined and (joined[-1], token) in _JOINS:
            joined[-1] = _JOINS[(joined[-1], token)]
        else:
            joined.append(token)
    return joined


def normalize_company(
    name: str | None,
    country: str | None = None,
    *,
    city: str | None = None,
    province: str | None = None,
    places: Iterable[str] | None = None,
    spelling: bool = True,
) -> CompanyName:
    """Take a company name apart. ``city``/``province`` describe the site, ``places`` adds place words.

    ``spelling=False`` keeps misspelt words as written (for keys that must only ignore form)."""
    original = name or ""
    extra = places if isinstance(places, frozenset) else frozenset(places or ())
    place_set = _place_set(extra)[0]
    text = unicodedata.normalize("NFKC", original)
    cjk_words: list[str] = []
    cjk_places: list[str] = []
    legal_forms: list[str] = []
    qualifiers: list[str] = []
    for run in _CJK.findall(text):
        words, found_places, legal = _split_cjk(run, place_set)
        cjk_words.extend(words)
        cjk_places.extend(found_places)
        if legal:
            legal_forms.append(legal)
    text = _CJK.sub(" ", text)
    # "(Changzhou)" / "(Group)" / "(Qingyuan Industrial Park)"
    bracketed: list[list[str]] = []
    for inner in _BRACKETS.findall(text):
        bracketed.append(fold(inner).split())
    text = _BRACKETS.sub(" ", text)
    tokens, legal = _strip_legal(fold(text).split())
    legal_forms.extend(legal)
    for words in bracketed:
        words = [w for w in words if w not in PLACE_SUFFIXES] if len(words) > 1 else words
        if words and all(w in place_set or "".join(words) in place_set for w in words):
            qualifiers.append("".join(words))
        else:
            tokens.extend(words)
    tokens = _canonical(tokens, spelling)
    distinctive: list[str] = []
    common: list[str] = []
    found: list[str] = list(cjk_places)
    ordered: list[str] = []
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        if token in _ENGLISH_PLACE_SUFFIXES and len(tokens) > 1 or token in PLACE_SUFFIXES and previous in found:
            if previous and previous not in found and previous in distinctive:
                distinctive.remove(previous)
                found.append(previous)
            continue
        if token in _ANYWHERE_LEGAL or (token in STOP_WORDS and len(tokens) > 1):
            continue
        if spelling and token not in place_set and token not in COMMON_WORDS:
            token = _spelled_place(token, extra) or token
        ordered.append(token)
        if token in place_set:
            found.append(token)
        elif token in COMMON_WORDS:
            common.append(token)
        else:
            distinctive.append(token)
    for word in cjk_words:
        ordered.append(word)
        if word in place_set:
            found.append(word)
        elif word in COMMON_WORDS:
            common.append(word)
        else:
            distinctive.append(word)
    if tokens and tokens[-1] in found and len(tokens) > 1:
        qualifiers.append(tokens[-1])  # "Tin Smelting Gejiu": a trailing place qualifies the name
    found.extend(q for q in qualifiers if q not in found)
    code = resolve_country(country) if country else None
    return CompanyName(
        original=original,
        tokens=tuple(ordered + [q for q in qualifiers if q not in ordered]),
        distinctive=tuple(dict.fromkeys(distinctive)),
        common=tuple(dict.fromkeys(common)),
        places=tuple(dict.fromkeys(found)),
        legal_form=" ".join(legal_forms),
        qualifiers=tuple(dict.fromkeys(qualifiers)),
        country=code,
        site_places=place_words(city) | place_words(province) | _country_places(code),
        pinyin=" ".join(cjk_places + cjk_words) if cjk_words or cjk_places else "",
    )


@lru_cache(maxsize=512)
def _country_places(code: str | None) -> frozenset[str]:
    """The words naming a country ('canada', 'hongkong'): a name may say the country it is in."""
    if not code:
        return frozenset()
    name = fold(country_name(code))
    return frozenset({name.replace(" ", ""), *(w for w in name.split() if len(w) > 3)})


def _similar(x: str, y: str) -> float:
    if x == y:
        return 1.0
    longest = max(len(x), len(y))
    if min(len(x), len(y)) < 5:
        return 0.0
    limit = 1 if longest < 9 else 2
    if OSA.distance(x, y, score_cutoff=limit) <= limit:
        return TYPO_SIMILARITY
    return 0.0


def _align(
    left: tuple[str, ...], right: tuple[str, ...], fuzzy: bool = True
) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """Greedy word alignment, with run-together pinyin ('zhaojin' = 'zhao jin')."""
    matched_left: dict[str, float] = {}
    matched_right: dict[str, float] = {}
    typos: list[str] = []
    for word in left:
        best, best_score = None, 0.0
        for other in right:
            if other in matched_right:
                continue
            score = _similar(word, other) if fuzzy else float(word == other)
            if score > best_score:
                best, best_score = other, score
        if best:
            matched_left[word] = best_score
            matched_right[best] = best_score
            if best_score < 1.0:
                typos.append(f"{word}≈{best}")
    for side, other_side, m_side, m_other in (
        (left, right, matched_left, matched_right),
        (right, left, matched_right, matched_left),
    ):
        rest_other = [w for w in other_side if w not in m_other]
        for word in side:
            if word in m_side or len(rest_other) < 2:
                continue
            for n in (2, 3):
                for start in range(len(rest_other) - n + 1):
                    if "".join(rest_other[start : start + n]) == word:
                        m_side[word] = 1.0
                        for w in rest_other[start : start + n]:
                            m_other[w] = 1.0
    return matched_left, matched_right, typos


def compare_companies(a: CompanyName, b: CompanyName) -> Match:
    """Score two names 0-100 with the reasons a reviewer reads."""
    reasons: list[str] = []
    core_a = a.distinctive
    core_b = b.distinctive
    place_is_core = not core_a and not core_b
    ml, mr, typos = _align(core_a, core_b)
    pl, pr, _ = _align(a.places, b.places, fuzzy=False)
    cl, cr, _ = _align(a.common, b.common)
    if not core_a and not core_b:
        core_weight = PLACE_WEIGHT
    else:
        core_weight = DISTINCTIVE_WEIGHT

    # places a name mentions and the other does not, checked against the other's site
    conflicts: list[str] = []
    place_total_a = place_total_b = place_hit_a = place_hit_b = 0.0
    for places, matched, own, other, side in ((a.places, pl, a, b, "a"), (b.places, pr, b, a, "b")):
        for place in places:
            weight = DISTINCTIVE_WEIGHT if place_is_core else PLACE_WEIGHT
            if place in matched:
                hit = weight
            elif place in other.site_places:
                hit = weight
                reasons.append(f"'{place.title()}' is the site's city, province or country")
            elif (other.site_places - _country_places(other.country)) or any(
                p not in own.places and p not in own.site_places for p in other.places
            ):
                conflicts.append(place)
                hit = 0.0
            else:
                weight, hit = LONE_PLACE_WEIGHT, 0.0
            if side == "a":
                place_total_a += weight
                place_hit_a += hit
            else:
                place_total_b += weight
                place_hit_b += hit
    total = (
        core_weight * (len(core_a) + len(core_b))
        + COMMON_WEIGHT * (len(a.common) + len(b.common))
        + place_total_a
        + place_total_b
    )
    hit = (
        core_weight * (sum(ml.values()) + sum(mr.values()))
        + COMMON_WEIGHT * (sum(cl.values()) + sum(cr.values()))
        + place_hit_a
        + place_hit_b
    )
    score = 100.0 * hit / total if total else 0.0
    words = [w for w in core_a if w in ml] + [p for p in a.places if p in pl]
    if words:
        reasons.insert(0, "words matched: " + ", ".join(words))
    if typos:
        reasons.append("spelling differs: " + ", ".join(typos))
    unmatched = [w for w in core_a if w not in ml] + [w for w in core_b if w not in mr]
    if unmatched:
        reasons.append("words only in one name: " + ", ".join(unmatched))
    core_conflict = bool(core_a and core_b and not ml)
    if place_is_core and a.places and b.places and not pl and not pr:
        core_conflict = True
    if core_conflict:
        score = min(score, CORE_CONFLICT_CAP)
        reasons.append("different names: " + " / ".join(" ".join(n.core) for n in (a, b)))
    place_conflict = bool(conflicts)
    if place_conflict:
        score = min(score, PLACE_CONFLICT_CAP)
        reasons.append("different place: " + ", ".join(sorted(set(conflicts))))
    name_score = round(score, 1)
    country_conflict = bool(a.country and b.country and a.country != b.country)
    if country_conflict:
        score = max(0.0, score - COUNTRY_MISMATCH_PENALTY)
        reasons.append(f"country differs: {country_name(a.country)} / {country_name(b.country)}")
    elif a.country and a.country == b.country:
        reasons.append(f"same country: {country_name(a.country)}")
    return Match(round(score, 1), reasons, place_conflict, country_conflict, core_conflict, name_score)


@lru_cache(maxsize=50_000)
def company_key(name: str) -> str:
    """Legal form, punctuation, abbreviations and word order removed, spelling kept: two names with the
    same key differ only in form ("Tongli Wire Harness (Changzhou) Co., Ltd." = "Changzhou Tongli Wire Harness")."""
    return " ".join(sorted(set(normalize_company(name, spelling=False).tokens))) or fold(name)


def normalize_registration_id(value: object) -> str:
    """'91320 400-MA1X' and '91320400ma1x' compare equal: no spaces, dashes, dots or case."""
    return re.sub(r"[\s\-./_]+", "", str(value or "")).upper()


def clear_caches() -> None:
    """Forget cached spellings and place lists (benchmarks measure cold runs)."""
    _place_set.cache_clear()
    _spelled_common.cache_clear()
    company_key.cache_clear()
