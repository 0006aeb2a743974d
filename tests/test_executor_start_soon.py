"""An executor whose workers start in other processes starts them in a thread while the
batch creates its database (:meth:`Executor.start_soon`); ``ensure_started`` waits for
that start and raises what it raised, and a start for another bundle starts again."""

from __future__ import annotations

import threading

import pytest

from drillsim.batch.executor import Executor
from drillsim.batch.worker import Bundle
from drillsim.host.pluginhost import PluginError


class Recording(Executor):
    starts_aside = True

    def __init__(self, fail: bool = False) -> None:
        self.workers = 4
        self.fail = fail
        self.started: list[tuple[str, tuple[str, ...], str, int]] = []
        self.closed = 0
        self.release = threading.Event()

    def start(self, bundle, plugins):
        self.release.wait(5)
        self.started.append((bundle.key, plugins, threading.current_thread().name, self.workers))
        if self.fail:
            raise PluginError("plugin 'x' is not installed on worker 1")

    def close(self):
        self._join_soon(keep=False)
        self.closed += 1


def bundle(key: str) -> Bundle:
    return Bundle(key, "s.yaml", (("s.yaml", ""),))


def test_started_aside_once_and_fitted():
    ex = Recording()
    ex.start_soon(bundle("a"), ("p",), tasks=3)
    assert ex.started == []           # still starting, in its thread
    ex.release.set()
    ex.ensure_started(bundle("a"), ("p",))
    assert ex.started == [("a", ("p",), "drillsim-workers-start", 3)]  # 3 tasks: 3 workers


def test_the_starts_error_is_raised_where_it_is_awaited():
    ex = Recording(fail=True)
    ex.release.set()
    ex.start_soon(bundle("a"), ("p",), tasks=10)
    with pytest.raises(PluginError, match="not installed on worker 1"):
        ex.ensure_started(bundle("a"), ("p",))


def test_another_bundle_starts_again_after_closing():
    ex = Recording()
    ex.release.set()
    ex.start_soon(bundle("a"), ("p",), tasks=10)
    ex.ensure_started(bundle("b"), ("p",))
    assert [s[0] for s in ex.started] == ["a", "b"] and ex.closed == 1
    assert ex.started[1][2] == threading.current_thread().name


def test_close_waits_for_a_start_under_way():
    ex = Recording(fail=True)
    ex.start_soon(bundle("a"), ("p",), tasks=10)
    threading.Timer(0.2, ex.release.set).start()
    ex.close()                        # its error is the batch's no more: nothing raised
    assert len(ex.started) == 1 and ex._soon is None


def test_an_executor_that_starts_here_is_started_when_awaited():
    ex = Recording()
    ex.starts_aside = False
    ex.release.set()
    ex.start_soon(bundle("a"), ("p",), tasks=1)
    assert ex.started == [] and ex.workers == 4
    ex.ensure_started(bundle("a"), ("p",))
    assert ex.started == [("a", ("p",), threading.current_thread().name, 4)]
