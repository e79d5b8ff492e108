"""The company-name matcher on its own: no database."""

import pytest

from supplyesg.core.matching import (
    NameIndex,
    compare_companies,
    decide,
    normalize_company,
    normalize_registration_id,
    resolve_country,
)


@pytest.mark.parametrize(
    "text, code",
    [
        ("CN", "CN"),
        ("PRC", "CN"),
        ("P.R. China", "CN"),
        ("中国", "CN"),
        ("CHN", "CN"),
        ("USA", "US"),
        ("US", "US"),
        ("UNITED STATES OF AMERICA", "US"),
        ("UK", "GB"),
        ("Korea", "KR"),
        ("KOREA, REPUBLIC OF", "KR"),
        ("韩国", "KR"),
        ("Taiwan", "TW"),
        ("TAIWAN, PROVINCE OF CHINA", "TW"),
        ("台湾", "TW"),
        ("CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"),
        ("BOLIVIA (PLURINATIONAL STATE OF)", "BO"),
        ("Viet Nam", "VN"),
        ("JP", "JP"),
    ],
)
def test_countries_written_any_usual_way_resolve_to_one_iso_code(text, code):
    assert resolve_country(text) == code


def test_an_unknown_country_resolves_to_nothing():
    assert resolve_country("Unknown") is None
    assert resolve_country("") is None


def score(a, b, a_country=None, b_country=None, **site):
    return compare_companies(normalize_company(a, a_country), normalize_company(b, b_country, **site)).score


def test_a_place_moved_into_brackets_is_the_same_company():
    assert score("Tongli Wire Harness (Changzhou) Co., Ltd.", "Changzhou Tongli Wire Harness Co., Ltd.") == 100


def test_legal_forms_and_abbreviations_do_not_count():
    assert score("Jiangxi Xinnan Tungsten Ind. Co.", "JIANGXI XINNAN TUNGSTEN INDUSTRY COMPANY LIMITED") == 100
    assert score("Nihon Material Tech.", "Nihon Material Technology Corporation") == 100
    assert score("Metallo Belgium N.V.", "Metallo Belgium NV") == 100


def test_chinese_characters_meet_their_pinyin_name():
    assert score("云南锡业股份有限公司", "Yunnan Tin Company Limited", "中国", "CHINA") == 100
    assert score("招金矿业股份有限公司", "Zhaojin Mining Industry Co., Ltd.") >= 90


def test_a_typo_in_a_long_word_still_matches():
    assert score("Jiangxi Xinnan Tungstne Co", "Jiangxi Xinnan Tungsten Co., Ltd.") >= 90
    assert score("Kazzinc Ltd", "Kazzink Ltd") >= 85


def test_names_that_differ_only_in_their_place_are_different_companies():
    match = compare_companies(normalize_company("Yunnan Tin Company"), normalize_company("Guangxi Tin Company"))
    assert match.score < 60
    assert any("different" in reason for reason in match.reasons)


def test_names_that_differ_in_their_trade_name_are_different_companies():
    assert score("Jiangxi Xinnan Tungsten Co., Ltd.", "Jiangxi Huaxing Tungsten Co., Ltd.") <= 40


def test_a_city_qualifier_is_checked_against_the_site_city():
    same_city = score("Xinnan Tungsten (Ganzhou)", "Jiangxi Xinnan Tungsten Co., Ltd.", city="Ganzhou", province="Jiangxi")
    other_city = score("Xinnan Tungsten (Hezhou)", "Jiangxi Xinnan Tungsten Co., Ltd.", city="Ganzhou", province="Jiangxi")
    assert same_city >= 90
    assert other_city < 60


def test_a_different_country_costs_the_match():
    match = compare_companies(
        normalize_company("Tongli Wire Harness Co., Ltd.", "CN"), normalize_company("Tongli Wire Harness Co., Ltd.", "VN")
    )
    assert match.score < 80 and match.name_score == 100
    assert "country differs: China / Vietnam" in match.reasons


def test_common_words_alone_weigh_little():
    assert score("Asahi Pretec Corp.", "Asahi Refining USA Inc.") < 70


def test_registration_ids_compare_without_spaces_dashes_and_case():
    assert normalize_registration_id("9132 0400-ma1x") == normalize_registration_id("91320400MA1X")


def index():
    return NameIndex(
        [
            {"key": "CID002180", "name": "Yunnan Tin Company Limited", "country": "CHINA", "city": "Gejiu", "province": "Yunnan"},
            {
                "key": "CID001070",
                "name": "China Tin Group Co., Ltd.",
                "country": "CHINA",
                "city": "Laibin",
                "province": "Guangxi",
                "aliases": ["GuangXi China Tin"],
            },
            {
                "key": "CID001622",
                "name": "Shandong Zhaojin Gold & Silver Refinery Co., Ltd.",
                "country": "CHINA",
                "city": "Zhaoyuan",
                "province": "Shandong",
                "aliases": ["Zhaojin Mining Industry Co., Ltd."],
            },
            {"key": "CID001916", "name": "Shandong Gold Smelting Co., Ltd.", "country": "CHINA", "city": "Laizhou"},
        ]
    )


def test_the_index_finds_a_listed_name_with_reasons():
    found = index().search("Zhaojin Mining Ind. (Zhaoyuan)", country="PRC")
    assert found[0].key == "CID001622"
    assert "words matched: zhaojin" in found[0].reasons[0]
    assert any("Zhaoyuan" in reason for reason in found[0].reasons)


def test_the_index_abstains_for_a_near_miss():
    assert decide(index().search("Guangdong Tin Company", country="CN"), threshold=80) is None


def test_the_index_finds_nothing_for_an_invented_name():
    assert decide(index().search("Bluewater Precision Smelting", country="US"), threshold=80) is None


def test_case_punctuation_and_word_order_do_not_count():
    assert score("TONGLI WIRE HARNESS CHANGZHOU CO LTD", "Changzhou Tongli Wire-Harness Co., Ltd.") == 100


def test_usual_abbreviations_are_the_words_they_stand_for():
    assert score("Everwin Intl Mfg Co", "Everwin International Manufacturing Company") == 100
    assert score("Jinlong Metal Ind.", "Jinlong Metals Industries Ltd.") == 100


def test_run_together_pinyin_is_the_same_word():
    assert score("Jiangxi Xin Sheng Tungsten", "Jiangxi Xinsheng Tungsten Co., Ltd.") >= 95


def test_the_country_written_as_an_abbreviation_is_the_same_country():
    match = compare_companies(normalize_company("Yunnan Tin Co", "PRC"), normalize_company("Yunnan Tin Co", "CHINA"))
    assert match.score == 100 and "same country: China" in match.reasons


def test_a_trailing_place_that_is_not_the_site_city_is_a_different_place():
    match = compare_companies(
        normalize_company("Xinnan Tungsten Hezhou"), normalize_company("Xinnan Tungsten", city="Ganzhou", province="Jiangxi")
    )
    assert match.place_conflict and match.score < 60


def test_a_place_letter_changed_is_not_a_typo():
    assert score("Yanling Jicheng Tantalum", "Yanling Jincheng Tantalum") >= 85
    assert normalize_company("Jincheng Tantalum").distinctive == ("jincheng",)
