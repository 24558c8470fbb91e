"""The typed dynamic-preferences engine (being built: see issue 3)."""
