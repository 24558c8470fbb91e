from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from apps.core.middleware import HtmxMessagesMiddleware, PrivateCacheMiddleware
from tests.conftest import client_for


def test_messages_ride_along_htmx_responses_as_an_out_of_band_toast(acme, superadmin):
    client = client_for("localhost", superadmin)
    client.post(f"/console/tenants/{acme.pk}/deactivate/")  # leaves a success message

    response = client.get("/console/tenants/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#toasts"' in body
    assert "is deactivated" in body
    assert response["Content-Length"] == str(len(response.content))  # browsers read only that many bytes


def test_htmx_response_without_messages_has_no_toast(acme, superadmin):
    response = client_for("localhost", superadmin).get("/console/tenants/", HTTP_HX_REQUEST="true")

    assert "hx-swap-oob" not in response.content.decode()


def test_htmx_and_messages_come_before_every_middleware_that_may_answer_early():
    order = settings.MIDDLEWARE
    first_early = min(
        order.index(name)
        for name in (
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "apps.livesettings.middleware.MaintenanceModeMiddleware",
            "apps.livesettings.middleware.SessionExpiryMiddleware",
        )
    )

    assert order.index("django_htmx.middleware.HtmxMiddleware") < first_early
    assert order.index("django.contrib.messages.middleware.MessageMiddleware") < first_early
    assert (
        order.index("django.contrib.messages.middleware.MessageMiddleware")
        < order.index("apps.core.middleware.HtmxMessagesMiddleware")
        < first_early
    )


def test_a_refresh_leaves_the_messages_for_the_page_it_reloads(acme, superadmin):
    request = RequestFactory().get("/", HTTP_HX_REQUEST="true")
    request.htmx = HtmxDetails(request)
    request.session = client_for("localhost", superadmin).session
    request._messages = FallbackStorage(request)
    messages.info(request, "kept for the reload")

    def view(request):
        response = HttpResponse("<p>refresh</p>")
        response["HX-Refresh"] = "true"
        return response

    response = HtmxMessagesMiddleware(view)(request)

    assert "hx-swap-oob" not in response.content.decode()
    assert [str(m) for m in messages.get_messages(request)] == ["kept for the reload"]


def _cache_directives(response: HttpResponse) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_signed_in_pages_and_api_answers_are_private_and_never_stored(acme, acme_member, superadmin):
    member = client_for("acme.localhost", acme_member, acme)
    answers = {
        "dashboard": member.get("/"),
        "preferences": member.get("/preferences/"),
        "api": member.get("/api/preferences/user/"),
        "console": client_for("localhost", superadmin).get("/console/"),
    }

    for name, response in answers.items():
        assert response.status_code == 200, name
        assert {"private", "no-store"} <= _cache_directives(response), name
        assert "public" not in _cache_directives(response), name


def test_token_authenticated_api_answers_are_private_too(acme, acme_member):
    with schema_context("acme"):
        token = Token.objects.create(user=acme_member)

    response = client_for("acme.localhost").get("/api/preferences/user/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_directives(response)


def test_anonymous_answers_keep_their_own_caching():
    request = RequestFactory().get("/static/css/portal.css")
    request.user = AnonymousUser()

    def view(request):
        response = HttpResponse("body { }")
        response["Cache-Control"] = "max-age=60, public"
        return response

    response = PrivateCacheMiddleware(view)(request)

    assert _cache_directives(response) == {"max-age=60", "public"}


def test_every_page_carries_a_content_security_policy_without_inline_script_or_style(acme, acme_member):
    response = client_for("acme.localhost", acme_member, acme).get("/")

    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_only_the_api_docs_page_allows_inline_styles(acme, acme_member):
    response = client_for("acme.localhost", acme_member, acme).get("/api/docs/")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
