"""Notifications per delivery backend, with group inheritance, delivered by Celery through an outbox.

Public surface (other apps import only these):

- Declaring, in `<app>/notifications.py` (autodiscovered; the portal's own are in `apps.catalog.notifications`):
  `apps.notifications.registry.Notification(name, display_name, category, required_permissions, backends,
  default, mandatory, critical)` and `apps.notifications.registry.register(notification)`; `critical=True` bypasses
  quiet hours, digests and pause (mandatory ones do too, and cannot be turned off).
  A declaration also offers `update_user_prefs(user, prefs)` and `update_group_preference(group, prefs)`.
- `apps.notifications.shortcuts`: `update_preferences(name, user_or_group, prefs)`,
  `clear_preferences(users)`, `send_notification(name, users=None, groups=None, context=None)`.
- `apps.notifications.selectors.preference_resolve(user=, notification=, backend=)` → `Resolution(value, source)`
  and `recipients_resolve(notification=, users=)` for many users in a constant number of queries; both read
  `notification_settings_load(users= or user_id=, notifications=)` → `NotificationSettings` (`user_id`: one
  person, with queries compiled once per connection), whose
  `resolve(user_id, notification, backend)` is the one implementation of the resolution order
  (`apps.notifications.resolution`), used by sending and by both matrices.
- `python manage.py notifications_sync` copies the declarations into every ready tenant schema (also done when a
  tenant is provisioned or migrated; reads never sync).
- When people hear (`apps.notifications.timing`): quiet hours, digests and pause are user preferences
  (`notifications__quiet_<backend>`, `notifications__digest_<category>`, `notifications__digest_time`,
  `notifications__paused_until`, `notifications__email_unsubscribed_all`); `timings_load(user_ids, categories=,
  backends=)` reads them for many people; `links.unsubscribe_all_url(user_id=)` is the one-click RFC 8058 link.
- Backends: a class with `name`, `display_name` and `send(delivery)` (see `backends.base.BaseBackend`),
  listed by dotted path in `settings.NOTIFICATIONS_BACKENDS`. The backends this app ships
  (`backends.email`, `backends.sms`, `backends.in_app`) are named there, never imported by another app
  (an import-linter contract).
"""
