"""The embedded engine: no key, no network; models ship inside PyPI wheels."""
