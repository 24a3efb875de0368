"""The Jinja environment the app renders with: Flask's, with a quicker `a.b` for plain dicts.

Templates read rows and plan items (plain dicts) as `item.title`. Jinja compiles that to
`getattr(item, "title")` first, which for a dict always fails with an AttributeError, caught,
and only then `item["title"]`: a raised exception for every field of every task shown, about
a tenth of rendering a task's row. For a dict whose key is not a dict method name the answer
is the same item either way, so it is looked up directly; everything else goes Jinja's way.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]
        return super().getattr(obj, attribute)


class PlannerFlask(Flask):
    """Flask, rendering with the Environment above."""

    jinja_environment = Environment
