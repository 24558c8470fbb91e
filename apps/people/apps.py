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
        page_register(PageItem("Import people", "people:people-import", parent="owner-overview"))
        page_register(PageItem("Import progress", "people:people-import-job", parent="people:people-import"))
