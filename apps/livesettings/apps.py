from django.apps import AppConfig


class LivesettingsConfig(AppConfig):
    name = "apps.livesettings"
    label = "livesettings"
    verbose_name = "Live settings"
