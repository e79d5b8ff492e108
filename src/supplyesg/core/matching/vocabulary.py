"""Word tables for company names: abbreviations, common (low-weight) words, Chinese terms, places.

Legal forms come from cleanco (``companies.py``); countries from pycountry (``countries.py``).
What is here is what those libraries do not carry: the industry vocabulary of smelters and
suppliers, the usual English abbreviations, the Chinese words of a Chinese company name with
their English equivalents, and the Chinese provinces and mining/manufacturing cities in both
characters and pinyin. A name index adds the cities and provinces of its own records.
"""

from __future__ import annotations

# Abbreviation or variant -> canonical word (applied to folded single tokens).
ABBREVIATIONS: dict[str, str] = {
    "co": "company",
    "cos": "company",
    "comp": "company",
    "corp": "corporation",
    "ind": "industry",
    "inds": "industry",
    "indus": "industry",
    "industries": "industry",
    "industrial": "industry",
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "technologies": "technology",
    "intl": "international",
    "int": "international",
    "internat": "international",
    "mfg": "manufacturing",
    "manuf": "manufacturing",
    "mfr": "manufacturing",
    "metals": "metal",
    "mtl": "metal",
    "mtls": "metal",
    "metallurgical": "metallurgy",
    "metallurgic": "metallurgy",
    "mat": "material",
    "matl": "material",
    "materials": "material",
    "chem": "chemical",
    "chemicals": "chemical",
    "elec": "electronic",
    "electronics": "electronic",
    "eng": "engineering",
    "engg": "engineering",
    "grp": "group",
    "hldg": "holding",
    "hldgs": "holding",
    "holdings": "holding",
    "dev": "development",
    "devt": "development",
    "res": "resource",
    "resources": "resource",
    "minerals": "mineral",
    "mines": "mine",
    "mining": "mining",
    "products": "product",
    "prods": "product",
    "refineries": "refinery",
    "refiners": "refinery",
    "refiner": "refinery",
    "smelters": "smelter",
    "alloys": "alloy",
    "enterprises": "enterprise",
    "ent": "enterprise",
    "svcs": "service",
    "services": "service",
    "sci": "science",
    "sciences": "science",
    "nonferrous": "nonferrous",
    "nf": "nonferrous",
    "tungstens": "tungsten",
    "mfrs": "manufacturing",
    "trdg": "trading",
    "natl": "national",
    "assn": "association",
    "bros": "brothers",
    "amp": "and",
    "mt": "mount",
    "st": "saint",
    "ste": "sainte",
}

# Words many company names share: they weigh little, a name made only of them is vague.
COMMON_WORDS: frozenset[str] = frozenset(
    """
    metal metallurgy metallurgie metalurgica metalurgia mining mine mineral mineracao mineracion minera
    smelting smelter smelt refining refinery refinaria refineria raffinerie precious nonferrous ferrous
    rare earth gold silver tin tungsten tantalum niobium cobalt copper lithium nickel mica graphite
    wolfram zinc lead aluminium aluminum platinum palladium
    industry company corporation group holding enterprise enterprises development resource material
    new advanced high hi technology science trading trade import export international global world
    national general manufacturing product processing recycling recovery plant works factory branch
    division unit investment chemical electronic engineering service alloy powder compound oxide
    wire cable electric electrical power energy battery solar components component
    industria comercio mineracao metalurgica metalurgico refinaria fundicao

    """.split()
)

# Joining words dropped before comparing ("Cendres + Metaux" = "Cendres Metaux").
STOP_WORDS: frozenset[str] = frozenset("a an the and of de del la le les et und y e da do das dos di du van von".split())

# Chinese terms (longest first when matched) -> English canonical words (may be several).
CHINESE_TERMS: dict[str, tuple[str, ...]] = {
    "有色金属": ("nonferrous", "metal"),
    "贵金属": ("precious", "metal"),
    "稀有金属": ("rare", "metal"),
    "稀土": ("rare", "earth"),
    "新材料": ("new", "material"),
    "材料": ("material",),
    "金属": ("metal",),
    "冶金": ("metallurgy",),
    "冶炼": ("smelting",),
    "精炼": ("refining",),
    "矿业": ("mining",),
    "矿产": ("mineral",),
    "采矿": ("mining",),
    "有色": ("nonferrous",),
    "科技": ("technology",),
    "技术": ("technology",),
    "高科技": ("high", "technology"),
    "实业": ("industry",),
    "工业": ("industry",),
    "产业": ("industry",),
    "集团": ("group",),
    "控股": ("holding",),
    "发展": ("development",),
    "资源": ("resource",),
    "国际": ("international",),
    "贸易": ("trading",),
    "化工": ("chemical",),
    "电子": ("electronic",),
    "电器": ("electric",),
    "线束": ("wire", "harness"),
    "电线": ("wire",),
    "电缆": ("cable",),
    "制造": ("manufacturing",),
    "制品": ("product",),
    "再生": ("recycling",),
    "回收": ("recycling",),
    "黄金": ("gold",),
    "锡业": ("tin",),
    "钨业": ("tungsten",),
    "钽业": ("tantalum",),
    "铜业": ("copper",),
    "钴业": ("cobalt",),
    "锂业": ("lithium",),
    "镍业": ("nickel",),
    "锡": ("tin",),
    "钨": ("tungsten",),
    "钽": ("tantalum",),
    "铌": ("niobium",),
    "钴": ("cobalt",),
    "锂": ("lithium",),
    "镍": ("nickel",),
    "铜": ("copper",),
    "银": ("silver",),
    "云母": ("mica",),
    "石墨": ("graphite",),
    "粉末": ("powder",),
    "合金": ("alloy",),
    "能源": ("energy",),
    "电池": ("battery",),
    "厂": ("factory",),
    "分公司": ("branch",),
}

# Chinese legal forms (longest first when stripped).
CHINESE_LEGAL_FORMS: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "公司",
)

# Provinces, autonomous regions and municipalities: characters -> pinyin word.
CHINESE_PROVINCES: dict[str, str] = {
    "北京": "beijing",
    "天津": "tianjin",
    "上海": "shanghai",
    "重庆": "chongqing",
    "河北": "hebei",
    "山西": "shanxi",
    "辽宁": "liaoning",
    "吉林": "jilin",
    "黑龙江": "heilongjiang",
    "江苏": "jiangsu",
    "浙江": "zhejiang",
    "安徽": "anhui",
    "福建": "fujian",
    "江西": "jiangxi",
    "山东": "shandong",
    "河南": "henan",
    "湖北": "hubei",
    "湖南": "hunan",
    "广东": "guangdong",
    "海南": "hainan",
    "四川": "sichuan",
    "贵州": "guizhou",
    "云南": "yunnan",
    "陕西": "shaanxi",
    "甘肃": "gansu",
    "青海": "qinghai",
    "内蒙古": "neimenggu",
    "广西": "guangxi",
    "西藏": "xizang",
    "宁夏": "ningxia",
    "新疆": "xinjiang",
    "香港": "hongkong",
    "澳门": "macau",
}

# Cities often seen in smelter and supplier names (pinyin); the index adds its records' cities.
CITY_WORDS: frozenset[str] = frozenset(
    """
    ganzhou gejiu chenzhou hezhou liuzhou hechi zhuzhou changsha kunming jiujiang xiamen shenzhen
    dongguan suzhou changzhou wuxi nanjing hangzhou ningbo guangzhou foshan huizhou zhuhai
    zhongshan jiangmen shantou qingyuan shaoguan nanchang yingtan pingxiang jinan qingdao yantai
    laizhou zhaoyuan lingbao sanmenxia luoyang zhengzhou jinchang baiyin lanzhou tongling hefei
    wuhu daye huangshi wuhan xining yinchuan urumqi hohhot baotou taiyuan shijiazhuang
    tangshan harbin changchun shenyang dalian fuzhou quanzhou zhangzhou longyan nanning guilin
    wuzhou baise laibin chengdu mianyang zigong guiyang zunyi haikou sanya taipei kaohsiung
    taichung tainan hsinchu taoyuan incheon busan seoul ulsan osaka tokyo nagoya yokohama kobe
    hunchun ziyang yichun xinyu fuyang jiaxing shaoxing huzhou taizhou wenzhou jinhua yiwu
    lianyungang nantong yangzhou zhenjiang xuzhou yancheng huaian suqian kunshan jiangyin
    """.split()
)

# Suffixes that mark a place word in pinyin or English ("Ganzhou City", "Yunnan Province").
PLACE_SUFFIXES: frozenset[str] = frozenset(
    "city province sheng shi zizhiqu autonomous region county xian prefecture district qu zhen town".split()
)
