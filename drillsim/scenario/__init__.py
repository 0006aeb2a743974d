"""Stage 1, reading files: strict YAML with positions, quantities with units, schemas and
validation, the region, and the loader that resolves a scenario against the plugins
(docs/architecture.md)."""
