"""Countries written any way a supplier writes them resolve to one ISO 3166 alpha-2 code.

pycountry answers ISO codes (CN, CHN, 156) and the ISO names (official, common and the RMI's
"KOREA, REPUBLIC OF" style). The alias table below adds what ISO does not list: political
abbreviations (PRC, USA, UK, ROK), short forms (Korea, Taiwan, Russia, Congo DR) and the
Chinese names suppliers type in Chinese-language declarations.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# Keys are folded with _fold(): lower case, no accents, punctuation as single spaces.
ALIASES: dict[str, str] = {
    "prc": "CN",
    "p r c": "CN",
    "p r china": "CN",
    "pr china": "CN",
    "mainland china": "CN",
    "china mainland": "CN",
    "china prc": "CN",
    "peoples republic of china": "CN",
    "people s republic of china": "CN",
    "the peoples republic of china": "CN",
    "中国": "CN",
    "中國": "CN",
    "中华人民共和国": "CN",
    "中華人民共和國": "CN",
    "中国大陆": "CN",
    "usa": "US",
    "u s a": "US",
    "us": "US",
    "u s": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "美国": "US",
    "美國": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "united kingdom": "GB",
    "英国": "GB",
    "英國": "GB",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "korea south": "KR",
    "rok": "KR",
    "韩国": "KR",
    "韓國": "KR",
    "南韩": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "朝鲜": "KP",
    "taiwan": "TW",
    "taiwan roc": "TW",
    "taiwan r o c": "TW",
    "republic of china": "TW",
    "roc": "TW",
    "r o c": "TW",
    "chinese taipei": "TW",
    "taiwan province of china": "TW",
    "taiwan china": "TW",
    "china taiwan": "TW",
    "台湾": "TW",
    "台灣": "TW",
    "中国台湾": "TW",
    "中華民國": "TW",
    "hong kong": "HK",
    "hongkong": "HK",
    "hong kong sar": "HK",
    "hong kong china": "HK",
    "香港": "HK",
    "中国香港": "HK",
    "macau": "MO",
    "macao": "MO",
    "澳门": "MO",
    "澳門": "MO",
    "japan": "JP",
    "日本": "JP",
    "russia": "RU",
    "俄罗斯": "RU",
    "vietnam": "VN",
    "viet nam": "VN",
    "越南": "VN",
    "laos": "LA",
    "lao pdr": "LA",
    "老挝": "LA",
    "burma": "MM",
    "缅甸": "MM",
    "drc": "CD",
    "dr congo": "CD",
    "d r congo": "CD",
    "congo drc": "CD",
    "congo dr": "CD",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "congo kinshasa": "CD",
    "刚果 金": "CD",
    "刚果金": "CD",
    "congo brazzaville": "CG",
    "bolivia": "BO",
    "玻利维亚": "BO",
    "tanzania": "TZ",
    "iran": "IR",
    "syria": "SY",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "ivory coast": "CI",
    "德国": "DE",
    "德國": "DE",
    "deutschland": "DE",
    "法国": "FR",
    "瑞士": "CH",
    "比利时": "BE",
    "荷兰": "NL",
    "意大利": "IT",
    "西班牙": "ES",
    "奥地利": "AT",
    "芬兰": "FI",
    "瑞典": "SE",
    "波兰": "PL",
    "加拿大": "CA",
    "墨西哥": "MX",
    "巴西": "BR",
    "秘鲁": "PE",
    "智利": "CL",
    "阿根廷": "AR",
    "澳大利亚": "AU",
    "新西兰": "NZ",
    "印度": "IN",
    "印度尼西亚": "ID",
    "印尼": "ID",
    "马来西亚": "MY",
    "新加坡": "SG",
    "泰国": "TH",
    "菲律宾": "PH",
    "卢旺达": "RW",
    "南非": "ZA",
    "津巴布韦": "ZW",
    "赞比亚": "ZM",
    "哈萨克斯坦": "KZ",
    "乌兹别克斯坦": "UZ",
    "阿联酋": "AE",
    "uae": "AE",
    "u a e": "AE",
}

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("'", "").replace("’", "")
    return " ".join(_PUNCT.sub(" ", text).split())


@lru_cache(maxsize=4096)
def resolve_country(text: object) -> str | None:
    """'CN', 'CHN', 'PRC', 'China', '中国', "People's Republic of China" -> 'CN'; unknown -> None."""
    if text is None:
        return None
    raw = " ".join(str(text).split())
    if not raw:
        return None
    key = _fold(raw)
    if key in ALIASES:
        return ALIASES[key]
    compact = key.replace(" ", "")
    if compact in ALIASES:
        return ALIASES[compact]
    if raw.isdigit():
        found = pycountry.countries.get(numeric=raw.zfill(3))
        return found.alpha_2 if found else None
    try:
        found = pycountry.countries.lookup(raw)
    except LookupError:
        found = None
    if found is not None:
        return found.alpha_2
    if "(" in raw and not raw.startswith("("):
        return resolve_country(raw.split("(", 1)[0])
    # "KOREA, REPUBLIC OF" / "CONGO, DEMOCRATIC REPUBLIC OF THE": ISO's inverted names.
    if "," in raw:
        head, _, tail = raw.partition(",")
        return resolve_country(f"{tail.strip()} {head.strip()}") if tail.strip() else resolve_country(head)
    return None


def country_name(code: str | None) -> str:
    """'CN' -> 'China' for reasons shown to people; unknown codes come back as given."""
    if not code:
        return ""
    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or (found.name if found else code)


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Single folded words that name a country on their own ('germany', 'belgium', 'china')."""
    words: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                folded = _fold(value)
                if " " not in folded and len(folded) > 3:
                    words.add(folded)
    words.update(k for k in ALIASES if k.isascii() and " " not in k and len(k) > 3)
    return frozenset(words)
