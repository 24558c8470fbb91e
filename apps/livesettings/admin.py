"""No models of its own: the values and their history are the engine's SitePreference/SitePreferenceChange
(registered in the admin by the preferences engine). Superadmins change live settings in /console/settings/,
which validates against each setting's bounds."""
