"""Ranking search hits without a database: word order, Chinese, pinyin, typos."""

from supplyesg.core import textsearch


def test_it_matches_words_in_any_order():
    fields = ["Shenzhen Fuchang Electronics Co., Ltd."]
    assert textsearch.score("Fuchang Ltd", fields) > 0
    assert textsearch.score("ltd fuchang", fields) > 0


def test_it_needs_every_word_somewhere():
    assert textsearch.score("Fuchang Solder", ["Shenzhen Fuchang Electronics Co., Ltd."]) == 0


def test_a_word_may_match_one_field_and_another_word_a_second_field():
    assert textsearch.score("fuchang SUP-0042", ["Shenzhen Fuchang Electronics", "SUP-0042"]) > 0


def test_chinese_characters_match_a_chinese_name():
    assert textsearch.score("富昌", ["Shenzhen Fuchang Electronics", "深圳富昌电子有限公司"]) > 0


def test_pinyin_matches_a_chinese_name_in_full_or_by_initials():
    fields = ["", "深圳富昌电子有限公司"]
    assert textsearch.score("fuchang", fields) > 0
    assert textsearch.score("szfc", fields) > 0
    assert textsearch.score("huaxin", fields) == 0


def test_a_small_typo_still_matches_but_ranks_below_the_exact_word():
    fields = ["Shenzhen Fuchang Electronics"]
    typo, exact = textsearch.score("Fuchnag", fields), textsearch.score("Fuchang", fields)
    assert 0 < typo < exact


def test_an_exact_name_ranks_above_a_name_that_only_contains_the_words():
    exact = textsearch.score("Alpha Cable", ["Alpha Cable"])
    containing = textsearch.score("Alpha Cable", ["Alpha Cable Harness Industrial Co."])
    scattered = textsearch.score("Alpha Cable", ["Cable Works of Alpha Town"])
    assert exact > containing > scattered > 0


def test_full_width_and_case_do_not_matter():
    assert textsearch.score("ＡＬＰＨＡ", ["alpha cable"]) > 0


def test_an_empty_or_punctuation_only_query_matches_nothing():
    assert textsearch.score("", ["anything"]) == 0
    assert textsearch.score(" ,.; ", ["anything"]) == 0
