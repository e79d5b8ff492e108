"""Word lists and proportions of the demo data set: fictitious companies, places and people."""

from supplyesg.core.models import Role

USERS = (  # username, role, first name, last name
    ("admin", Role.ADMIN, "Alex", "Morgan"),
    ("compliance", Role.COMPLIANCE, "Jia", "Chen"),
    ("procurement", Role.PROCUREMENT, "Priya", "Nair"),
    ("auditor", Role.AUDITOR, "Tom", "Berger"),
    ("viewer", Role.VIEWER, "Vera", "Lopez"),
    ("supplier-a", Role.SUPPLIER, "", ""),
    ("supplier-b", Role.SUPPLIER, "", ""),
)

CN_CITIES = (  # English, Chinese, region code of the unified social credit code, province
    ("Shenzhen", "深圳", "440300", "Guangdong"), ("Dongguan", "东莞", "441900", "Guangdong"),
    ("Huizhou", "惠州", "441300", "Guangdong"), ("Guangzhou", "广州", "440100", "Guangdong"),
    ("Foshan", "佛山", "440600", "Guangdong"), ("Zhuhai", "珠海", "440400", "Guangdong"),
    ("Suzhou", "苏州", "320500", "Jiangsu"), ("Wuxi", "无锡", "320200", "Jiangsu"),
    ("Changzhou", "常州", "320400", "Jiangsu"), ("Shanghai", "上海", "310000", "Shanghai"),
    ("Ningbo", "宁波", "330200", "Zhejiang"), ("Hefei", "合肥", "340100", "Anhui"),
    ("Xiamen", "厦门", "350200", "Fujian"), ("Ganzhou", "赣州", "360700", "Jiangxi"),
    ("Chengdu", "成都", "510100", "Sichuan"), ("Leshan", "乐山", "511100", "Sichuan"),
    ("Gejiu", "个旧", "532501", "Yunnan"), ("Quzhou", "衢州", "330800", "Zhejiang"),
)
CN_BRANDS = (
    ("Huaxin", "华信"), ("Jinrui", "金瑞"), ("Hongtai", "宏泰"), ("Xinda", "鑫达"), ("Tianyu", "天宇"),
    ("Ruifeng", "瑞丰"), ("Yongsheng", "永盛"), ("Zhongke", "中科"), ("Haoneng", "浩能"), ("Baili", "百利"),
    ("Kaida", "凯达"), ("Lianchuang", "联创"), ("Guangyu", "光宇"), ("Shengyuan", "盛源"), ("Dingtai", "鼎泰"),
    ("Jiahe", "嘉和"), ("Xinghe", "星河"), ("Anxin", "安信"), ("Boyuan", "博远"), ("Mingda", "明达"),
    ("Fuchang", "富昌"), ("Tongli", "同力"), ("Weiye", "伟业"), ("Zhenhua", "振华"), ("Qiancheng", "乾承"),
    ("Lingyun", "凌云"), ("Chuangyi", "创益"), ("Derun", "德润"), ("Yuanfeng", "元丰"), ("Sanhe", "三禾"),
)
TW_CITIES = (("Taoyuan", "桃園"), ("Hsinchu", "新竹"), ("New Taipei", "新北"), ("Taichung", "臺中"), ("Kaohsiung", "高雄"))
TW_BRANDS = (
    ("Chuan Hsin", "全欣"), ("Da Yu", "達裕"), ("Hong Yi", "宏億"), ("Kuang Tai", "廣泰"), ("Sheng Feng", "昇峰"),
    ("Yuan Li", "元立"), ("Chia Hsing", "佳興"), ("Fu Kang", "富康"), ("Jung Tai", "榮泰"), ("Wei Chuang", "威創"),
)
PRODUCTS = {  # category -> (English words, Chinese words, traditional Chinese words)
    "pcba": (("Electronic Technology", "电子科技", "電子科技"), ("Circuit Technology", "电路科技", "電路科技"),
             ("Smart Electronics", "智能电子", "智慧電子")),
    "chargers-adapters": (("Power Technology", "电源科技", "電源科技"), ("Power Supply", "电源", "電源")),
    "battery-modules": (("New Energy Technology", "新能源科技", "新能源科技"),
                        ("Energy Storage Technology", "储能科技", "儲能科技")),
    "battery-cells": (("Battery Technology", "电池科技", "電池科技"), ("Lithium Battery", "锂电池", "鋰電池")),
    "cables-harnesses": (("Precision Cable", "精密线缆", "精密線纜"), ("Wire and Cable", "电线电缆", "電線電纜"),
                         ("Wire Harness", "线束", "線束")),
    "connectors": (("Connector Technology", "连接器科技", "連接器科技"), ("Precision Connector", "精密连接器", "精密連接器")),
    "packaging": (("Packaging Materials", "包装材料", "包裝材料"), ("Printing and Packaging", "印刷包装", "印刷包裝")),
    "metal-parts": (("Precision Metal", "精密五金", "精密五金"), ("Metal Products", "金属制品", "金屬製品")),
    "equipment": (("Automation Equipment", "自动化设备", "自動化設備"), ("Intelligent Equipment", "智能装备", "智慧裝備")),
    "logistics-services": (("Supply Chain Management", "供应链管理", "供應鏈管理"),
                           ("International Logistics", "国际物流", "國際物流")),
    "silicon-wafers": (("Photovoltaic Technology", "光伏科技", "光伏科技"), ("Solar Materials", "光伏材料", "光伏材料")),
    "silicon-materials": (("Silicon Materials", "硅材料", "矽材料"), ("Silicon Industry", "硅业", "矽業")),
    "semiconductors": (("Semiconductor", "半导体", "半導體"), ("Microelectronics", "微电子", "微電子")),
    "passive-components": (("Electronic Components", "电子元件", "電子零件"), ("Capacitor", "电容器", "電容器")),
    "tin-solder": (("Solder Materials", "焊锡材料", "焊錫材料"), ("Welding Materials", "焊接材料", "焊接材料")),
    "cobalt-compounds": (("Cobalt Materials", "钴材料", "鈷材料"), ("New Materials", "新材料", "新材料")),
}
SMELTER_PRODUCTS = {  # mineral -> (English, Chinese) for Chinese smelters and refiners
    "tin": ("Tin Industry", "锡业"), "tungsten": ("Tungsten Industry", "钨业"), "tantalum": ("Rare Metals", "稀有金属"),
    "cobalt": ("Cobalt Industry", "钴业"), "gold": ("Precious Metals Refining", "贵金属精炼"),
    "silicon": ("Polysilicon", "多晶硅"),
}
MINERAL_WORDS = {"tin": "Tin", "tantalum": "Tantalum", "tungsten": "Wolfram", "gold": "Gold", "cobalt": "Cobalt"}


def digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def upper(rng, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))

# country -> cities, brands, legal suffix, registration id, authority, phone prefix, people, streets
PROFILES = {
    "TW": dict(cities=[c[0] for c in TW_CITIES], suffix=" Co., Ltd.", reg=lambda r: digits(r, 8),
               authority="Ministry of Economic Affairs, Department of Commerce", phone="+886",
               people=("Chen Yi-Ting", "Lin Chih-Hao", "Wang Shu-Fen", "Huang Wei-Lun"),
               streets=("Zhongzheng Rd.", "Minsheng Rd.")),
    "VN": dict(cities=("Bac Ninh", "Hai Phong", "Dong Nai", "Binh Duong", "Thai Nguyen"),
               brands=("Sao Mai", "Phu Thanh", "Hoa Binh", "An Phat", "Minh Long", "Thanh Cong"),
               suffix=" Vietnam Company Limited",
               reg=lambda r: "0" + digits(r, 9), authority="Department of Planning and Investment", phone="+84",
               people=("Nguyen Van An", "Tran Thi Hoa", "Le Minh Tuan", "Pham Thu Trang"),
               streets=("Road 3, VSIP Industrial Park",)),
    "MY": dict(cities=("Penang", "Kulim", "Johor Bahru", "Melaka", "Ipoh"),
               brands=("Seri Jaya", "Permata", "Gemilang", "Mutiara", "Cahaya Timur", "Bintang", "Kinta Valley", "Perak",
                       "Butterworth"), suffix=" Sdn. Bhd.",
               reg=lambda r: "20" + digits(r, 10), authority="Companies Commission of Malaysia (SSM)", phone="+60",
               people=("Ahmad Faizal", "Tan Mei Ling", "Lim Wei Jie", "Siti Aminah"),
               streets=("Jalan Perusahaan", "Lorong Industri")),
    "TH": dict(cities=("Rayong", "Chonburi", "Ayutthaya", "Pathum Thani"),
               brands=("Siam Rattana", "Chao Phraya", "Sukhothai", "Lanna", "Krung Thep", "Phuket Andaman", "Korat"),
               suffix=" Co., Ltd.",
               reg=lambda r: "0105" + digits(r, 9), authority="Department of Business Development", phone="+66",
               people=("Somchai Wongsakul", "Suda Chaiyaporn", "Anan Srisuk"), streets=("Moo 4, Amata City",)),
    "IN": dict(cities=("Chennai", "Noida", "Pune", "Bengaluru"),
               brands=("Shakti", "Indus", "Kaveri", "Aravali", "Sahyadri"), suffix=" Private Limited",
               reg=lambda r: "U" + digits(r, 5) + "TN" + str(r.randint(2004, 2020)) + "PTC" + digits(r, 6),
               authority="Registrar of Companies", phone="+91",
               people=("Priya Sharma", "Rahul Iyer", "Anjali Menon", "Vikram Rao"), streets=("SIPCOT Industrial Estate",)),
    "ID": dict(cities=("Batam", "Bekasi", "Pangkal Pinang", "Tanjung Pandan"),
               brands=("Sinar", "Karya", "Nusantara", "Belitung Mandiri", "Bangka Jaya", "Mentok Prima", "Sungailiat",
                       "Koba Makmur", "Garuda", "Cahaya Abadi"), prefix="PT ", suffix=" Indonesia",
               reg=lambda r: digits(r, 13), authority="Ministry of Investment (OSS)", phone="+62",
               people=("Budi Santoso", "Siti Rahmawati", "Agus Wijaya"), streets=("Jalan Industri",)),
    "MX": dict(cities=("Tijuana", "Ciudad Juárez", "Monterrey", "Guadalajara", "Querétaro"),
               brands=("Ensambles del Norte", "Bajío", "Sierra Madre", "Río Bravo"), suffix=" S.A. de C.V.",
               reg=lambda r: upper(r, 3) + digits(r, 6) + upper(r, 2) + digits(r, 1), authority="Registro Público de Comercio",
               phone="+52", people=("María González", "José Hernández", "Lucía Ramírez"), streets=("Parque Industrial",)),
    "DE": dict(cities=("Stuttgart", "München", "Dresden", "Nürnberg"),
               brands=("Rheintal", "Schwarzwald", "Elbtal", "Neckar", "Lausitz"), suffix=" GmbH",
               reg=lambda r: "HRB " + digits(r, 6), authority="Amtsgericht", phone="+49",
               people=("Anna Schneider", "Thomas Weber", "Julia Fischer"), streets=("Industriestraße",)),
    "US": dict(cities=("Austin, TX", "San Jose, CA", "Phoenix, AZ", "Boston, MA"),
               brands=("Lakeshore", "Pioneer", "Summit", "Cascade", "Keystone"), suffix=", Inc.",
               reg=lambda r: digits(r, 2) + "-" + digits(r, 7), authority="Delaware Division of Corporations", phone="+1",
               people=("Emily Carter", "Michael Brooks", "Sarah Kim"), streets=("Technology Drive",)),
    "JP": dict(cities=("Osaka", "Nagoya", "Kyoto", "Yokohama"),
               brands=("Shinwa", "Toyo", "Kyowa", "Daiichi", "Sanko", "Nagano"), suffix=" Co., Ltd.",
               reg=lambda r: digits(r, 13), authority="Legal Affairs Bureau", phone="+81",
               people=("Sato Hiroshi", "Suzuki Yuki", "Takahashi Ken"), streets=("Kogyo-cho",)),
    "KR": dict(cities=("Suwon", "Cheonan", "Gumi", "Ulsan", "Incheon"),
               brands=("Hanil", "Daesung", "Seowon", "Mirae", "Donghwa"), suffix=" Co., Ltd.",
               reg=lambda r: digits(r, 3) + "-" + digits(r, 2) + "-" + digits(r, 5), authority="National Tax Service",
               phone="+82", people=("Kim Min-jun", "Park Ji-woo", "Lee Seo-yeon"), streets=("Sandan-ro",)),
    "PH": dict(cities=("Laguna", "Cavite", "Cebu", "Batangas"),
               brands=("Luzon", "Visayas", "Bayanihan", "Maharlika"), suffix=" Inc.",
               reg=lambda r: "CS" + str(r.randint(2005, 2020)) + digits(r, 5), authority="Securities and Exchange Commission",
               phone="+63", people=("Maria Santos", "Juan Dela Cruz", "Ana Reyes"), streets=("Special Economic Zone",)),
    # tier 3: mines
    "CD": dict(cities=("Kolwezi", "Likasi", "Lubumbashi", "Bukavu", "Goma"),
               brands=("Lubilo", "Kanyaka", "Mwelo", "Tshamba", "Kilunda", "Musoko", "Ndala", "Kasapa", "Lupoto", "Mbuji",
                       "Kibali Est", "Nzilo", "Luena", "Mitwaba", "Kalima", "Shabunda", "Walikale", "Manono Sud"),
               suffix=(" Mining SARL", " Minerals SARL", " Ressources SARL"),
               reg=lambda r: "CD/LSH/RCCM/" + str(r.randint(10, 22)) + "-B-" + digits(r, 5),
               authority="Guichet Unique de Création d'Entreprise", phone="+243",
               people=("Jean-Pierre Ilunga", "Grace Mbuyi", "Patrick Kabila Mwamba"), streets=("Avenue de la Mine",)),
    "RW": dict(cities=("Musanze", "Gicumbi", "Rubavu", "Nyamasheke"),
               brands=("Gicumbi Hills", "Nyungwe", "Kivu Ridge", "Rwinkwavu East", "Muhanga"), suffix=" Mining Ltd",
               reg=lambda r: "1" + digits(r, 8), authority="Rwanda Development Board", phone="+250",
               people=("Eric Habimana", "Aline Uwase"), streets=("KN 5 Rd",)),
    "UG": dict(cities=("Kabale", "Kisoro", "Mubende"), brands=("Kigezi", "Rwenzori", "Ankole", "Mubende Hills"),
               suffix=" Minerals Ltd", reg=lambda r: "8002" + digits(r, 10), authority="Uganda Registration Services Bureau",
               phone="+256", people=("Joseph Okello", "Sarah Nakato"), streets=("Plot 14, Mining Road",)),
    "TZ": dict(cities=("Mwanza", "Kahama", "Chunya", "Geita"), brands=("Mwanza Lake", "Kahama Ridge", "Songwe", "Lupa Valley"),
               suffix=" Mining Company Limited", reg=lambda r: "1" + digits(r, 8),
               authority="Business Registrations and Licensing Agency (BRELA)", phone="+255",
               people=("Baraka Mwakyusa", "Neema Mushi"), streets=("Nyerere Road",)),
    "ZM": dict(cities=("Kitwe", "Chingola", "Solwezi"), brands=("Kafue Basin", "Luanshya Ridge", "Solwezi Hills", "Mwinilunga"),
               suffix=" Mining Limited", reg=lambda r: "1201" + digits(r, 8),
               authority="Patents and Companies Registration Agency (PACRA)", phone="+260",
               people=("Mwila Chanda", "Bwalya Mulenga"), streets=("Independence Avenue",)),
    "BI": dict(cities=("Kayanza", "Ngozi", "Muyinga"), brands=("Kayanza", "Ngozi Hills", "Muyinga", "Kirundo"),
               suffix=" Mining SPRL", reg=lambda r: "RC/BUJA/" + digits(r, 5),
               authority="Agence de Développement du Burundi", phone="+257",
               people=("Claude Niyonzima", "Chantal Irakoze"), streets=("Route Nationale 1",)),
    "BO": dict(cities=("Oruro", "Potosí"), brands=("Altiplano", "Cerro Azul", "Huari Andes"), suffix=" Minera S.A.",
               reg=lambda r: digits(r, 10), authority="Servicio Plurinacional de Registro de Comercio (SEPREC)",
               phone="+591", people=("Luis Mamani", "Rosa Quispe"), streets=("Avenida Minera",)),
    "BR": dict(cities=("Ariquemes", "Macapá", "São João del-Rei"), brands=("Serra Verde", "Amapá Norte", "Rondônia"),
               suffix=" Mineração Ltda.", reg=lambda r: f"{digits(r, 2)}.{digits(r, 3)}.{digits(r, 3)}/0001-{digits(r, 2)}",
               authority="Junta Comercial", phone="+55", people=("João Silva", "Ana Souza"), streets=("Rodovia BR-364",)),
    "PE": dict(cities=("Puno", "Arequipa"), brands=("Andes Sur", "Puno Altiplano", "Inambari"), suffix=" Minera S.A.C.",
               reg=lambda r: "20" + digits(r, 9), authority="SUNARP", phone="+51",
               people=("Carlos Quispe", "Lucía Flores"), streets=("Carretera Panamericana Sur",)),
}
CN_PEOPLE = ("Li Wei", "Wang Fang", "Zhang Min", "Liu Yang", "Chen Jing", "Yang Lei", "Huang Li", "Zhao Qiang", "Wu Xia",
             "Zhou Jun", "Xu Ting", "Sun Hao")
TITLES = ("Sales Manager", "Quality Manager", "EHS Manager", "Compliance Officer", "Key Account Manager")

# tier-1 and tier-2 make-up: (category, weight); countries: (code, weight)
TIER1_CATEGORIES = (("pcba", 20), ("chargers-adapters", 14), ("battery-modules", 14), ("cables-harnesses", 14), ("connectors", 8),
                    ("packaging", 12), ("metal-parts", 10), ("equipment", 6), ("logistics-services", 6), ("silicon-wafers", 6))
TIER2_CATEGORIES = (("battery-cells", 16), ("semiconductors", 16), ("passive-components", 16), ("tin-solder", 14),
                    ("silicon-materials", 10), ("connectors", 10), ("cobalt-compounds", 10), ("cables-harnesses", 8),
                    ("metal-parts", 10))
TIER1_COUNTRIES = (("CN", 52), ("TW", 9), ("VN", 8), ("MY", 5), ("TH", 5), ("IN", 5), ("MX", 4), ("DE", 4), ("US", 4), ("JP", 3),
                   ("KR", 3), ("PH", 3), ("ID", 3))
TIER2_COUNTRIES = (("CN", 45), ("TW", 12), ("JP", 10), ("KR", 10), ("MY", 6), ("TH", 4), ("VN", 4), ("ID", 3), ("DE", 3),
                   ("US", 3))
# tier 3: (country, mineral, count, kind)
TIER3 = (
    ("CD", "cobalt", 9, "mine"), ("CD", "tantalum", 5, "mine"), ("CD", "tin", 4, "mine"), ("CD", "gold", 3, "mine"),
    ("RW", "tin", 4, "mine"), ("RW", "tantalum", 3, "mine"), ("RW", "tungsten", 3, "mine"), ("UG", "gold", 3, "mine"),
    ("UG", "tungsten", 2, "mine"), ("TZ", "gold", 4, "mine"), ("ZM", "cobalt", 4, "mine"), ("BI", "tin", 2, "mine"),
    ("BI", "tantalum", 2, "mine"), ("BO", "tin", 3, "mine"), ("BR", "tantalum", 3, "mine"), ("PE", "tin", 2, "mine"),
    ("PE", "gold", 2, "mine"),
    ("CN", "tungsten", 7, "smelter"), ("CN", "tin", 5, "smelter"), ("CN", "cobalt", 7, "smelter"),
    ("CN", "silicon", 5, "smelter"),
    ("CN", "gold", 3, "smelter"), ("CN", "tantalum", 3, "smelter"), ("MY", "tin", 4, "smelter"), ("ID", "tin", 5, "smelter"),
    ("TH", "tin", 2, "smelter"),
)
# downstream category -> upstream categories (tier 2 -> tier 1) or minerals (tier 3 -> tier 2)
TIER1_INPUTS = {
    "pcba": ("semiconductors", "passive-components", "tin-solder", "connectors"),
    "chargers-adapters": ("semiconductors", "passive-components", "tin-solder", "cables-harnesses"),
    "battery-modules": ("battery-cells", "cables-harnesses", "metal-parts"),
    "cables-harnesses": ("cables-harnesses", "connectors", "tin-solder"),
    "connectors": ("metal-parts",), "metal-parts": ("metal-parts",), "silicon-wafers": ("silicon-materials",),
}
TIER2_INPUTS = {
    "tin-solder": ("tin",), "battery-cells": ("cobalt",), "cobalt-compounds": ("cobalt",), "semiconductors": ("gold", "tungsten"),
    "passive-components": ("tantalum", "tin"), "silicon-materials": ("silicon",), "connectors": ("gold", "tin"),
    "cables-harnesses": ("tin",), "metal-parts": ("tungsten", "tin"),
}
MATERIALS = {
    "semiconductors": "integrated circuits", "passive-components": "capacitors and resistors",
    "tin-solder": "solder paste and bar solder",
    "connectors": "connectors", "battery-cells": "lithium-ion cells", "cables-harnesses": "tinned copper wire",
    "metal-parts": "stamped parts", "silicon-materials": "monocrystalline silicon rods",
    "tin": "tin ingots", "tantalum": "tantalum powder", "tungsten": "tungsten carbide powder", "gold": "refined gold",
    "cobalt": "cobalt sulfate", "silicon": "polysilicon",
}
ORES = {"tin": "cassiterite concentrate", "tantalum": "coltan concentrate", "tungsten": "wolframite concentrate",
        "gold": "gold doré", "cobalt": "cobalt hydroxide"}
STATUS_COUNTS = (("prospect", 11), ("qualification", 12), ("certification", 10), ("qualified", 18), ("conditional", 15),
                 ("suspended", 10), ("exited", 10), ("blacklisted", 8))
CONDITIONAL_REASONS = (
    "Annual ESG audit: medium risk. Conditionally accepted; an improvement plan is due within 6 months.",
    "RoHS report expired; orders continue while the renewed report is tested.",
    "Grade C in the quarterly performance evaluation: corrective actions required.",
)
SUSPENDED_REASONS = (
    "Annual ESG audit: high risk and no improvement plan within 3 months.",
    "CMRT not returned for tin-containing materials after three reminders.",
    "Working hours above 72 per week found in the on-site audit; orders paused until the corrective action is verified.",
)
EXIT_REASONS = (
    ("Grade D in the annual performance evaluation: cooperation terminated.", "close", ""),
    ("Product line discontinued; no further demand for this category.", "close", ""),
    ("Supplier ceased operations.", "transfer", "Open corrective actions transferred to the replacement supplier."),
    ("Could not provide a source mineral declaration or certificate of origin for tin.", "keep", "Follow up the last CMRT."),
)
BLACKLIST_DETAILS = {
    "false_materials": "Forged ISO 14001 certificate submitted during the qualification review.",
    "counterfeit": "Counterfeit tantalum capacitors found in incoming inspection; lot quarantined.",
    "safety_accident": "Fatal accident on the plating line; the plant was closed by the authorities.",
    "quality_issue": "Repeated thermal-runaway failures of battery modules in the field.",
    "environmental_incident": "Untreated wastewater containing heavy metals discharged; fined by the environment bureau.",
    "commercial_bribery": "Kickbacks offered to a buyer, reported through the integrity channel and confirmed.",
    "other": "Sourced cassiterite from a mine controlled by a non-state armed group (OECD Annex II risk).",
}
