"""The `drillsim` command line: one module per command group, `main` (the root group) and
`support` (what every command shares). The top stage: it may import every other
(docs/architecture.md)."""
