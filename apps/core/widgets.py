"""Form widgets the portal shares beyond Django's own (the duration widget is in `apps.core.durations`)."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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
