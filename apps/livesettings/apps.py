from typing import Any

from django.apps import AppConfig


class LivesettingsConfig(AppConfig):
    name = "apps.livesettings"
    label = "livesettings"
    verbose_name = "Live settings"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from apps.core import navigation
        from apps.core.navigation import Audience, NavItem, Widget, nav_register, widget_register
        from apps.livesettings import custom, overlay
        from apps.livesettings.checks import check_live_settings
        from apps.livesettings.receivers import start_session_clock
        from apps.livesettings.registry import live_settings_registry
        from apps.livesettings.selectors import live_setting_value

        # Declarations first (their defaults are read from settings.py), then the overlay goes in front.
        autodiscover_modules("livesettings")
        custom.register_definitions_preference()

        def resolve(name: str) -> Any:
            custom.custom_settings_sync()  # A custom setting deleted or changed in another process.
            return live_setting_value(setting=name)

        overlay.install(
            is_live=live_settings_registry.__contains__,
            resolve=resolve,
            discover=custom.discover,
            version=custom.definitions_version,
        )
        checks.register(check_live_settings)
        user_logged_in.connect(start_session_clock, dispatch_uid="livesettings_start_session_clock")
        nav_register(NavItem("Live settings", "livesettings:settings", Audience.SUPERADMIN, order=30))
        nav_register(NavItem("Site settings", "livesettings:owner-settings", Audience.OWNER, order=60))
        history = navigation.PageItem("Live settings history", "livesettings:history", "livesettings:settings")
        navigation.page_register(history)
        widget_register("navbar", Widget("livesettings/_session_widget.html", Audience.MEMBER, order=90))
        widget_register("navbar", Widget("livesettings/_session_widget_console.html", Audience.SUPERADMIN, order=90))
