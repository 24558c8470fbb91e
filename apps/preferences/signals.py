"""Signals of the preferences engine."""

from django.dispatch import Signal

# Sent on commit, once per changed key, by every write path (manager, form, admin, API, command, revert):
# sender=the preference class, section, name, old_value, new_value, instance (the stored row, or None
# after a reset to the default), scope ("site", "global", "user" or "instance").
preference_updated = Signal()
