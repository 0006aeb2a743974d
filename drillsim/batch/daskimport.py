"""Imported by the fork server of a local Dask cluster (its ``forkserver`` preload, see
:data:`drillsim.batch.forkserver.DASK_PRELOAD`): imports Dask's distributed scheduler
for the cluster's helper process and its workers, leaving out two costs of that import
that neither uses.

Why: the fork server's chain (drillsim and the plugins, then ``distributed``, then the
sweep's variants) is what a Dask batch waits for before its helper and workers start,
and importing ``distributed`` is about a third of it (valgrind, in a process that has
drillsim imported: about 1,150 M instructions). Two parts of it do nothing a batch
needs:

- ``dask.config`` and ``distributed.config`` read their defaults (``dask.yaml``,
  ``distributed.yaml``: 400 lines) and any user configuration files with
  ``yaml.safe_load``, PyYAML's pure-Python parser: about 250 M instructions. Here
  ``yaml.safe_load`` is PyYAML's own LibYAML-based loader with the same constructor
  (``yaml.CSafeLoader``, PyYAML's documented equivalent of ``SafeLoader``; drillsim's
  scenario loader uses LibYAML too) while ``distributed`` is imported, and is put back
  after: the same configuration (compared in ``tests/test_dask_import.py``).
- ``dask.widgets`` imports Jinja2, when installed, for the HTML views of Dask objects in
  notebooks (about 120 M instructions); it is kept from loading while ``distributed`` is
  imported, so ``dask.widgets`` sets itself up without templates, as where Jinja2 is
  not installed (an HTML view would then say that Jinja2 is missing). A plugin that
  imports Jinja2 itself afterwards gets it as usual.

Once imported, what every Dask process reports of its installation as it connects
(``distributed.versions.get_versions``: ten packages' versions read from their installed
metadata, and ``platform.uname()``, whose processor field runs ``uname -p`` in a
subprocess) is worked out here, once, into the caches Dask and ``platform`` keep for it
(``functools.cache``, ``platform._uname_cache``): the cluster's helper (its scheduler
and client) and every worker forked from it inherit it, instead of each working it out
again — every worker as it registers with the scheduler, just before it can run a task
(34 M instructions and a process started, each).

Without LibYAML, or with Jinja2 already imported, ``distributed`` is imported as it is.
Importing this module raises ImportError where Dask's distributed is not installed (the
fork server leaves it out).
"""

import sys

import yaml


def _libyaml_safe_load(stream):
    """``yaml.safe_load`` with PyYAML's LibYAML parser (the same constructor)."""
    return yaml.load(stream, Loader=yaml.CSafeLoader)


def import_distributed() -> None:
    """Import ``distributed`` as described in the module docstring (nothing if it is
    imported already).

    :raises ImportError: Dask's distributed is not installed."""
    if "distributed" in sys.modules:
        return
    safe_load = yaml.safe_load
    fast = getattr(yaml, "__with_libyaml__", False)
    block = "jinja2" not in sys.modules
    if fast:
        yaml.safe_load = _libyaml_safe_load
    if block:
        sys.modules["jinja2"] = None  # an import of it raises ImportError meanwhile
    try:
        import distributed  # noqa: F401
    finally:
        if fast:
            yaml.safe_load = safe_load
        if block and "jinja2" in sys.modules and sys.modules["jinja2"] is None:
            del sys.modules["jinja2"]
    _versions_ahead()


def _versions_ahead() -> None:
    """Fill Dask's caches of this installation's description (see the module
    docstring); nothing if that fails (each process then works it out itself)."""
    try:
        from distributed.versions import get_versions

        get_versions()
    except Exception:  # noqa: BLE001  (a cache filled ahead, or not: the same answers)
        pass


import_distributed()
