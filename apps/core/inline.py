"""The one inline-edit kit: every control a page saves on its own renders, saves and refuses stale saves alike.

Used by every inline editor (preferences, live settings, notification cells, list-of-values rows, the
profile). One rule for all of them:

- A page renders each control as an `InlineField` through `templates/_inline_field.html` (included
  directly, or from the editor's own partial when the swap covers more than the control, e.g. a table row).
- An htmx save answers **200** with the field's partial, whatever happened: the error in place under the
  control (`is-invalid` + `invalid-feedback`), or "saved"; "saving…" shows meanwhile, in the same place.
- A plain POST (no JavaScript) works too: the editor re-renders the page with the field in the same state,
  or adds a message (shown as a toast) and redirects, so the error or "saved" is visible without JavaScript.
- Each field carries the version it was rendered with, in the hidden input `<name>__seen` (the raw stored
  value, or `version_token(...)` of what the page showed). A save whose version is no longer current is
  refused: the editor raises `StaleEdit`; the control then says "Changed by olivia at 14:02 — now X; your
  value was not saved" and offers "Apply my value again", which re-posts with the new version.
- `static/js/inline.js` keeps the focus on the control that was changed across the swap.

A complete editor (a profile's nickname; the form, `nickname_set` and the URL are the editor's own):

    from apps.core.inline import (
        ERROR, SAVED, STALE, InlineField, StaleEdit, inline_response, posted_version, version_token,
    )

    PAGE = "accounts/profile.html"  # {% for field in fields %}{% include "_inline_field.html" %}{% endfor %}

    def _nickname(profile, *, form=None, **state):
        form = form or NicknameForm(initial={"nickname": profile.nickname})
        return InlineField(
            form["nickname"],                      # the bound field: label, help text, errors, widget
            save_url=reverse("accounts:nickname"),
            version=version_token(profile.nickname),
            **state,
        )

    @login_required
    @require_GET
    def profile(request):
        # GET renders every field idle, each with the version it shows.
        return render(request, PAGE, {"fields": [_nickname(request.user.profile)]})

    @login_required
    @require_POST
    def nickname(request):
        profile = request.user.profile
        form = NicknameForm(request.POST)
        if not form.is_valid():
            field = _nickname(profile, form=form, state=ERROR)        # the form's errors show in place
        else:
            try:
                # The service compares the posted version with what is stored now, under a lock, and
                # raises StaleEdit(who=..., when=..., current=<display>) when they differ.
                nickname_set(profile=profile, value=form.cleaned_data["nickname"],
                             expected=posted_version(request, "nickname"), actor=request.user)
            except StaleEdit as stale:
                # The person's value stays in the control; the version becomes the current one, so
                # "Apply my value again" overwrites knowingly.
                field = _nickname(profile, form=form, state=STALE, stale=stale)
            else:
                field = _nickname(profile, state=SAVED)
        # htmx: 200 + the field's partial. Plain POST: the whole page, this field in the same state.
        return inline_response(request, field, page=lambda: render(request, PAGE, {"fields": [field]}))

An editor that answers a plain POST with a redirect instead passes `redirect_to=` (and `saved_message=`):
`inline_response` then adds a success message, or "<label> was not saved: <why>", before redirecting.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from apps.core.widgets import render_widget

# The hidden input beside each control that carries the version it was rendered with (what the person saw).
VERSION_SUFFIX = "__seen"


class InlineState(StrEnum):
    """Where a field stands after the last request."""

    IDLE = "idle"
    SAVED = "saved"
    ERROR = "error"
    STALE = "stale"


IDLE, SAVED, ERROR, STALE = InlineState.IDLE, InlineState.SAVED, InlineState.ERROR, InlineState.STALE


class StaleEdit(Exception):
    """A save refused because someone changed the value since the page showed it.

    `who` and `when` describe the change that came in between, `current` is the value now as a person reads
    it, `version` the version to re-post with (None: the editor re-renders the field with it anyway) and
    `name` which control was refused, when one save covers several.
    """

    def __init__(
        self, *, who: str, when: datetime | None, current: str, version: str | None = None, name: str = ""
    ) -> None:
        super().__init__(f"{who} changed it; now {current}")
        self.name = name
        self.who = who
        self.when = when
        self.current = current
        self.version = version

    @property
    def message(self) -> str:
        """Return the refusal as the control shows it."""
        return f"Changed by {self.who}{_at(self.when)} — now {self.current}; your value was not saved."


def _at(when: datetime | None) -> str:
    if when is None:
        return ""
    local = timezone.localtime(when)  # the visitor's zone: UserTimezoneMiddleware activated it
    if local.date() == timezone.localdate():
        return f" at {local:%H:%M}"
    return f" at {local:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class InlineAction:
    """A button beside the control that posts the field elsewhere: reset, "use inherited", …"""

    label: str
    url: str
    hidden_label: str = ""  # read by screen readers after `label`, e.g. " Time zone to its default"
    testid: str = ""


@dataclass
class InlineField:
    """One control as the kit renders it, with its version and where it stands.

    `control` is a bound form field (its label, help text, errors and widget are used) or ready-made HTML
    (then give `name`, `label` and `control_id`). With `own_form=False` the field sits inside the page's
    own <form>, which posts it without JavaScript (as the preferences tabs do); with True it is its own form.
    `template` is what an htmx save answers: the kit's partial, or the editor's partial that includes it
    (with `target` the CSS selector of what that partial replaces).
    """

    control: forms.BoundField | SafeString
    save_url: str
    version: str = ""
    state: InlineState = IDLE
    stale: StaleEdit | None = None
    errors: Sequence[str] | None = None  # default: the bound field's errors
    name: str = ""  # default: the bound field's input name
    label: str = ""
    control_id: str = ""
    label_hidden: bool = False  # True: only screen readers read the label (a matrix cell has headers instead)
    editable: bool = True
    badge: str = ""  # a short state next to the status, e.g. "changed from default"
    note: str = ""  # what the value resolves to otherwise, e.g. "default: Follow my device"
    actions: Sequence[InlineAction] = ()
    retry_url: str = ""  # where "apply my value again" posts after a stale refusal; default: `save_url`
    retry_label: str = "Apply my value again"
    own_form: bool = False  # True: the field is its own <form> with a Save button (no enclosing form)
    submit_label: str = "Save"  # that button's text, e.g. "Add" for a field that creates something
    trigger: str = "change"  # when htmx saves; "submit" for text fields that have a Save button
    params: Sequence[str] = ()  # other inputs the save sends besides the control and its version
    testid: str = ""
    target: str = "this"
    template: str = "_inline_field.html"
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.control, forms.BoundField):
            bound = self.control
            self.name = self.name or bound.html_name
            self.label = self.label or str(bound.label)
            self.control_id = self.control_id or bound.id_for_label
            if self.errors is None:
                self.errors = [str(error) for error in bound.errors]
        if self.errors is None:
            self.errors = []
        if self.stale is not None:
            self.state = STALE
        elif self.errors and self.state == IDLE:
            self.state = ERROR

    # --- what the template reads --------------------------------------------------------------------
    @property
    def dom_id(self) -> str:
        return f"inline-{self.name}"

    @property
    def version_name(self) -> str:
        return self.name + VERSION_SUFFIX

    @property
    def feedback_id(self) -> str:
        return f"{self.dom_id}-feedback"

    @property
    def help_text(self) -> str:
        return str(self.control.help_text) if isinstance(self.control, forms.BoundField) else ""

    @property
    def invalid(self) -> bool:
        return self.state in (ERROR, STALE)

    @property
    def is_switch(self) -> bool:
        return isinstance(self.control, forms.BoundField) and isinstance(self.control.field.widget, forms.CheckboxInput)

    @property
    def retry(self) -> str:
        return self.retry_url or self.save_url

    @property
    def hx_params(self) -> str:
        names = [self.name]
        if isinstance(self.control, forms.BoundField) and isinstance(self.control.field.widget, forms.MultiWidget):
            # A control of several inputs (a duration's number and unit) posts each under its own name.
            suffixes: list[str] = getattr(self.control.field.widget, "widgets_names", [])
            names = [self.name + suffix for suffix in suffixes] or [self.name]
        return ",".join(dict.fromkeys([*names, self.version_name, *self.params]))

    @property
    def widget(self) -> SafeString:
        """Return the control's HTML: Bootstrap's classes, `is-invalid` and its description when refused."""
        if not isinstance(self.control, forms.BoundField):
            return self.control
        bound = self.control
        widget = bound.field.widget
        classes = [widget.attrs.get("class", ""), _bootstrap_class(widget)]
        if self.invalid:
            classes.append("is-invalid")
        attrs: dict[str, Any] = {"class": " ".join(dict.fromkeys(c for name in classes for c in name.split()))}
        if isinstance(widget, forms.CheckboxInput):
            attrs["role"] = "switch"
        described = [self.feedback_id] if self.invalid else []
        if self.help_text:
            described.append(f"{self.dom_id}-help")
        if described:
            attrs["aria-describedby"] = " ".join(described)
        if self.invalid:
            attrs["aria-invalid"] = "true"
        return render_widget(bound, attrs)  # as_widget(attrs=attrs), without a template for common widgets

    @property
    def version_input(self) -> SafeString:
        return format_html('<input type="hidden" name="{}" value="{}">', self.version_name, self.version)


def inline_field_html(field: InlineField, csrf_token: Any = None) -> SafeString:
    """Return the kit's markup of `field` (what `templates/_inline_field.html` shows).

    Built here rather than by a template: a page of many controls (the notification matrix) renders one per
    cell, and a template of this many branches cost more than everything else on such a page.
    `csrf_token` is the template context's, for a field that is its own form.
    """
    dom_id = field.dom_id
    if field.own_form:
        tag, opening = "form", format_html('form method="post" action="{}" novalidate', field.save_url)
    else:
        tag, opening = "div", SafeString("div")
    testid = format_html(' data-testid="{}"', field.testid) if field.testid else ""
    htmx = ""
    if field.editable:
        htmx = format_html(
            'hx-post="{}" hx-trigger="{}" hx-target="{}" hx-swap="outerHTML"\n'
            '  hx-params="{}" hx-indicator="#{}-saving"',
            field.save_url,
            field.trigger,
            field.target,
            field.hx_params,
            dom_id,
        )
    hidden_label = " visually-hidden" if field.label_hidden else ""
    if field.is_switch:
        control = format_html(
            '<div class="form-check form-switch">\n    {}\n    <label class="form-check-label{}" for="{}">{}</label>\n'
            "  </div>",
            field.widget,
            hidden_label,
            field.control_id,
            field.label,
        )
    else:
        label = ""
        if field.label:
            label = format_html(
                '<label class="form-label{}" for="{}">{}</label>', hidden_label, field.control_id, field.label
            )
        control = format_html("{}\n  {}", label, field.widget)
    feedback = ""
    if field.state == STALE:
        assert field.stale is not None
        feedback = format_html(
            '<div id="{}" class="invalid-feedback d-block" data-testid="stale">{}\n'
            '    <button type="submit" class="btn btn-outline-danger btn-sm ms-1" formaction="{}" hx-post="{}">{}'
            '<span class="visually-hidden"> ({})</span></button>\n  </div>',
            field.feedback_id,
            field.stale.message,
            field.retry,
            field.retry,
            field.retry_label,
            field.label,
        )
    elif field.errors:
        feedback = format_html(
            '<div id="{}" class="invalid-feedback d-block" data-testid="error">{}</div>',
            field.feedback_id,
            SafeString(" ".join(conditional_escape(error) for error in field.errors)),  # `errors|join:" "`
        )
    help_text = (
        format_html('<div class="form-text" id="{}-help">{}</div>', dom_id, field.help_text) if field.help_text else ""
    )
    submit = ""
    if field.own_form and field.editable:
        submit = format_html(
            '<button type="submit" class="btn btn-primary btn-sm">{}<span class="visually-hidden"> {}</span></button>',
            field.submit_label,
            field.label,
        )
    saved = SafeString('<span class="text-success" data-testid="saved">saved</span>') if field.state == SAVED else ""
    locked = (
        "" if field.editable else SafeString('<span class="text-body-secondary">You may not change this value.</span>')
    )
    badge = (
        format_html('<span class="badge text-bg-info" data-testid="badge">{}</span>', field.badge)
        if field.badge
        else ""
    )
    note = (
        format_html('<span class="text-body-secondary" data-testid="note">{}</span>', field.note) if field.note else ""
    )
    actions = ""
    if field.editable:
        actions = format_html_join(
            "\n    ",
            '<button type="submit" class="btn btn-link btn-sm p-0" formaction="{}" hx-post="{}"{}>{}{}</button>',
            (
                (
                    action.url,
                    action.url,
                    format_html(' data-testid="{}"', action.testid) if action.testid else "",
                    action.label,
                    format_html('<span class="visually-hidden">{}</span>', action.hidden_label)
                    if action.hidden_label
                    else "",
                )
                for action in field.actions
            ),
        )
    return format_html(
        '<{} id="{}" class="inline-field" data-inline-field{}\n  {}>\n  {}\n  {}\n  {}\n  {}\n  {}\n'
        '  <div class="d-flex flex-wrap align-items-center gap-2 mt-1 mb-3 small">\n    {}\n'
        '    <span role="status" aria-live="polite" data-inline-status><span id="{}-saving" '
        'class="htmx-indicator text-body-secondary">saving…</span>\n      {}</span>\n    {}\n    {}\n    {}\n    {}\n'
        "  </div>\n</{}>",
        opening,
        dom_id,
        testid,
        htmx,
        _csrf_input(csrf_token) if field.own_form else "",
        control,
        field.version_input,
        feedback,
        help_text,
        submit,
        dom_id,
        saved,
        locked,
        badge,
        note,
        actions,
        tag,
    )


def _csrf_input(token: Any) -> SafeString:
    """What `{% csrf_token %}` renders."""
    if not token or token == "NOTPROVIDED":
        return SafeString("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):  # SelectMultiple included
        return "form-select"
    return "form-control"


def version_token(*parts: Any) -> str:
    """Return a short version of what a control was rendered from, for values without a raw stored text."""
    text = json.dumps(parts, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def posted_version(request: HttpRequest, name: str) -> str | None:
    """Return the version posted beside the control `name`; None for a request without one (no check)."""
    return request.POST.get(name + VERSION_SUFFIX)


def render_inline_field(request: HttpRequest, field: InlineField) -> HttpResponse:
    """Answer a save with the field's partial; always 200, because htmx swaps only successful responses."""
    return render(request, field.template, {**field.context, "field": field})


def refusal(field: InlineField) -> str:
    """Return why a field was not saved, as one sentence for a message."""
    if field.stale is not None:
        return field.stale.message
    return " ".join(field.errors or [])


def inline_response(
    request: HttpRequest,
    field: InlineField,
    *,
    page: Callable[[], HttpResponse] | None = None,
    redirect_to: str = "",
    saved_message: str | None = "",
) -> HttpResponse:
    """Answer a save: htmx gets the field's partial; a plain POST gets `page()`, or a message and a redirect.

    Give `page` (the page, this field in the same state) or `redirect_to` (then "saved" or the refusal is a
    message; `saved_message` defaults to "<label> saved.", None when the editor added its own).
    """
    if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
        return render_inline_field(request, field)
    if page is not None:
        return page()
    if field.state in (ERROR, STALE):
        messages.error(request, f"{field.label} was not saved: {refusal(field)}")
    elif field.state == SAVED and saved_message is not None:
        messages.success(request, saved_message or f"{field.label} saved.")
    return redirect(redirect_to)
