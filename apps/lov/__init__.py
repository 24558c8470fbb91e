"""Lists of values curated by tenant owners (being built: see issue 6)."""
