from django.apps import AppConfig


class LovConfig(AppConfig):
    name = "apps.lov"
    label = "lov"
    verbose_name = "Lists of values"

    def ready(self) -> None:
        from apps.core.navigation import Audience, NavItem, nav_register
        from apps.lov import checks, receivers  # noqa: F401  (register the checks and signal receivers)

        nav_register(NavItem("Lists", "lov:list-index", Audience.OWNER, order=55))
