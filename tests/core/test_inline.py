"""The inline-edit kit: how a field renders in each state, and how a save is answered with and without htmx."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from apps.core.inline import (
    ERROR,
    SAVED,
    STALE,
    InlineAction,
    InlineField,
    StaleEdit,
    inline_response,
    posted_version,
    render_inline_field,
    version_token,
)


class NicknameForm(forms.Form):
    nickname = forms.CharField(max_length=5, help_text="What others see.")
    shown = forms.BooleanField(required=False, label="Show it")


def _request(data: dict[str, Any] | None = None, *, htmx: bool) -> Any:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    request = RequestFactory().post("/nickname/", data or {}, **headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = HtmxDetails(request)
    return request


def _render(field: InlineField, *, htmx: bool = True) -> str:
    return render_inline_field(_request(htmx=htmx), field).content.decode()


def test_idle_field_renders_label_control_version_and_the_save_wiring() -> None:
    form = NicknameForm(initial={"nickname": "ada"})

    html = _render(InlineField(form["nickname"], save_url="/nickname/", version="v1"))

    assert '<label class="form-label" for="id_nickname">Nickname</label>' in html
    assert 'class="form-control"' in html and 'value="ada"' in html
    assert '<input type="hidden" name="nickname__seen" value="v1">' in html
    assert 'hx-post="/nickname/"' in html and 'hx-params="nickname,nickname__seen"' in html
    assert 'hx-target="this"' in html and 'hx-swap="outerHTML"' in html
    assert "saving…" in html and 'aria-live="polite"' in html
    assert "is-invalid" not in html and 'data-testid="saved"' not in html
    assert 'id="inline-nickname-help"' in html and 'aria-describedby="inline-nickname-help"' in html


def test_bound_errors_put_the_field_in_error_state_with_the_message_under_the_control() -> None:
    form = NicknameForm({"nickname": "too long"})
    form.is_valid()

    field = InlineField(form["nickname"], save_url="/nickname/")
    html = _render(field)

    assert field.state == ERROR
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert 'class="invalid-feedback d-block" data-testid="error">Ensure this value has at most 5 characters' in html
    assert 'aria-describedby="inline-nickname-feedback inline-nickname-help"' in html


def test_saved_state_shows_saved_in_the_status() -> None:
    html = _render(InlineField(NicknameForm()["nickname"], save_url="/nickname/", state=SAVED))

    assert '<span class="text-success" data-testid="saved">saved</span>' in html


def test_boolean_renders_as_a_labelled_switch() -> None:
    html = _render(InlineField(NicknameForm()["shown"], save_url="/shown/"))

    assert 'class="form-check form-switch"' in html
    assert 'class="form-check-input"' in html and 'role="switch"' in html
    assert '<label class="form-check-label" for="id_shown">Show it</label>' in html


def test_stale_state_names_who_when_and_the_value_now_and_offers_to_apply_again() -> None:
    when = timezone.now().replace(hour=14, minute=2)
    stale = StaleEdit(who="olivia", when=when, current="Bob")
    form = NicknameForm({"nickname": "Al"})

    html = _render(InlineField(form["nickname"], save_url="/nickname/", version="v2", state=STALE, stale=stale))

    local = timezone.localtime(when)
    assert f"Changed by olivia at {local:%H:%M} — now Bob; your value was not saved." in html
    assert 'value="Al"' in html  # the person's value stays, ready to apply again
    assert 'name="nickname__seen" value="v2"' in html
    assert 'formaction="/nickname/" hx-post="/nickname/">Apply my value again' in html
    assert "is-invalid" in html


def test_stale_message_names_the_day_of_an_older_change() -> None:
    when = timezone.now() - timedelta(days=3)

    message = StaleEdit(who="olivia", when=when, current="on").message

    assert f"at {timezone.localtime(when):%Y-%m-%d %H:%M} — now on" in message


def test_own_form_field_posts_without_javascript_and_actions_post_elsewhere() -> None:
    reset = InlineAction("Reset", "/nickname/reset/", hidden_label=" nickname", testid="reset")

    html = _render(
        InlineField(NicknameForm()["nickname"], save_url="/nickname/", own_form=True, trigger="submit", actions=[reset])
    )

    assert html.lstrip().startswith('<form method="post" action="/nickname/" novalidate id="inline-nickname"')
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Save<span" in html and 'hx-trigger="submit"' in html
    assert 'formaction="/nickname/reset/" hx-post="/nickname/reset/" data-testid="reset">Reset' in html


def test_read_only_field_has_no_save_wiring() -> None:
    html = _render(InlineField(NicknameForm()["nickname"], save_url="/nickname/", editable=False))

    assert "hx-post" not in html
    assert "You may not change this value." in html


def test_htmx_save_answers_200_with_the_partial_even_for_an_error() -> None:
    form = NicknameForm({"nickname": "too long"})
    form.is_valid()
    request = _request(htmx=True)

    response = inline_response(request, InlineField(form["nickname"], save_url="/n/"), redirect_to="/page/")

    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_plain_post_renders_the_page_when_given_one() -> None:
    request = _request(htmx=False)

    response = inline_response(
        request, InlineField(NicknameForm()["nickname"], save_url="/n/"), page=lambda: HttpResponse("the page")
    )

    assert response.content == b"the page"


def test_plain_post_redirects_with_saved_or_the_refusal_as_a_message() -> None:
    saved_request, error_request = _request(htmx=False), _request(htmx=False)
    form = NicknameForm({"nickname": "too long"})
    form.is_valid()

    saved = inline_response(
        saved_request, InlineField(NicknameForm()["nickname"], save_url="/n/", state=SAVED), redirect_to="/page/"
    )
    refused = inline_response(error_request, InlineField(form["nickname"], save_url="/n/"), redirect_to="/page/")

    assert (saved.status_code, saved["Location"]) == (302, "/page/")
    assert [str(m) for m in get_messages(saved_request)] == ["Nickname saved."]
    assert refused.status_code == 302
    assert [str(m) for m in get_messages(error_request)] == [
        "Nickname was not saved: Ensure this value has at most 5 characters (it has 8)."
    ]


def test_posted_version_is_none_without_the_hidden_input() -> None:
    assert posted_version(_request({"nickname__seen": "v1"}, htmx=True), "nickname") == "v1"
    assert posted_version(_request({}, htmx=True), "nickname") is None


def test_version_token_is_stable_and_tells_values_apart() -> None:
    assert version_token("a", 1) == version_token("a", 1)
    assert version_token("a", 1) != version_token("a", 2)
