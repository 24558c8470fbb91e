"""The parts of a bundle, in the order an import applies them (groups exist before their defaults are written).

To carry one more part (e.g. the lists' per-tenant order and labels), write a `BundleSection` and list it here.
"""

from apps.bundles.sections.base import BundleSection
from apps.bundles.sections.lists import ListsSection
from apps.bundles.sections.livesettings import LiveSettingsSection, override_keys
from apps.bundles.sections.notifications import NotificationsSection
from apps.bundles.sections.preferences import PreferencesSection

SECTIONS: tuple[BundleSection, ...] = (
    PreferencesSection(excluded=override_keys),
    LiveSettingsSection(),
    NotificationsSection(),
    ListsSection(),
)

__all__ = ["SECTIONS", "BundleSection"]
