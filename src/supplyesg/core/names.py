"""Company-name normalisation shared by duplicate detection and smelter matching. No Django import."""

import re
import unicodedata

# Legal-form words removed before comparing names (longest first so "company limited" wins over "limited").
LEGAL_SUFFIXES = sorted(
    {
        "co ltd",
        "co limited",
        "company limited",
        "company ltd",
        "corporation",
        "corp",
        "incorporated",
        "inc",
        "limited",
        "ltd",
        "llc",
        "l l c",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "s a",
        "sas",
        "sarl",
        "srl",
        "spa",
        "s p a",
        "bv",
        "b v",
        "nv",
        "n v",
        "oy",
        "ab",
        "as",
        "kg",
        "kk",
        "k k",
        "pte",
        "pty",
        "sdn bhd",
        "bhd",
        "tbk",
        "pt",
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "ooo",
        "oao",
        "zao",
        "co",
        "company",
        "group",
        "holdings",
        "industries",
        "industry",
        "limitada",
        "ltda",
        "de cv",
        "sa de cv",
        "s de rl",
        "mbh",
        "bvba",
        "kft",
        "zrt",
        "sp z o o",
        "public company",
        "public",
        "joint stock",
        "有限公司",
        "股份有限公司",
        "有限责任公司",
        "集团",
        "公司",
    },
    key=len,
    reverse=True,
)
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, strip accents (transliterate Latin letters), collapse punctuation and spacing."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").lower()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_company_name(text: str) -> str:
    """`Jiangxi Tungsten Co., Ltd.` and `JIANGXI TUNGSTEN COMPANY LIMITED` give the same key."""
    name = fold(text)
    changed = True
    while changed and name:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if name == suffix:
                break
            if name.endswith(" " + suffix) or (not suffix.isascii() and name.endswith(suffix)):
                name = name[: -len(suffix)].strip()
                changed = True
                break
    return name
