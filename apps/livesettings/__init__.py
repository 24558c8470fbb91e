"""Live runtime settings on top of the preferences engine (being built: see issue 4)."""
