"""The access-control matrix: every URL pattern of both urlconfs and what each identity gets from it.

A row is `route(url_name, kwargs, METHOD="anonymous member owner other superadmin", …)`: for each method the view
accepts (GET and each write method), the status each identity must get, in the order of `IDENTITIES`:

- anonymous: no session;
- member, owner: acme's people, on acme's domain (on the public domain they carry acme's session cookie there);
- other: globex's owner on globex's domain, asking for acme's objects by their ids (a 2xx there would be a leak);
- superadmin: a superuser of the public schema on the public domain (on a tenant domain the public session
  cookie is replayed there, and counts for nothing).

`kwargs` maps each URL kwarg to the name of a value built by `tests.security.world.build_world` (acme's rows).
Writes are sent without a body (JSON `{}` for the API's PUT/PATCH): each must be refused or answered with a form
error for people who may make it, and refused the same way as a GET for people who may not. A view that answers
every method alike (a page) lists only GET. Adding a URL: add its row here, with the statuses it must answer.
"""

from dataclasses import dataclass, field

IDENTITIES = ("anonymous", "member", "owner", "other", "superadmin")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    expect: dict[str, tuple[int, ...]] = field(default_factory=dict)
    ends_session: bool = False  # logging out: the identities log in again after this row

    @property
    def objects(self) -> bool:
        """Return whether the URL names one of acme's rows by id (another tenant's owner must never get 2xx)."""
        return any(value in OBJECT_VALUES for value in self.kwargs.values())


OBJECT_VALUES = {
    "person",
    "change",
    "task",
    "delivery",
    "token",
    "token_all",
    "custom_value",
    "group",
    "doomed_group",
    "doomed_group_api",
    "import_job",
    "invitation",
    "invitation_token",
    "api_invitation",
    "group_target",
}


def route(name: str, kwargs: dict[str, str] | None = None, *, ends_session: bool = False, **methods: str) -> Route:
    """Return a row: `methods` maps GET, POST, … to the statuses of the identities, space-separated."""
    expect = {method: tuple(int(code) for code in codes.split()) for method, codes in methods.items()}
    for method, codes in expect.items():
        assert len(codes) == len(IDENTITIES), f"{name} {method}: one status per identity {IDENTITIES}"
    return Route(name, kwargs or {}, expect, ends_session)


# Statuses of pages every signed-in person of the tenant may see, and of owners' pages.
MEMBER_PAGE = "302 200 200 200 302"
OWNER_PAGE = "302 403 200 200 302"
# An owner's object of acme: another tenant's owner finds nothing.
OWNER_OBJECT = "302 403 200 404 302"
# The tenant API: anonymous callers are asked for credentials (401), members refused owners' parts (403).
API_MEMBER = "401 200 200 200 401"
API_OWNER = "401 403 200 200 401"
API_MEMBER_BAD_WRITE = "401 400 400 400 401"
API_OWNER_BAD_WRITE = "401 403 400 400 401"
# The console: only the superadmin; tenant sessions replayed on the public domain count for nothing.
CONSOLE_PAGE = "302 302 302 302 200"
NOT_THIS_METHOD = "302 405 405 405 302"
# A signed-in person's form that only takes POST; anonymous people are sent to log in first.
POST_ONLY = "302 405 405 405 302"
# Pages for everyone, signed in or not.
ANYONE = "200 200 200 200 200"

TENANT_ROUTES = [
    # accounts
    route("home", GET=MEMBER_PAGE),
    # /owner/ sends owners on to the people page.
    route("owner-overview", GET="302 403 302 302 302"),
    route("owner-login-unlock", {"pk": "person"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("login", GET="200 302 302 302 200", POST="200 302 302 302 200"),
    route("logout", GET="405 405 405 405 405", POST="302 302 302 302 302", ends_session=True),
    route("password_change", GET=MEMBER_PAGE, POST=MEMBER_PAGE),
    route("password_change_done", GET=MEMBER_PAGE),
    # Password reset: for anyone (a signed-in person may have forgotten the password of another account here).
    route("password_reset", GET=ANYONE, POST=ANYONE),
    route("password_reset_done", GET=ANYONE),
    route("password_reset_confirm", {"uidb64": "reset_uid", "token": "reset_token"}, GET=ANYONE, POST=ANYONE),
    route("password_reset_complete", GET=ANYONE),
    # The profile's forms (POST only); each person changes only their own profile.
    route("projects:profile-name", GET=POST_ONLY, POST="302 302 302 302 302"),
    route("projects:profile-email", GET=POST_ONLY, POST="302 400 400 400 302"),
    # The emailed link: the token is the credential; in another tenant it is refused. The first POST uses it.
    route(
        "projects:profile-email-confirm",
        {"token": "email_token"},
        GET="200 200 200 400 200",
        POST="302 400 400 400 400",
    ),
    route("projects:profile-phone", GET=POST_ONLY, POST="302 400 400 400 302"),
    route("projects:profile-phone-confirm", GET=POST_ONLY, POST="302 400 400 400 302"),
    route("projects:profile-phone-remove", GET=POST_ONLY, POST="302 302 302 302 302"),
    # preferences
    route("preferences:user", GET=MEMBER_PAGE, POST=MEMBER_PAGE),
    route("preferences:user-field", {"key": "user_key"}, GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    route("preferences:user-reset", {"key": "user_key"}, GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    route("preferences:global", GET=OWNER_PAGE, POST=OWNER_PAGE),
    route("preferences:global-field", {"key": "global_key"}, GET=NOT_THIS_METHOD, POST="302 403 302 302 302"),
    route("preferences:global-reset", {"key": "global_key"}, GET=NOT_THIS_METHOD, POST="302 403 302 302 302"),
    route("preferences:user-section", {"section": "user_section"}, GET=MEMBER_PAGE, POST=MEMBER_PAGE),
    route("preferences:global-section", {"section": "global_section"}, GET=OWNER_PAGE, POST=OWNER_PAGE),
    # The documented URL names of the preference pages (aliases of the rows above).
    route("dynamic_preferences:user", GET=MEMBER_PAGE),
    route("dynamic_preferences:user.section", {"section": "user_section"}, GET=MEMBER_PAGE),
    route("dynamic_preferences:global", GET=OWNER_PAGE),
    route("dynamic_preferences:global.section", {"section": "global_section"}, GET=OWNER_PAGE),
    route("dynamic_preferences.user", GET=MEMBER_PAGE),
    route("dynamic_preferences.user.section", {"section": "user_section"}, GET=MEMBER_PAGE),
    route("dynamic_preferences.global", GET=OWNER_PAGE),
    route("dynamic_preferences.global.section", {"section": "global_section"}, GET=OWNER_PAGE),
    route("preferences:defaults-index", GET=OWNER_PAGE, POST=OWNER_PAGE),
    route("preferences:defaults", {"target": "group_target"}, GET=OWNER_OBJECT, POST=OWNER_OBJECT),
    route(
        "preferences:defaults-field",
        {"target": "default_target", "key": "user_key"},
        GET="302 403 405 405 302",
        POST="302 403 302 302 302",
    ),
    route(
        "preferences:defaults-reset",
        {"target": "group_target", "key": "user_key"},
        GET="302 403 405 405 302",
        POST="302 403 302 404 302",
    ),
    route(
        "preferences:defaults-lock",
        {"target": "default_target", "key": "user_key"},
        GET="302 403 405 405 302",
        POST="302 403 302 302 302",
    ),
    route("people:member-effective", {"pk": "person"}, GET=OWNER_OBJECT),
    route("preferences:history", GET=OWNER_PAGE),
    route("preferences:history-revert", {"pk": "change"}, GET=OWNER_OBJECT, POST="302 403 302 404 302"),
    # notifications
    route("notifications:preferences", GET=MEMBER_PAGE, POST="302 302 302 302 302"),
    route("notifications:preference-cell", GET=NOT_THIS_METHOD, POST="302 400 400 400 302"),
    route("notifications:inbox", GET=MEMBER_PAGE),
    route("notifications:inbox-read", GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    route("notifications:inbox-count", GET=MEMBER_PAGE),
    # Anyone holding the signed link may unsubscribe; the token names acme's schema, so globex refuses it.
    route("notifications:unsubscribe", {"token": "token"}, GET="200 200 200 400 200", POST="200 200 200 400 200"),
    # The one-click "unsubscribe from all email" (RFC 8058) works the same way, with its own signed token.
    route(
        "notifications:unsubscribe-all", {"token": "token_all"}, GET="200 200 200 400 200", POST="200 200 200 400 200"
    ),
    route("notifications:pause", GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    route("notifications:email-resubscribe", GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    route("notifications:owner", GET=OWNER_PAGE, POST="302 403 302 302 302"),
    route("notifications:owner-cell", GET="302 403 405 405 302", POST="302 403 400 400 302"),
    route("notifications:deliveries", GET=OWNER_PAGE),
    route("notifications:delivery-retry", {"pk": "delivery"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("notifications:send-test", GET="302 403 405 405 302", POST="302 403 302 302 302"),
    # lov
    route("lov:list-index", GET=OWNER_PAGE),
    route("lov:list-detail", {"key": "list_key"}, GET=OWNER_PAGE),
    route("lov:value-add", {"key": "list_key"}, GET="302 403 405 405 302", POST="302 403 200 200 302"),
    route(
        "lov:value-select",
        {"key": "list_key", "pk": "custom_value"},
        GET="302 403 405 405 302",
        POST="302 403 302 404 302",
    ),
    route(
        "lov:value-rename",
        {"key": "list_key", "pk": "custom_value"},
        GET="302 403 405 405 302",
        POST="302 403 200 404 302",
    ),
    route("lov:list-order", {"key": "list_key"}, GET=OWNER_PAGE, POST="302 403 302 302 302"),
    route(
        "lov:value-move",
        {"key": "list_key", "pk": "custom_value"},
        GET="302 403 405 405 302",
        POST="302 403 302 404 302",
    ),
    route(
        "lov:value-label",
        {"key": "list_key", "pk": "custom_value"},
        GET="302 403 405 405 302",
        POST="302 403 200 404 302",
    ),
    # Last of the lists' rows: it deletes the custom value the rows above name.
    route("lov:value-delete", {"key": "list_key", "pk": "custom_value"}, GET=OWNER_OBJECT, POST="302 403 302 404 302"),
    # people
    route("people:list", GET=OWNER_PAGE),
    route("people:invite", GET=OWNER_PAGE, POST=OWNER_PAGE),
    route("people:add", GET=OWNER_PAGE, POST=OWNER_PAGE),
    # An empty form changes nothing and says so on the list (302 with a message).
    route("people:person-role", {"pk": "person"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("people:person-active", {"pk": "person"}, GET=OWNER_OBJECT, POST="302 403 302 404 302"),
    route("people:invitation-resend", {"pk": "invitation"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    # Last of the invitation rows: it revokes the invitation the rows above name.
    route("people:invitation-revoke", {"pk": "invitation"}, GET=OWNER_OBJECT, POST="302 403 302 404 302"),
    # Anyone holding the link may open it; a signed-in person is told to log out first (409); globex knows no
    # such token (410, "not valid").
    route(
        "people:invitation-accept",
        {"token": "invitation_token"},
        GET="200 409 409 410 200",
        POST="200 409 409 410 200",
    ),
    # bundles
    route("bundles:owner", GET=OWNER_PAGE),
    route("bundles:owner-export", GET=OWNER_PAGE),
    route("bundles:owner-apply", GET="302 403 405 405 302", POST="302 403 400 400 302"),
    # people: groups (the delete rows act on groups of their own, so "group" stays for the other rows)
    route("people:group-list", GET=OWNER_PAGE),
    route("people:group-create", GET="302 403 405 405 302", POST="302 403 200 200 302"),
    route("people:group-detail", {"pk": "group"}, GET=OWNER_OBJECT),
    route("people:group-move", {"pk": "group"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("people:group-rename", {"pk": "group"}, GET="302 403 405 405 302", POST="302 403 200 404 302"),
    route("people:group-members-add", {"pk": "group"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("people:group-members-remove", {"pk": "group"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("people:group-permissions", {"pk": "group"}, GET="302 403 405 405 302", POST="302 403 302 404 302"),
    route("people:group-delete", {"pk": "doomed_group"}, GET=OWNER_OBJECT, POST="302 403 302 404 302"),
    # people: the CSV import (a job's progress lives in acme's cache keys: globex finds nothing)
    route("people:people-import", GET=OWNER_PAGE, POST=OWNER_PAGE),
    route("people:people-import-job", {"job_id": "import_job"}, GET=OWNER_OBJECT),
    # projects
    route("projects:task-list", GET=MEMBER_PAGE),
    route("projects:task-week", GET=MEMBER_PAGE),
    route("projects:task-edit", {"pk": "task"}, GET="302 200 200 404 302", POST="302 200 200 404 302"),
    # The member's POST deletes the task (softly): from then on it is gone for everyone.
    route("projects:task-delete", {"pk": "task"}, GET="302 200 200 404 302", POST="302 302 404 404 302"),
    route("projects:profile", GET=MEMBER_PAGE, POST="302 302 302 302 302"),  # an empty job title clears it
    # livesettings
    route("livesettings:owner-settings", GET=OWNER_PAGE),
    route(
        "livesettings:owner-setting-update",
        {"setting": "override"},
        GET="302 403 405 405 302",
        POST="302 403 400 400 302",
    ),
    route(
        "livesettings:owner-setting-reset",
        {"setting": "override"},
        GET="302 403 405 405 302",
        POST="302 403 302 302 302",
    ),
    route("livesettings:session-status", GET=MEMBER_PAGE),
    route("livesettings:session-extend", GET=NOT_THIS_METHOD, POST="302 302 302 302 302"),
    # the API
    route("preferences-api-global", GET=API_OWNER, PATCH=API_OWNER_BAD_WRITE),
    route("preferences-api-global-schema", GET=API_OWNER),
    route(
        "preferences-api-global-detail",
        {"key": "global_key"},
        GET=API_OWNER,
        PUT=API_OWNER_BAD_WRITE,
        PATCH=API_OWNER_BAD_WRITE,
        DELETE=API_OWNER,
    ),
    route("preferences-api-defaults-organisation", GET=API_OWNER),
    route(
        "preferences-api-defaults-organisation-detail",
        {"key": "user_key"},
        GET=API_OWNER,
        PUT=API_OWNER_BAD_WRITE,
        PATCH=API_OWNER_BAD_WRITE,
        DELETE=API_OWNER,
    ),
    route("preferences-api-defaults-group", {"group": "group"}, GET="401 403 200 404 401"),
    route(
        "preferences-api-defaults-group-detail",
        {"group": "group", "key": "user_key"},
        GET="401 403 200 404 401",
        PUT="401 403 400 404 401",
        PATCH="401 403 400 404 401",
        DELETE="401 403 200 404 401",
    ),
    route("preferences-api-user", GET=API_MEMBER, PATCH=API_MEMBER_BAD_WRITE),
    route("preferences-api-user-schema", GET=API_MEMBER),
    route(
        "preferences-api-user-detail",
        {"key": "user_key"},
        GET=API_MEMBER,
        PUT=API_MEMBER_BAD_WRITE,
        PATCH=API_MEMBER_BAD_WRITE,
        DELETE=API_MEMBER,
    ),
    route("api-notification-preferences", GET=API_MEMBER, POST=API_MEMBER_BAD_WRITE),
    route("lov-api-lists", GET=API_MEMBER),
    route("bundle-api", GET=API_OWNER, POST=API_OWNER_BAD_WRITE),
    route("bundle-api-schema", GET=API_OWNER),
    route("lov-api-values", {"key": "list_key"}, GET=API_MEMBER),
    route("lov-api-available", {"key": "list_key"}, GET=API_OWNER),
    route("livesettings-api-overrides", GET=API_OWNER),
    route(
        "livesettings-api-override-detail",
        {"name": "override"},
        GET=API_OWNER,
        PUT=API_OWNER_BAD_WRITE,
        PATCH=API_OWNER_BAD_WRITE,
        DELETE=API_OWNER,
    ),
    route("groups-api", GET=API_OWNER, POST=API_OWNER_BAD_WRITE),
    route("groups-api-order", GET=API_OWNER, PUT=API_OWNER_BAD_WRITE),
    route("groups-api-members", {"pk": "group"}, POST="401 403 400 404 401"),
    route("groups-api-permissions", {"pk": "group"}, GET="401 403 200 404 401", PUT="401 403 400 404 401"),
    route(
        "groups-api-detail",
        {"pk": "doomed_group_api"},
        GET="401 403 200 404 401",
        PATCH="401 403 400 404 401",
        DELETE="401 403 204 404 401",
    ),
    route("people-api-list", GET=API_OWNER, POST=API_OWNER_BAD_WRITE),
    route("people-api-detail", {"pk": "person"}, GET="401 403 200 404 401", PATCH="401 403 400 404 401"),
    route("invitations-api-list", GET=API_OWNER, POST=API_OWNER_BAD_WRITE),
    route("invitations-api-detail", {"pk": "api_invitation"}, GET="401 403 200 404 401"),
    route("invitations-api-resend", {"pk": "api_invitation"}, GET="401 403 405 405 401", POST="401 403 200 404 401"),
    route("invitations-api-revoke", {"pk": "api_invitation"}, GET="401 403 405 405 401", POST="401 403 200 404 401"),
    route("api-schema", GET=API_MEMBER),
    route("api-docs", GET=MEMBER_PAGE),
    route("api-not-found", {"path": "api_path"}, GET="404 404 404 404 404", POST="404 404 404 404 404"),
    # core
    route("healthz", GET="200 200 200 200 200"),
    route("readyz", GET="200 200 200 200 200"),
    route("favicon", GET="301 301 301 301 301"),
]

PUBLIC_ROUTES = [
    route("home", GET="302 302 302 302 302"),
    # tenants: the console
    route("tenants:overview", GET=CONSOLE_PAGE),
    route("tenants:health", GET=CONSOLE_PAGE),
    route("tenants:tenant-list", GET=CONSOLE_PAGE),
    route("tenants:tenant-create", GET=CONSOLE_PAGE, POST=CONSOLE_PAGE),
    route("tenants:tenant-detail", {"pk": "tenant"}, GET=CONSOLE_PAGE),
    # The console's own tenant is not provisioned: the superadmin is sent back to its page, saying so.
    route("tenants:tenant-owner-invite", {"pk": "tenant"}, GET="302 302 302 302 405", POST="302 302 302 302 302"),
    route("tenants:tenant-deactivate", {"pk": "tenant"}, GET="302 302 302 302 405", POST="302 302 302 302 302"),
    route("tenants:tenant-reactivate", {"pk": "tenant"}, GET="302 302 302 302 405", POST="302 302 302 302 302"),
    route("tenants:tenant-delete", {"pk": "tenant"}, GET="302 302 302 302 405", POST=CONSOLE_PAGE),
    # notifications: the development mail sink's page, off (404) where the matrix runs (DEBUG off)
    route("notifications_console:outgoing-mail", GET="302 302 302 302 404"),
    # livesettings: the console's settings and the session widget
    route("livesettings:settings", GET=CONSOLE_PAGE),
    route("livesettings:history", GET=CONSOLE_PAGE),
    route("livesettings:change-revert", {"pk": "site_change"}, GET="302 302 302 302 405", POST="302 302 302 302 302"),
    route(
        "livesettings:setting-update",
        {"setting": "site_setting"},
        GET="302 302 302 302 405",
        POST="302 302 302 302 400",
    ),
    route(
        "livesettings:setting-reset", {"setting": "site_setting"}, GET="302 302 302 302 405", POST="302 302 302 302 302"
    ),
    route("livesettings:custom-create", GET="302 302 302 302 405", POST="302 302 302 302 400"),
    route("livesettings:schedule-create", GET="302 302 302 302 405", POST="302 302 302 302 400"),
    route(
        "livesettings:schedule-cancel",
        {"pk": "scheduled"},
        GET="302 302 302 302 405",
        POST="302 302 302 302 302",
    ),
    route(
        "livesettings:custom-delete",
        {"setting": "custom_setting"},
        GET="302 302 302 302 405",
        POST="302 302 302 302 302",
    ),
    route("livesettings:session-status", GET=CONSOLE_PAGE),
    route("livesettings:session-extend", GET="302 302 302 302 405", POST="302 302 302 302 302"),
    # the site API
    route("livesettings-api", GET="401 401 401 401 200"),
    route(
        "livesettings-api-detail",
        {"name": "site_setting"},
        GET="401 401 401 401 200",
        PUT="401 401 401 401 400",
        PATCH="401 401 401 401 400",
        DELETE="401 401 401 401 200",
    ),
    route("livesettings-api-custom", GET="401 401 401 401 405", POST="401 401 401 401 400"),
    route(
        "livesettings-api-custom-detail",
        {"name": "custom_setting"},
        GET="401 401 401 401 405",
        DELETE="401 401 401 401 204",
    ),
    route("api-schema", GET="401 401 401 401 200"),
    route("api-docs", GET=CONSOLE_PAGE),
    route("api-not-found", {"path": "api_path"}, GET="404 404 404 404 404", POST="404 404 404 404 404"),
    # accounts
    route("login", GET="200 200 200 200 302", POST="200 200 200 200 302"),
    route("logout", GET="405 405 405 405 405", POST="302 302 302 302 302", ends_session=True),
    route("password_change", GET=CONSOLE_PAGE, POST=CONSOLE_PAGE),
    route("password_change_done", GET=CONSOLE_PAGE),
    # Password reset: for anyone (a signed-in person may have forgotten the password of another account here).
    route("password_reset", GET=ANYONE, POST=ANYONE),
    route("password_reset_done", GET=ANYONE),
    route("password_reset_confirm", {"uidb64": "reset_uid", "token": "reset_token"}, GET=ANYONE, POST=ANYONE),
    route("password_reset_complete", GET=ANYONE),
    # core
    route("healthz", GET="200 200 200 200 200"),
    route("readyz", GET="200 200 200 200 200"),
    route("favicon", GET="301 301 301 301 301"),
]

# The admin sites' generated URLs (index, each app's index, each model's list and add page), one row per site.
# Only the public schema's superadmin is staff; the tenant admin's staff users are tested in tests/tenants.
ADMIN_EXPECT = {
    "portal.urls_tenants": (302, 302, 302, 302, 302),
    "portal.urls_public": (302, 302, 302, 302, 200),
}
