"""Settings modules: `base` (every environment, read from environment variables) and `test` (the test suite).

This package imports nothing itself, so `portal.settings.test` can set its environment defaults before
`base` reads them.
"""
