"""Labels a user tells apart in English stay apart in Simplified Chinese: the header's navigation names every
destination differently, and the words that name different things on buttons and tabs get different translations."""

from html.parser import HTMLParser

import pytest
from django.utils import translation

from supplyesg.core.models import Role
from tests.factories import make_supplier, make_user


class NavLinks(HTMLParser):
    """The (text, href) of each link inside the page's <nav aria-label=...> landmarks, in order."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[list[str]] = []
        self.in_link = False

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(["", dict(attrs).get("href", "")])
            self.in_link = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self.depth -= 1
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.in_link:
            self.links[-1][0] += data


def main_navigation(client, url, language) -> list[tuple[str, str]]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("<nav")
    parser = NavLinks()
    parser.feed(html[start : html.index("</nav>", start) + len("</nav>")])
    return [(" ".join(text.split()), href) for text, href in parser.links]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_main_navigation_names_every_destination_differently(client, language):
    client.force_login(make_user(Role.COMPLIANCE))
    links = main_navigation(client, "/suppliers/", language)
    assert len(links) >= 12
    names = [text for text, _ in links]
    assert sorted(n for n in set(names) if names.count(n) > 1) == [], links
    assert len({href for _, href in links}) == len(links)


@pytest.mark.django_db
def test_a_supplier_user_sees_the_portal_in_the_navigation_in_chinese(client):
    client.force_login(make_user(Role.SUPPLIER, supplier=make_supplier()))
    assert main_navigation(client, "/portal/", "zh-hans") == [("供应商门户", "/portal/")]


# (context, English) pairs naming different things that can appear side by side.
APART = [
    (("supplier data reviews", "Reviews"), ("on-site audits", "Audits")),
    ((None, "Review"), (None, "Audit")),
    ((None, "Review"), (None, "Audits")),
    (("button that opens a page", "Open"), (None, "In progress")),
    (("button that opens a page", "Open"), (None, "Open")),
    ((None, "Finding"), (None, "Question")),
    ((None, "Terminations"), (None, "Terminate cooperation")),
]


def _chinese(context, message):
    with translation.override("zh-hans"):
        return translation.pgettext(context, message) if context else translation.gettext(message)


@pytest.mark.parametrize(("one", "other"), APART, ids=[f"{a[1]}-{b[1]}" for a, b in APART])
def test_words_that_name_different_things_have_different_chinese_labels(one, other):
    ours, theirs = _chinese(*one), _chinese(*other)
    assert ours != one[1] and theirs != other[1], "both have a Chinese translation"
    assert ours != theirs, f"{one[1]!r} and {other[1]!r} both read {ours!r} in Chinese"
