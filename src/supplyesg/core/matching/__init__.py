"""One company-name matcher for smelters, supplier duplicates, the blacklist and sanctions lists.

Plain Python, no Django import (``core`` is the lowest layer; suppliers and minerals use it).

What each library contributes:
- pycountry: ISO 3166 codes and names, so "CN", "CHN", "China" and the RMI's "KOREA, REPUBLIC OF"
  resolve to one alpha-2 code; ``countries.ALIASES`` adds PRC/USA/UK/Korea/Taiwan and Chinese names.
- cleanco: its table of legal forms in many languages (GmbH, S.p.A., Sp. z o.o., Pty Ltd, OOO...),
  stripped from the end of a name; leading forms (PT, JSC, OOO) are handled here.
- pypinyin: Chinese characters to pinyin, so 招金 meets "Zhaojin" and 云南锡业 meets "Yunnan Tin"
  (with the Chinese term table in ``vocabulary``).
- rapidfuzz: optimal-string-alignment distance for typos in long words.
Blocking, word classes (place / common / distinctive), scoring and reasons are written here,
because no library knows that "Yunnan ... Tin" and "Guangxi ... Tin" are different smelters.

Public API: ``resolve_country``, ``normalize_company`` -> ``CompanyName``,
``compare_companies`` -> ``Match``, ``NameIndex(records).search(...)`` -> ``[Candidate]``,
``decide``, ``company_key`` (exact-but-for-form key), ``normalize_registration_id``.
"""

from .companies import (
    CompanyName,
    Match,
    clear_caches,
    company_key,
    compare_companies,
    fold,
    normalize_company,
    normalize_registration_id,
    place_words,
)
from .countries import country_name, resolve_country
from .index import Candidate, IndexRecord, NameIndex, decide

__all__ = [
    "Candidate",
    "CompanyName",
    "IndexRecord",
    "Match",
    "NameIndex",
    "clear_caches",
    "company_key",
    "compare_companies",
    "country_name",
    "decide",
    "fold",
    "normalize_company",
    "normalize_registration_id",
    "place_words",
    "resolve_country",
]
