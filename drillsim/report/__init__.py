"""Reports of a run: terminal table, JSON, Markdown after-action report."""
