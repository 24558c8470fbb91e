"""Input normalisation shared by every page and API: ids from query strings and forms, text, short log values.

Query and form values reach views as text of any length and content. PostgreSQL refuses NUL bytes in text
(`apps.core.middleware.RejectNulBytesMiddleware` answers 400 for those before any view runs), Python's
`int()` refuses more than 4,300 digits and a bigint column anything past 2**63 - 1: `parse_id` turns each of
these into "no id" instead of a server error, and `id_param` into a 400.

Text a person enters is refused (a form error, or a 400 from the API), never silently changed, when it holds
control characters: ESC and the other C0 and C1 controls and DEL anywhere; in a single-line field also line
breaks (CR, LF, U+2028/U+2029) and TAB, which only a multi-line field (a Textarea) accepts. Such characters
cannot be typed into a field; they come from pasted terminal output or a forged request, and stored they break
titles, headers and logs. `guard_text_field` adds the check to a form field; `GuardedTextForm` applies it to
every text field of a form, whenever the form added it; the preference types use it for their form fields and
therefore for the API too.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.deconstruct import deconstructible

BIGINT_MAX = 2**63 - 1
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_ID = re.compile(r"[0-9]{1,19}")
LOG_VALUE_LIMIT = 200


def parse_id(value: object) -> int | None:
    """Return `value` as a database id (a bigint of ASCII digits), or None if it is missing or is not one."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None


def id_param(value: str | None) -> int | None:
    """Return the id a query or form parameter names, None when it is absent; raise BadRequest if malformed."""
    if value is None or value == "":
        return None
    number = parse_id(value)
    if number is None:
        raise BadRequest(f"Not an id: {shorten(value, limit=40)!r}")
    return number


def shorten(text: str, *, limit: int = LOG_VALUE_LIMIT) -> str:
    """Return `text` cut to `limit` characters, saying how long it was, so a log line stays a line."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


# C0 controls except TAB, LF and CR; DEL; C1 controls (U+0080-U+009F, NEL among them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a single-line field refuses on top: TAB and line breaks.
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")


@deconstructible
class TextValidator:
    """Refuse control characters in text; `multiline` allows TAB, LF and CR (a Textarea's value)."""

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        if _CONTROL.search(value):
            raise ValidationError("Remove the control characters (such as ESC) from this text.", code="control")
        if not self.multiline and _LINE_BREAK.search(value):
            raise ValidationError("Enter one line: no line breaks or tabs.", code="line_break")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


def guard_text_field(field: forms.Field) -> forms.Field:
    """Add the control-character check to `field` if it takes free text (a CharField that is not a password).

    A Textarea's field is multi-line; any other is single-line. Adding it twice adds it once.
    """
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return field
    if not any(isinstance(validator, TextValidator) for validator in field.validators):
        field.validators.append(TextValidator(multiline=isinstance(field.widget, forms.Textarea)))
    return field


class GuardedTextForm(forms.BaseForm):
    """A form mixin: every free-text field refuses control characters (see the module docstring).

    The check is added when the form is cleaned, so fields a form's `__init__` adds or replaces are covered.
    Put it first among the bases: `class TaskForm(GuardedTextForm, forms.ModelForm)`.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            guard_text_field(field)
        super().full_clean()
