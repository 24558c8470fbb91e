"""The typed dynamic-preferences engine.

Public surface for other apps and users' code:
- Declaring: `apps.preferences.types` (Section, BasePreferenceType and the typed preferences), registered with
  `@<registry>.register` in an app's `preferences.py` (autodiscovered; the portal's own are in
  `apps.catalog.preferences`).
- Registries: `apps.preferences.registries.site_preferences_registry`, `global_preferences_registry`,
  `user_preferences_registry`, `instance_preferences_registry(Model)`.
- The site scope (public schema), which live settings build on: `apps.preferences.site.models`
  (`SitePreference`, `SitePreferenceChange`).
- Private: `apps.preferences.cache` and `apps.preferences.stores` (import-linter keeps other apps out).
- Reading and writing: `registry.manager()` (site; the current tenant), `user.preferences`, `instance.preferences`;
  all writes go through `apps.preferences.services` (preferences_set, preference_reset, preference_revert), given
  `registry.store(…)` (or `manager.store()`), the actor and the source; `StaleValueError` for stale writes.
- Per request: `apps.preferences.middleware.PreferencesMiddleware`; templates:
  `apps.preferences.context_processors.global_preferences`.
- Inheritance of user preferences: `user.preferences[key]` is the effective value (a lock → the user's own value →
  the highest-priority group's default → the organisation's → code's); `user.preferences.resolve(key)` →
  `managers.Resolution(value, raw, source, group, inherited)` with `.label` ("from group Sales", …), computed by
  `managers.user_preference_resolve`. Defaults: `user_preferences_registry.organisation_defaults()` /
  `.group_defaults(group)` (managers with `.stored(key)`, `.locked(key)`), their stores
  `.organisation_defaults_store()` / `.group_defaults_store(group)` for `services.preferences_set`,
  `preference_reset` and `preference_lock`. Model: `models.UserPreferenceDefault`.
- Signal: `apps.preferences.signals.preference_updated`.
- Forms: `apps.preferences.forms.global_preference_form_builder`, `user_preference_form_builder`.
- Who may change what: `apps.preferences.permissions.can_change`.
- Pages: `apps.preferences.urls` (namespace `preferences`; mountable under a prefix) and
  `apps.preferences.dynamic_urls`, the documented names as aliases (`dynamic_preferences:global`,
  `…:global.section`, `…:user`, `…:user.section`; `dotted_urlpatterns`: `dynamic_preferences.global`, …).
- Model choices (`ModelChoicePreference`, `ModelMultipleChoicePreference`) on any primary key type (UUIDs and
  text too); `BasePreferenceType.default_is_computed()`: a value equal to such a default is stored when chosen.
- Declarations made at runtime: `registries.snapshots_are_pinned()`, `registries.snapshots_reload()`.
- Admin: `apps.preferences.admin`, `apps.preferences.site.admin`. REST API: `apps.preferences.api`
  (/api/preferences/{global,user}/[<key>/|schema/]). Commands: `checkpreferences`,
  `preferences get|set|export|import`. Maintenance: `apps.preferences.maintenance`.
"""
