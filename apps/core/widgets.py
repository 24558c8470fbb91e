"""Form widgets the portal shares beyond Django's own (the duration widget is in `apps.core.durations`)."""

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString


class SearchableSelect(forms.TextInput):
    """A choice typed with suggestions: a text input tied to a <datalist> of the choices (for long lists).

    The browser filters the datalist as the person types, and a screen reader announces the suggestions of a
    labelled input; the form field (a ChoiceField) still refuses a value that is not a choice. Used instead of
    a <select> of hundreds of options (the ~600 IANA time zones), which only a first-letter jump can search.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.choices = list(choices)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs["list"] = list_id
        control = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((choice, label) for choice, label in self.choices)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', control, list_id, options)


# --- Django's widget templates, rendered in Python ------------------------------------------------
# A page of inline fields renders one widget per control (the notification matrix: one per cell); through
# Django's form renderer each costs a template render with includes and loops. These produce the same HTML as
# Django's own templates (checked against them in tests/core/test_widgets.py) for the templates listed; any
# other widget (a project template, a MultiWidget, radio buttons) goes through the renderer as before.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "checkbox",
        "date", "datetime", "time", "search", "tel", "color",
    )
)  # fmt: skip
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value: Any) -> Any:
    """`value|stringformat:'s'`: its text, still safe if it was."""
    return value if isinstance(value, SafeData) else str(value)


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """attrs.html: ` name="value"` per attribute, ` name` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _text(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget: dict[str, Any]) -> SafeString:
    value = "" if widget["value"] is None else format_html(' value="{}"', _text(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def _option(option: dict[str, Any]) -> SafeString:
    return format_html(
        '<option value="{}"{}>{}</option>\n', _text(option["value"]), _attrs(option["attrs"]), option["label"]
    )


def _select(widget: dict[str, Any]) -> SafeString | None:
    parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE or not isinstance(option["label"], str | Promise):
                return None  # a label the template would localize (a number), or a custom option template
            parts.append(format_html("\n  {}", _option(option)))
        if group_name:
            parts.append(SafeString("\n  </optgroup>"))
    parts.append(SafeString("\n</select>"))
    return SafeString("".join(parts))


def _renders_itself(widget: forms.Widget) -> bool:
    """Whether a class between the widget's and Django's Widget overrides how it renders (SearchableSelect)."""
    mro = type(widget).__mro__
    return any("render" in vars(cls) or "_render" in vars(cls) for cls in mro[: mro.index(forms.Widget)])


def render_widget(bound: forms.BoundField, attrs: dict[str, Any]) -> SafeString:
    """Return `bound.as_widget(attrs=attrs)`, without a template render for the common widgets."""
    widget = bound.field.widget
    if _renders_itself(widget) or (
        widget.template_name not in _INPUT_TEMPLATES and widget.template_name != _SELECT_TEMPLATE
    ):
        return bound.as_widget(attrs=attrs)
    # What BoundField.as_widget does before calling widget.render().
    if bound.field.localize:
        widget.is_localized = True
    built = bound.build_widget_attrs(dict(attrs), widget)
    if bound.auto_id and "id" not in widget.attrs:
        built.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), built)["widget"]
    html = _input(context) if widget.template_name in _INPUT_TEMPLATES else _select(context)
    return html if html is not None else bound.as_widget(attrs=attrs)
