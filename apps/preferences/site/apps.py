from django.apps import AppConfig


class PreferencesSiteConfig(AppConfig):
    name = "apps.preferences.site"
    label = "preferences_site"
    verbose_name = "Site preferences"
