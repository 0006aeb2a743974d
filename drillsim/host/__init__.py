"""Stage 2, the plugin host: hook specs, the registry, loading and checking plugins, hook
tracing (docs/architecture.md). Imports nothing above the scenario stage."""
