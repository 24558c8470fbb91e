from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from apps.core.middleware import HtmxMessagesMiddleware
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
