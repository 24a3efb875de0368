"""The Jinja environment the app renders with: Flask's, with a quicker `a.b` for plain dicts.

Templates read rows and plan items (plain dicts) as `item.title`. Jinja compiles that to
`getattr(item, "title")` first, which for a dict always fails with an AttributeError, caught,
and only then `item["title"]`: a raised exception for every field of every task shown, about
a tenth of rendering a task's row. For a dict whose key is not a dict method name the answer
is the same item either way, so it is looked up directly; everything else goes Jinja's way.

Every `{{ ... }}` passes through `said`: a text of the advice shown in English on another
language's page (planner/i18n.py, `in_english`) comes out whole in a lang="en" span with a short
note in the page's language, so a screen reader reads it as English and the reader knows why.
Such text never goes into an attribute (tests/test_i18n_pages.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from planner import i18n


class Environment(FlaskEnvironment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]
        return super().getattr(obj, attribute)


@pass_eval_context
def said(eval_ctx: EvalContext, value: Any) -> Any:
    """What `{{ value }}` writes: as Jinja would, but English runs marked (see above)."""
    if type(value) is not str or i18n.EN_OPEN not in value:
        return value
    if not eval_ctx.autoescape:
        return i18n.plain(value)
    note = escape(i18n.gettext(i18n.NOT_TRANSLATED))
    return Markup("").join(
        Markup('<span lang="en">{}</span> <small class="not-translated">{}</small>').format(
            words, note
        )
        if english
        else escape(words)
        for words, english in i18n.segments(value)
    )


class PlannerFlask(Flask):
    """Flask, rendering with the Environment above."""

    jinja_environment = Environment
    jinja_options = {"finalize": said}
