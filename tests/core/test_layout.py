from django.template import Context, Template
from django.test import override_settings

from apps.core.templatetags import layout


def _render(source: str) -> str:
    return Template(source).render(Context({}))


@override_settings(STATIC_URL="/static&assets/")
def test_static_gives_what_djangos_static_gives_escaped_alike():
    for path in ("css/portal.css", "img/a&b c.svg"):
        ours = _render(f"{{% load layout %}}{{% static '{path}' %}}")

        assert ours == _render(f"{{% load static %}}{{% static '{path}' %}}")
        assert ours.startswith("/static&amp;assets/")


def test_static_works_each_path_out_once_until_the_static_settings_change():
    layout._static_urls.clear()
    _render("{% load layout %}{% static 'css/portal.css' %}{% static 'css/portal.css' %}")

    assert layout._static_urls == {"css/portal.css": "/static/css/portal.css"}
    with override_settings(STATIC_URL="/assets/"):
        assert _render("{% load layout %}{% static 'css/portal.css' %}") == "/assets/css/portal.css"
    assert _render("{% load layout %}{% static 'css/portal.css' %}") == "/static/css/portal.css"


def test_url_fixed_gives_the_url_of_a_route_and_stores_it_as_url_does():
    rendered = _render("{% load layout %}{% url_fixed 'login' %}|{% url_fixed 'login' as login_url %}[{{ login_url }}]")

    assert rendered == _render("{% url 'login' %}|{% url 'login' as login_url %}[{{ login_url }}]")
