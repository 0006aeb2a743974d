"""The reference of drillsim's file formats, generated from the models that validate
them: JSON Schemas (``drillsim schema KIND``), docs/scenarios.md, and the starting
scenario ``drillsim new-scenario`` writes."""
