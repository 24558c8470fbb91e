from tests.conftest import client_for


def test_messages_ride_along_htmx_responses_as_an_out_of_band_toast(acme, superadmin):
    client = client_for("localhost", superadmin)
    client.post(f"/console/tenants/{acme.pk}/deactivate/")  # leaves a success message

    response = client.get("/console/tenants/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#toasts"' in body
    assert "is deactivated" in body


def test_htmx_response_without_messages_has_no_toast(acme, superadmin):
    response = client_for("localhost", superadmin).get("/console/tenants/", HTTP_HX_REQUEST="true")

    assert "hx-swap-oob" not in response.content.decode()
