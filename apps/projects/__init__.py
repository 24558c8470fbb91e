"""The demo domain app: forms that use lists of values (being built: see issue 6)."""
