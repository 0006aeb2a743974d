"""drillsim's built-in plugins: the forces of the Tongnan plan and the hazards.

Installed as the package ``drillsim_plugins`` and found through the ``drillsim``
entry-point group exactly like third-party plugins. They import only ``drillsim.api``.
"""
