"""Your own formula in a real browser: type it, press the button, see its map, its LaTeX and its link;
a refused formula shows why beside the field and the page stays usable."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

FORM = '[data-testid="stForm"]'


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def type_formula(page, text: str) -> None:
    field = page.locator(FORM).get_by_role("textbox", name="f(x, y) =")
    field.fill(text)
    page.locator(FORM).get_by_role("button", name="Use this formula").click()


def test_typing_a_formula_draws_its_surface(page, app_url):
    page.goto(app_url + "/?surface=custom&noise=gaussian(scale%3D0.1,seed%3D2)")
    wait_for_app(page)
    assert page.locator(FORM).count() == 1
    type_formula(page, "(x - 1)^2 + 10*(y + 0.5)^2")
    page.wait_for_function("() => decodeURIComponent(location.search.replaceAll('+', ' '))"
                           ".includes('formula=(x - 1)^2 + 10*(y + 0.5)^2')", timeout=30_000)
    wait_for_app(page)
    assert query_of(page)["noise"] == ["gaussian(scale=0.1,relative=true,seed=2)"]  # the noise stayed on
    # the formula as LaTeX (KaTeX renders it), the minimum found as a star on the map, not claimed to be global
    assert page.locator(".katex", has_text="10").count() >= 1
    star = page.evaluate("() => document.querySelector('.js-plotly-plot').data"
                         ".filter(t => t.name === 'lowest point found on the map').map(t => [t.x[0], t.y[0]])")
    assert star and abs(star[0][0] - 1) < 1e-6 and abs(star[0][1] + 0.5) < 1e-6

    type_formula(page, "x + __import__('os')")
    page.wait_for_selector(f'{FORM} [data-testid="stAlertContentError"]', timeout=30_000)
    message = page.locator(f'{FORM} [data-testid="stAlertContentError"]').inner_text()
    assert "double underscores" in message
    assert "formula" in query_of(page) and "10" in query_of(page)["formula"][0]  # still the last good surface
    assert page.locator(".js-plotly-plot").count() >= 1


def test_an_expensive_formula_is_refused_by_stage_and_the_page_carries_on(page, app_url):
    """Nested powers: short text, unbounded SymPy work. The worker is stopped at its limit; the student reads
    why beside the field; the next formula draws, typeset in the order it was typed."""
    page.goto(app_url + "/?surface=custom&domain=-0.3,0.3,-0.3,0.3")
    wait_for_app(page)
    worst = "(2+sin(y))"
    for _ in range(12):
        worst = f"({worst})**(1+x*x)"
    type_formula(page, worst)
    page.wait_for_selector(f'{FORM} [data-testid="stAlertContentError"]', timeout=90_000)
    message = page.locator(f'{FORM} [data-testid="stAlertContentError"]').inner_text()
    assert "this formula takes too long to" in message and "try a shorter" in message
    type_formula(page, "y - x^2 + sin(x)*cos(y)")
    page.wait_for_function("() => decodeURIComponent(location.search.replaceAll('+', ' '))"
                           ".includes('formula=y - x^2')", timeout=60_000)
    wait_for_app(page)
    typed = page.eval_on_selector_all(".katex-mathml annotation", "nodes => nodes.map(n => n.textContent)")
    assert any(r"y - x^{2} + \sin\left(x\right) \cos\left(y\right)" in text for text in typed), typed
