"""drillsim.batch.daskimport: the fork server of a local Dask cluster imports
``distributed`` with PyYAML's LibYAML loader and without Jinja2; Dask must end up with
the same configuration, and the process as it was otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("distributed")

PROBE = textwrap.dedent("""\
    import json, sys
    import yaml
    safe_load = yaml.safe_load
    {how}
    import dask.config
    import jinja2_state
    print(json.dumps({{"config": dask.config.config,
                       "safe_load_back": yaml.safe_load is safe_load,
                       "jinja2": jinja2_state.state()}}))
    """)

STATE = textwrap.dedent("""\
    import importlib.util
    import sys

    def state():
        # importable afterwards (if installed), and never left blocked in sys.modules
        if "jinja2" in sys.modules and sys.modules["jinja2"] is None:
            return "blocked"
        if importlib.util.find_spec("jinja2") is None:
            return "not installed"
        import jinja2  # noqa: F401
        return "importable"
    """)


def _probe(tmp_path, how: str, env_extra: dict | None = None) -> dict:
    (tmp_path / "jinja2_state.py").write_text(STATE, encoding="utf-8")
    import os

    env = {**os.environ, **(env_extra or {})}
    out = subprocess.run([sys.executable, "-c", PROBE.format(how=how)], check=False,
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_same_dask_configuration_as_a_plain_import(tmp_path):
    plain = _probe(tmp_path, "import distributed")
    fast = _probe(tmp_path, "import drillsim.batch.daskimport")
    assert fast["config"] == plain["config"]
    assert fast["config"]["distributed"]["scheduler"]["allowed-failures"] == 3  # distributed.yaml read
    assert fast["safe_load_back"] and plain["safe_load_back"]
    assert fast["jinja2"] == plain["jinja2"] != "blocked"


def test_a_user_configuration_file_is_read_the_same(tmp_path):
    """Dask's user configuration (DASK_CONFIG) goes through the same loader."""
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "mine.yaml").write_text(
        "distributed:\n  scheduler:\n    allowed-failures: 7\n  worker:\n"
        "    memory:\n      target: 0.55\n    preload: [a, 'b: c']\n", encoding="utf-8")
    env = {"DASK_CONFIG": str(conf)}
    plain = _probe(tmp_path, "import distributed", env)
    fast = _probe(tmp_path, "import drillsim.batch.daskimport", env)
    assert fast["config"] == plain["config"]
    assert fast["config"]["distributed"]["scheduler"]["allowed-failures"] == 7
    assert fast["config"]["distributed"]["worker"]["preload"] == ["a", "b: c"]


def test_dask_widgets_without_templates_and_a_clear_error(tmp_path):
    """Where Jinja2 was kept out, Dask's HTML views say so, as without Jinja2."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent("""\
        import drillsim.batch.daskimport
        import dask.widgets
        try:
            dask.widgets.get_template("x.html.j2")
        except ImportError as exc:
            print("ImportError")
        """)], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ImportError"


def test_a_local_cluster_imports_no_http_route():
    """The scheduler's and the workers' HTTP servers serve nothing a batch reads: their
    route modules (Prometheus metrics and the rest) are not imported, in the process
    holding the scheduler nor in a worker."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent("""\
        import json, sys
        from drillsim.batch.dask_executor import DaskExecutor

        def routes(dask_worker=None):
            import sys
            # distributed.http.routing and .utils are the server's own, imported with distributed
            return sorted(m for m in sys.modules if m.startswith("distributed.http.")
                          and m not in ("distributed.http.routing", "distributed.http.utils"))

        if __name__ == "__main__":
            executor = DaskExecutor(workers=1)
            with executor:
                executor.cluster = executor._local_cluster()  # the scheduler only
                executor.cluster.scale(1)
                from distributed import Client
                executor.client = Client(executor.cluster)
                executor.client.wait_for_workers(1)
                (there,) = executor.client.run(routes).values()
            print(json.dumps([routes(), there]))
        """)], check=False, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    here, there = json.loads(out.stdout.strip().splitlines()[-1])
    assert here == [] and there == [], (here, there)


def test_a_local_cluster_worker_descends_from_the_lighter_import():
    """The fork server of a local Dask cluster imports distributed through daskimport
    (DASK_PRELOAD): a worker forked from it has no Jinja2 loaded."""
    pytest.importorskip("jinja2")
    out = subprocess.run([sys.executable, "-c", textwrap.dedent("""\
        import json
        from drillsim.batch.dask_executor import DaskExecutor
        from drillsim.batch.forkserver import DASK_PRELOAD, start_forkserver

        def probe(dask_worker=None):
            import sys
            return "jinja2" in sys.modules, "drillsim.batch.daskimport" in sys.modules

        if __name__ == "__main__":
            start_forkserver(DASK_PRELOAD)  # as make_executor starts it
            executor = DaskExecutor(workers=1)  # its worker forks from that server
            with executor:
                executor.cluster = executor._local_cluster()  # the scheduler only
                executor.cluster.scale(1)
                from distributed import Client
                executor.client = Client(executor.cluster)
                executor.client.wait_for_workers(1)
                (there,) = executor.client.run(probe).values()
            print(json.dumps(there))
        """)], check=False, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, True]


def test_what_a_dask_process_reports_of_its_installation_is_worked_out_ahead_the_same():
    """daskimport fills Dask's cache of package versions and platform's of uname (the
    processor: `uname -p`, a subprocess) once, for the helper and the workers forked from
    the fork server: the same description as a process working it out itself."""
    probe = textwrap.dedent("""\
        import json, platform
        {how}
        from distributed.versions import _version_cached, get_versions
        ahead = (_version_cached.cache_info().currsize,
                 platform._uname_cache is not None and "processor" in vars(platform._uname_cache))
        print(json.dumps([ahead, get_versions()]))
        """)
    got = {}
    for name, how in (("plain", "import distributed"), ("fast", "import drillsim.batch.daskimport")):
        out = subprocess.run([sys.executable, "-c", probe.format(how=how)], check=False,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        got[name] = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["plain"][0] == [0, False]  # a plain import works it out only when asked
    assert got["fast"][0] == [9, True]  # dask's 6 required and 3 optional packages
    assert got["fast"][1] == got["plain"][1]
