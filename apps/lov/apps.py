from django.apps import AppConfig


class LovConfig(AppConfig):
    name = "apps.lov"
    label = "lov"
    verbose_name = "Lists of values"

    def ready(self) -> None:
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register
        from apps.lov import checks, receivers  # noqa: F401  (register the checks and signal receivers)

        nav_register(NavItem("Lists of values", "lov:list-index", Audience.OWNER, order=55))
        page_register(PageItem("List", "lov:list-detail", parent="lov:list-index"))
        page_register(PageItem("Order and labels", "lov:list-order", parent="lov:list-detail"))
        page_register(PageItem("Delete a value", "lov:value-delete", parent="lov:list-detail"))
