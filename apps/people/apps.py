from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register

        # groups
        nav_register(NavItem("Groups", "people:group-list", Audience.OWNER, order=51))
        page_register(PageItem("Group", "people:group-detail", parent="people:group-list"))
        page_register(PageItem("Delete a group", "people:group-delete", parent="people:group-detail"))
        # the CSV import
        page_register(PageItem("Import people", "people:people-import", parent="people:list"))
        page_register(PageItem("Import progress", "people:people-import-job", parent="people:people-import"))
        from apps.people.receivers import owner_invite_on_request
        from apps.tenants.signals import owner_invitation_requested

        owner_invitation_requested.connect(owner_invite_on_request, dispatch_uid="people-owner-invite-on-request")

        nav_register(NavItem("People", "people:list", Audience.OWNER, order=50))
        page_register(PageItem("Invite a person", "people:invite", parent="people:list"))
        page_register(PageItem("Add a person", "people:add", parent="people:list"))
        page_register(PageItem("Deactivate or reactivate", "people:person-active", parent="people:list"))
        page_register(PageItem("Revoke an invitation", "people:invitation-revoke", parent="people:list"))
        page_register(PageItem("Accept the invitation", "people:invitation-accept"))
