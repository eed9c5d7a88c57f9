"""Templates are loaded before the pages are made (furusato_engine.generators.load_templates):
a queued page's template and every template it extends, includes or imports by name, so the
processes forked to make the pages find them compiled instead of each compiling them again."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from furusato_engine.generators import load_with_references

THEME = {
    "page.html": "{% extends 'base.html' %}{% block body %}{% include 'partials/card.html' %}"
    "{% endblock %}",
    "base.html": "{% from 'macros.html' import link %}{% import 'partials/names.html' as n %}"
    "<main>{% block body %}{% endblock %}</main>{% include 'partials/footer.html' %}",
    "macros.html": "{% macro link(x) %}{% for i in x %}{% include 'partials/item.html' %}"
    "{% endfor %}{% endmacro %}",
    "partials/card.html": "card",
    "partials/names.html": "names",
    "partials/footer.html": "footer",
    "partials/item.html": "item",
    "partials/unused.html": "never referenced",
    "computed.html": "{% include name %}",
}


def loaded(env: Environment) -> set[str]:
    return {name for (_, name) in env.cache}


def test_a_template_and_everything_it_uses_by_name_are_loaded():
    env = Environment(loader=DictLoader(THEME), autoescape=True)
    load_with_references(env, env.get_template("page.html"), frozenset(THEME))
    assert loaded(env) == {
        "page.html",
        "base.html",
        "macros.html",
        "partials/card.html",
        "partials/names.html",
        "partials/footer.html",
        "partials/item.html",  # inside a loop inside a macro
    }


def test_a_name_computed_while_rendering_is_left_for_then():
    env = Environment(loader=DictLoader(THEME), autoescape=True)
    load_with_references(env, env.get_template("computed.html"), frozenset(THEME))
    assert loaded(env) == {"computed.html"}
    assert env.get_template("computed.html").render(name="partials/card.html") == "card"


def test_only_names_of_templates_are_loaded():
    theme = {"a.html": "{{ 'b.html' }} {% include 'c.html' %}", "c.html": "c", "b.html": "b"}
    env = Environment(loader=DictLoader(theme), autoescape=True)
    # b.html is a string in a.html but not a template the theme has: it is not loaded
    load_with_references(env, env.get_template("a.html"), frozenset({"a.html", "c.html"}))
    assert loaded(env) == {"a.html", "c.html"}
