"""The app's Jinja environment reads dicts the quick way and still as Jinja would."""

import pytest
from jinja2 import Environment as JinjaEnvironment
from jinja2 import StrictUndefined, UndefinedError

from planner.web.templating import Environment, PlannerFlask

TEMPLATE = "{{ d.title }}|{{ d.items() | list | length }}|{{ d.missing is defined }}|{{ o.real }}"


class Thing:
    real = 1.5


@pytest.mark.parametrize("env", [JinjaEnvironment(), Environment(PlannerFlask(__name__))])
def test_dict_fields_methods_and_missing_keys_render_as_plain_jinja(env):
    # "items" is both a key and a dict method: the method wins, as in Jinja.
    d = {"title": "Clear the hallway", "items": "a key", "x": 1}
    assert env.from_string(TEMPLATE).render(d=d, o=Thing()) == "Clear the hallway|3|False|1.5"


def test_a_missing_key_is_still_undefined_for_strict_templates():
    env = Environment(PlannerFlask(__name__), undefined=StrictUndefined)
    with pytest.raises(UndefinedError):
        env.from_string("{{ d.nope }}").render(d={})
