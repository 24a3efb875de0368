"""Measuring a page in Chromium as WCAG 2.2 asks: reflow at 200% text (1.4.4, 1.4.10) and the
size of targets (2.5.8, at least 24 by 24 CSS pixels)."""

from __future__ import annotations

# Visible links and controls smaller than 24 x 24 px (the hidden skip link and controls inside
# a closed <details> are not visible). An <input> hidden under its styled label counts by the label.
SMALL_TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden') continue;
    if (el.classList.contains('skip')) continue;
    if (r.width < 24 || r.height < 24) {
      out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '')
        .trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""


def text_at(page, percent: int) -> None:
    """Scale the text as a browser's text-size setting does: the root font size, which every
    size in app.css follows (rem and em), times percent / 100."""
    page.evaluate(
        "p => { const html = document.documentElement;"
        " html.style.fontSize = parseFloat(getComputedStyle(html).fontSize) * p / 100"
        " + 'px'; }",
        percent,
    )


def sideways(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS)


def wide_elements(page) -> list[str]:
    """The elements sticking out past the right edge (to say what makes a page scroll); not
    those clipped by a line cut short with an ellipsis, or folded in a closed <details>."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => !e.closest('.banner-line, details:not([open]) > :not(summary)'))
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                   || (e.scrollWidth > e.clientWidth + 1
                       && getComputedStyle(e).overflowX === 'visible'
                       && e.clientWidth > 0))
      .slice(0, 8).map(e => `${e.tagName.toLowerCase()}.${e.className} ${
        Math.round(e.getBoundingClientRect().right)}`)""")
