"""Notifications per delivery backend with group inheritance (being built: see issue 5)."""
