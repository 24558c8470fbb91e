from tests.conftest import PASSWORD, client_for, make_user


def test_member_gets_403_on_owner_pages(acme, acme_member):
    response = client_for("acme.localhost", acme_member, acme).get("/owner/")

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_owner_sees_the_owner_console_with_people_and_roles(acme, acme_owner, acme_member):
    response = client_for("acme.localhost", acme_owner, acme).get("/owner/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "alice" in body and "Sales" in body
    assert 'href="/owner/"' in body  # the navigation offers the owner link


def test_navigation_hides_owner_link_from_members(acme, acme_member):
    body = client_for("acme.localhost", acme_member, acme).get("/").content.decode()

    assert 'href="/owner/"' not in body


def test_anonymous_visitor_is_sent_to_login_with_next(acme):
    for path in ("/", "/owner/"):
        response = client_for("acme.localhost").get(path)

        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_owner_of_a_tenant_cannot_reach_the_superadmin_console(acme, acme_owner):
    owner_on_acme = client_for("acme.localhost", acme_owner, acme)
    assert owner_on_acme.get("/console/").status_code == 404  # the console is not on tenant domains

    # The owner's session (the same cookie jar) is acme's only; on the public domain they are a stranger.
    owner_on_acme.defaults["HTTP_HOST"] = "localhost"
    response = owner_on_acme.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_public_user_who_is_not_a_superuser_gets_403_on_the_console(tenants):
    staff = make_user(None, "public-staff")

    response = client_for("localhost", staff).get("/console/")

    assert response.status_code == 403


def test_login_and_password_change_work_on_a_tenant_domain(acme, acme_member):
    client = client_for("acme.localhost")

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-secret-42", "new_password2": "a-new-secret-42"},
    )
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.post("/accounts/login/", {"username": "alice", "password": "a-new-secret-42"}).status_code == 302
