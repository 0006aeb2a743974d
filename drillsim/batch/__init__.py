"""Batch evaluation of scenario variants: sweeps, common random numbers, executors
(in-process, local process pool, Dask), a SQLite results store, comparison and plots.

Flow::

    sweep file ──load+validate (every variant)──▶ Sweep ──tasks (plain data)──▶ executor
        ──per-replication target values──▶ SQLite store ──▶ analysis ──▶ tables, CSV/Parquet, plots

Nothing in the engine imports this package, and only :mod:`drillsim.batch.dask_executor`
imports Dask.
"""
