"""Django admin of the site-wide values and their history (public schema, the bare domain's /admin/)."""

from django.contrib import admin

from apps.preferences.admin import PreferenceChangeAdminBase, StoredPreferenceAdmin
from apps.preferences.site.models import SitePreference, SitePreferenceChange


@admin.register(SitePreference)
class SitePreferenceAdmin(StoredPreferenceAdmin):
    # The site tables are on every tenant's search path too: show them to the superadmins only.
    public_schema = True


@admin.register(SitePreferenceChange)
class SitePreferenceChangeAdmin(PreferenceChangeAdminBase):
    public_schema = True
