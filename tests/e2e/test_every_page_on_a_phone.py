"""Every page, on a 390x844 phone, in English and in Simplified Chinese: nothing is wider than the screen, and
axe-core (bundled in axe-playwright-python, injected from the package, never fetched) finds no serious or critical
accessibility violation. English here, Simplified Chinese in test_every_page_on_a_phone_zh.py.

The page list comes from the URL resolver through the permission matrix's rules: each GET page is opened by the
persona that may open it (a compliance manager for internal pages, an administrator for the few only administrators
open, supplier A's user for the portal, an anonymous visitor for the public pages), pointed at the objects of one
world (tests/world.py, with long values added). A new page is swept as soon as it has its rule. Skipped: responses
that are not an HTML document (downloads, JSON, htmx fragments, which are checked inside the page that loads them)
and the Django admin site (Django's own screens, administrators only).

On failure the message names the page, the element that sticks out past the screen's edge (innermost first) or the
axe rule with the offending elements.
"""

import re
from dataclasses import dataclass

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.test import Client
from playwright.sync_api import expect

from supplyesg.core.models import Role
from tests.core.test_permission_matrix import ROUTES, RULES, _page_values, _url, expected_page
from tests.e2e.conftest import login
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}
PERSONAS = {
    "anonymous": {"public"},
    Role.COMPLIANCE: {"home", "authenticated", "internal", "internal_write", "import_job", "own_job", "own_export",
                      "api_document", "grievance", "grievance_identity", "grievance_review"},
    "supplier_a": {"home", "authenticated", "portal", "portal_own"},
    Role.ADMIN: {"internal", "internal_write", "grievance_custodian"},  # only the pages a compliance manager may not open
}
BLOCKING = {"serious", "critical"}

# The elements that stick out past the right edge of the screen and are not inside a box that scrolls or clips:
# the innermost of them are the ones to fix.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, root = document.documentElement;
  if (root.scrollWidth <= width) return null;
  // Inside a box that scrolls or clips: an absolutely positioned element only if its containing block is in that box.
  const contained = el => {
    const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    let anchored = !absolute;
    for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.position !== 'static') anchored = true;
      if (style.overflowX !== 'visible' && anchored) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(el => {
    const box = el.getBoundingClientRect();
    if (contained(el)) return false;
    // the box itself, or text it cannot wrap that spills out of it
    const spills = getComputedStyle(el).overflowX === 'visible' && box.left + el.scrollWidth > width + 0.5;
    return (box.width > 0 && box.right > width + 0.5) || spills;
  });
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"' +
    ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)';
  return {scrollWidth: root.scrollWidth, elements: innermost.slice(0, 5).map(name)};
}"""

AXE_RUN_JS = "(context) => axe.run(context || document, {resultTypes: ['violations']}).then(r => r.violations)"
# The API documentation page is our shell (language, viewport, landmark: checked) around django-ninja's vendored
# Swagger UI, which draws itself once /api/openapi.json arrives. Swagger UI's own markup has known axe violations
# (nested-interactive in its operation headers, colour contrast of its version stamp and Authorize button) that are
# not ours to change in a vendored bundle, and whether axe saw them depended on how fast the document came back; its
# subtree is left out so the check is the same every run.
AXE_CONTEXTS = {"api:openapi-view": {"exclude": [["#swagger-ui"]]}}


@dataclass(frozen=True)
class Visit:
    name: str
    url: str


def pages_for(persona: str, world: dict) -> list[Visit]:
    """The HTML pages this persona may open, in URL-name order, from every named pattern of the resolver."""
    client = Client()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    visits = []
    for name in sorted(ROUTES):
        rule = RULES.get(name)
        if rule is None or rule.method != "GET" or rule.kind not in PERSONAS[persona]:
            continue
        if expected_page(rule, persona) != "ok":
            continue
        if persona == Role.ADMIN and expected_page(rule, Role.COMPLIANCE) == "ok":
            continue
        url = _url(name, _page_values(name, rule, persona, world))
        response = client.get(url, follow=True)
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and html and b"<html" in response.content[:400].lower():
            visits.append(Visit(name, url))
    return visits


def problems_on(page, visit: Visit, language: str) -> list[str]:
    response = page.goto(visit.url)
    if response is None or response.status != 200:
        return [f"{visit.name} {visit.url}: answered {response and response.status}"]
    page.wait_for_load_state("load")
    found = []
    lang = page.locator("html").get_attribute("lang")
    if lang != language:
        found.append(f"{visit.name} {visit.url}: the page says its language is {lang!r}, not {language!r}")
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow:
        found.append(f"{visit.name} {visit.url}: {overflow['scrollWidth']}px wide on a {PHONE['width']}px screen, "
                     f"because of {'; '.join(overflow['elements'])}")
    for violation in page.evaluate(AXE_RUN_JS, AXE_CONTEXTS.get(visit.name)):
        if violation["impact"] in BLOCKING:
            nodes = "; ".join(" ".join(node["target"]) + f" {node['html'][:120]}" for node in violation["nodes"][:3])
            found.append(f"{visit.name} {visit.url}: axe {violation['id']} ({violation['impact']}): "
                         f"{violation['help']}: {nodes}")
    return found


def lengthen(world: dict) -> None:
    """The long values real data has and layouts trip on: URLs, e-mail addresses, unbroken names, smelter rows."""
    from supplyesg.minerals.models import SubmissionSmelter
    from supplyesg.suppliers.models import Supplier
    from tests.factories import make_contact

    supplier = Supplier.objects.get(pk=world["values"]["pk"])
    supplier.website = "https://www.alpha-cable-manufacturing-international-holdings.example.com/sustainability/2026"
    supplier.save(update_fields=["website"])
    make_contact(supplier, name="Responsible-sourcing-and-conflict-minerals-compliance-desk",
                 email="responsible.sourcing.and.conflict.minerals.compliance@alpha-cable-international.example.com")
    for row, (name, cid) in enumerate([
        ("Guangxi-China-Tin-Group-Smelting-and-Refining-Co.,Ltd.-Laibin-Branch-Factory", "CID001070"),
        ("Unknown Tin Works (as reported by the supplier, with its full address in the name field)", ""),
    ], start=5):
        SubmissionSmelter.objects.create(submission_id=world["values"]["submission_pk"], row=row, metal="Tin",
                                         name=name, country="CHINA", cid=cid, matched_by="cid" if cid else "")


def sweep(persona: str, language: str, browser, live_server) -> None:
    """Open every page the persona may open, in the language, and fail with every page that overflows or has a
    serious accessibility violation."""
    world = build_world()
    lengthen(world)
    visits = pages_for(persona, world)
    assert len(visits) >= {"anonymous": 4, Role.COMPLIANCE: 60, "supplier_a": 12, Role.ADMIN: 3}[persona], visits

    context = browser.new_context(base_url=live_server.url, locale=LANGUAGES[language], viewport=PHONE)
    context.set_default_timeout(15000)
    context.add_init_script(script=AXE_SCRIPT)
    try:
        page = context.new_page()
        if persona != "anonymous":
            login(page, world["users"][persona].username)
        problems = []
        for visit in visits:
            problems += problems_on(page, visit, language)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


# The sweep is the suite's longest work: the Chinese one is its own file (test_every_page_on_a_phone_zh.py), so
# under `make test` (pytest-xdist, --dist loadfile: a file runs in one process) the two languages run side by side.
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_fits_a_phone_screen_and_has_no_serious_accessibility_violation(persona, browser, live_server):
    sweep(persona, "en", browser, live_server)


def test_on_a_phone_the_navigation_folds_behind_a_menu_button_that_says_whether_it_is_open(new_page, live_server):
    world = build_world()
    page = new_page(viewport=PHONE)
    login(page, world["users"][Role.COMPLIANCE].username)
    page.goto("/suppliers/")
    menu = page.get_by_role("button", name="Menu")
    suppliers_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(suppliers_link).to_be_hidden()
    header_height = page.locator("header.top").bounding_box()["height"]
    assert header_height < 844 / 8, f"the folded header takes {header_height}px of an 844px screen"

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(suppliers_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(suppliers_link).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audits").click()
    expect(page.locator("h1")).to_be_visible()
    assert re.search(r"/audits/", page.url)


def test_on_a_desktop_the_navigation_is_open_and_there_is_no_menu_button(new_page):
    world = build_world()
    page = new_page()
    login(page, world["users"][Role.COMPLIANCE].username)
    page.goto("/suppliers/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers")).to_be_visible()


def test_the_first_tab_offers_to_skip_to_the_content_and_focus_is_visible(new_page):
    world = build_world()
    page = new_page(viewport=PHONE)
    login(page, world["users"][Role.COMPLIANCE].username)
    page.goto("/suppliers/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", ""), "the focused skip link has no visible outline"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('main') !== null")
    assert focused, "after skipping, the next Tab stays in the page content"


def test_without_javascript_a_phone_still_shows_the_navigation(browser, live_server):
    world = build_world()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/?next=/suppliers/")
        page.fill("input[name=username]", world["users"][Role.COMPLIANCE].username)
        page.fill("input[name=password]", "pw-Secret-123")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Suppliers")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_table_wider_than_the_phone_scrolls_in_its_own_labelled_box_the_keyboard_can_reach(new_page):
    world = build_world()
    page = new_page(viewport=PHONE)
    login(page, world["users"][Role.COMPLIANCE].username)
    page.goto("/suppliers/")
    box = page.locator("main .table-wrap").first
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "Suppliers")
    box.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('main .table-wrap').scrollLeft > 0")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1600, "height": 900})  # the table fits: no needless stop for the Tab key
    expect(box).not_to_have_attribute("tabindex", "0")


def test_in_chinese_the_menu_button_and_the_skip_link_speak_chinese(new_page):
    world = build_world()
    page = new_page(locale="zh-CN", viewport=PHONE)
    login(page, world["users"]["supplier_a"].username)
    page.goto("/portal/")
    expect(page.get_by_role("link", name="跳到正文")).to_be_attached()
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="供应商门户")).to_be_visible()
