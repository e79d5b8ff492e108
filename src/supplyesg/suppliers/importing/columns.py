"""The import columns and the check of each cell. No database access: every function here is pure.

A parser takes the raw cell value (text, number, bool or date as read from the file) and returns the clean
value or raises CellProblem with a sentence naming the column and the value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core.sheets.cells import FORMULA_PREFIXES
from supplyesg.core.sheets.numbers import NumberProblem, percentage


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # English, translated lazily
    zh: str  # the Chinese header accepted in files
    required: bool = False
    rule: Any = ""
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("code", gettext_lazy("Supplier code"), "供应商编码", False,
           gettext_lazy("Existing code: the supplier is updated. New code: a supplier is created with it. "
                        "Empty: a supplier is created with the next free code."),
           ("supplier code", "编码", "供应商代码")),
    Column("legal_name", gettext_lazy("Legal name"), "法定名称", True,
           gettext_lazy("Registered legal name, up to 255 characters."), ("name", "company name", "公司名称", "供应商名称")),
    Column("local_name", gettext_lazy("Local-language name"), "本地名称", False,
           gettext_lazy("Name in the local language, e.g. the Chinese name."), ("local name", "中文名称")),
    Column("aliases", gettext_lazy("Aliases"), "别名", False,
           gettext_lazy("Other names, separated by ; or line breaks."), ("alias",)),
    Column("registration_id", gettext_lazy("Registration id"), "统一社会信用代码", False,
           gettext_lazy("e.g. the 18-character unified social credit code."),
           ("registration number", "注册号", "注册编号")),
    Column("registration_authority", gettext_lazy("Registration authority"), "登记机关", False, "", ()),
    Column("country", gettext_lazy("Country"), "国家/地区", True,
           gettext_lazy("ISO 3166 two-letter code (CN) or English country name (China)."),
           ("国家", "国家或地区", "country/region")),
    Column("address", gettext_lazy("Address"), "地址", False, "", ()),
    Column("website", gettext_lazy("Website"), "网站", False, gettext_lazy("https:// is added when missing."), ("官网",)),
    Column("tier", gettext_lazy("Tier"), "层级", True, gettext_lazy("1 (direct), 2 or 3 (3 and beyond)."), ("供应商层级",)),
    Column("categories", gettext_lazy("Categories"), "品类", False,
           gettext_lazy("Category codes separated by ;. An import replaces the supplier's categories."),
           ("category", "类别", "品类编码")),
    Column("is_key", gettext_lazy("Key supplier"), "关键供应商", False, gettext_lazy("yes or no (also true/false, 1/0, 是/否)."),
           ("key supplier", "key")),
    Column("spend_share", gettext_lazy("Spend share (%)"), "采购额占比(%)", False, gettext_lazy("A number from 0 to 100."),
           ("spend share", "采购额占比", "采购占比")),
    Column("upstream_codes", gettext_lazy("Upstream suppliers"), "上游供应商编码", False,
           gettext_lazy("Codes of suppliers that supply this one, separated by ;. They may be rows of the same "
                        "file. Links are added, never removed, by an import."),
           ("upstream suppliers", "upstream", "上游供应商")),
)
# Written by the export so a file re-imports cleanly; read-only (statuses change through the lifecycle).
READ_ONLY_COLUMNS = (
    Column("status", gettext_lazy("Status"), "状态", False,
           gettext_lazy("Ignored on import: statuses change through the lifecycle."), ()),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
EXPORT_KEYS = COLUMN_KEYS + tuple(c.key for c in READ_ONLY_COLUMNS)
MAX_LENGTHS = {"code": 30, "legal_name": 255, "local_name": 255, "registration_id": 64,
               "registration_authority": 200, "website": 200, "address": 1000, "alias": 255}

_COUNTRY_ALIASES = {
    "korea": "KR", "south korea": "KR", "republic of korea": "KR", "dr congo": "CD", "drc": "CD",
    "democratic republic of the congo": "CD", "congo kinshasa": "CD", "congo-kinshasa": "CD",
    "congo brazzaville": "CG", "congo-brazzaville": "CG", "russia": "RU", "uk": "GB", "great britain": "GB",
    "usa": "US", "u.s.a.": "US", "united states of america": "US", "turkey": "TR", "hong kong": "HK",
    "macau": "MO", "ivory coast": "CI", "czech republic": "CZ",
    "中国": "CN", "中国大陆": "CN", "中华人民共和国": "CN", "台湾": "TW", "中国台湾": "TW", "香港": "HK",
    "中国香港": "HK", "澳门": "MO", "越南": "VN", "马来西亚": "MY", "泰国": "TH", "印度": "IN",
    "印度尼西亚": "ID", "印尼": "ID", "墨西哥": "MX", "德国": "DE", "美国": "US", "日本": "JP", "韩国": "KR",
    "菲律宾": "PH", "新加坡": "SG", "刚果(金)": "CD", "刚果（金）": "CD", "刚果民主共和国": "CD",
    "卢旺达": "RW", "乌干达": "UG", "坦桑尼亚": "TZ", "赞比亚": "ZM", "布隆迪": "BI", "巴西": "BR",
    "玻利维亚": "BO", "秘鲁": "PE", "澳大利亚": "AU", "智利": "CL", "南非": "ZA", "英国": "GB", "法国": "FR",
    "荷兰": "NL", "意大利": "IT", "加拿大": "CA", "俄罗斯": "RU", "缅甸": "MM", "柬埔寨": "KH",
}
_TRUE = {"yes", "y", "true", "t", "1", "x", "是", "√", "✓"}
_FALSE = {"no", "n", "false", "f", "0", "否", ""}
_TIER = re.compile(r"^(?:tier\s*|t)?([123])\+?$", re.IGNORECASE)
_TIER_ZH = {"一级": 1, "二级": 2, "三级": 3}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_JUNK = re.compile(r"[\s_*()（）%％/\-:：.]+")


def header_key(text: str) -> str:
    return _HEADER_JUNK.sub("", text.casefold())


@functools.cache
def header_aliases() -> dict[str, str]:
    """Accepted header (normalised) -> column key: the key, the English label, the Chinese header, aliases."""
    aliases = {}
    with translation.override(None):  # the English labels, whatever language the request is in
        for column in COLUMNS + READ_ONLY_COLUMNS:
            for name in (column.key, str(column.label), column.zh, *column.aliases):
                aliases[header_key(name)] = column.key
    return aliases


class CellProblem(Exception):
    pass


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """Text of a cell as a person typed it: whole numbers without .0, the export's formula escape removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\xa0", " ").strip()
    # Workbooks store a carriage return as a line feed, so "'\r..." comes back as "'\n...".
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_PREFIXES, "\n"):
        text = text[1:].strip()
    return text


def check_text(value, key: str, label: str) -> str:
    text = cell_text(value)
    if _CONTROL.search(text):
        raise CellProblem(_("%(column)s contains control characters") % {"column": label})
    limit = MAX_LENGTHS.get(key)
    if limit and len(text) > limit:
        raise CellProblem(_("%(column)s is longer than %(max)d characters") % {"column": label, "max": limit})
    return text


def parse_country(value) -> str:
    text = cell_text(value)
    if not text:
        raise CellProblem(_("country is required"))
    alias = _COUNTRY_ALIASES.get(text.casefold()) or _COUNTRY_ALIASES.get(text)
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        raise CellProblem(_('country "%(value)s" is not an ISO 3166 country') % {"value": text})


def parse_tier(value) -> int:
    text = cell_text(value)
    if not text:
        raise CellProblem(_("tier is required"))
    if text in _TIER_ZH:
        return _TIER_ZH[text]
    match = _TIER.match(text)
    if not match:
        raise CellProblem(_('tier "%(value)s" must be 1, 2 or 3') % {"value": text})
    return int(match.group(1))


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(_('key supplier "%(value)s" must be yes or no') % {"value": cell_text(value)})


def parse_share(value) -> Decimal | None:
    """A share of spend in percent: 2.5, "2.5 %" or a percent-formatted cell (which holds 0.025)."""
    try:
        number = percentage(value, allow_fraction=True)  # shares under 1 % are common: 0.4 means 0.4 %
    except NumberProblem:
        raise CellProblem(_('spend share "%(value)s" must be a number from 0 to 100') % {"value": cell_text(value)})
    return None if number is None else number.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def parse_website(value) -> str:
    text = check_text(value, "website", _("website"))
    if not text:
        return ""
    url = text if "://" in text else "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CellProblem(_('website "%(value)s" is not a valid web address') % {"value": text})
    if len(url) > MAX_LENGTHS["website"]:
        raise CellProblem(_("website is longer than %(max)d characters") % {"max": MAX_LENGTHS["website"]})
    return url


def parse_aliases(value) -> str:
    names = [a.strip() for a in re.split(r"[;；\r\n]+", cell_text(value)) if a.strip()]
    for name in names:
        check_text(name, "alias", _("alias"))
    return "\n".join(dict.fromkeys(names))


def split_codes(value) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in re.split(r"[;；,，\s]+", cell_text(value)) if t.strip()))


def split_categories(value) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in re.split(r"[;；,，\r\n]+", cell_text(value)) if t.strip()))


def parse_code(value) -> str:
    code = cell_text(value)
    if code and (len(code) > MAX_LENGTHS["code"] or not _CODE.match(code)):
        raise CellProblem(_('code "%(value)s" must be up to 30 letters, digits, dots, dashes or slashes') % {"value": code})
    return code


PARSERS = {
    "code": parse_code,
    "legal_name": lambda v: check_text(v, "legal_name", _("legal name")),
    "local_name": lambda v: check_text(v, "local_name", _("local-language name")),
    "aliases": parse_aliases,
    "registration_id": lambda v: check_text(v, "registration_id", _("registration id")),
    "registration_authority": lambda v: check_text(v, "registration_authority", _("registration authority")),
    "country": parse_country,
    "address": lambda v: check_text(v, "address", _("address")),
    "website": parse_website,
    "tier": parse_tier,
    "categories": split_categories,
    "is_key": parse_bool,
    "spend_share": parse_share,
    "upstream_codes": split_codes,
}
