"""Direct calls of an all-results hook (``drillsim_travel_restriction``) give what pluggy
gives: every answer that is not None, in pluggy's order (``tryfirst`` first, then the
last registered first, ``trylast`` last); through pluggy itself with a wrapper present or
while calls are monitored (hook tracing)."""

from __future__ import annotations

import pluggy
import pytest

from drillsim.engine.hookcall import all_results_caller

spec = pluggy.HookspecMarker("t")
impl = pluggy.HookimplMarker("t")


class Spec:
    @spec
    def answer(self, a, b):
        """every result"""


class Last:
    @impl(trylast=True)
    def answer(self, a, b):
        return ("last", a, b)


class OnlyB:
    @impl
    def answer(self, b):
        return ("only_b", b) if b > 0 else None


class Plain:
    @impl
    def answer(self, a, b):
        return None if a < 10 else ("plain", a)


class First:
    @impl(tryfirst=True)
    def answer(self, a):
        return None if a < 10 else ("first", a)


class Wrapper:
    @impl(wrapper=True)
    def answer(self, a, b):
        result = yield
        return [*result, "wrapped"]


class Broken:
    @impl
    def answer(self, a, b):
        raise ZeroDivisionError("boom")


def manager(*plugins):
    pm = pluggy.PluginManager("t")
    pm.add_hookspecs(Spec)
    for p in plugins:
        pm.register(p)
    return pm


def test_order_worked_by_hand():
    # registered Last, OnlyB, Plain, First: First is tryfirst, then the last registered
    # (Plain) before the earlier (OnlyB), Last (trylast) at the end; None answers left out
    pm = manager(Last(), OnlyB(), Plain(), First())
    call = all_results_caller(pm.hook.answer, ("a", "b"), pm)
    assert call(20, 3) == [("first", 20), ("plain", 20), ("only_b", 3), ("last", 20, 3)]
    assert call(1, -1) == [("last", 1, -1)]


@pytest.mark.parametrize("plugins", [(), (Last(),), (Plain(), OnlyB()), (Last(), OnlyB(), Plain(), First()),
                                     (Last(), OnlyB(), Wrapper())])
def test_direct_calls_answer_as_pluggy_does(plugins):
    pm = manager(*plugins)
    call = all_results_caller(pm.hook.answer, ("a", "b"), pm)
    for a in (1, 20):
        for b in (-1, 3):
            assert call(a, b) == pm.hook.answer(a=a, b=b)


def test_a_failing_implementation_raises_as_through_pluggy():
    pm = manager(Last(), Broken())
    with pytest.raises(ZeroDivisionError, match="boom"):
        all_results_caller(pm.hook.answer, ("a", "b"), pm)(1, 2)


def test_monitored_calls_go_through_pluggy():
    pm = manager(Last(), OnlyB())
    seen = []
    call = all_results_caller(pm.hook.answer, ("a", "b"), pm)
    empty = all_results_caller(manager().hook.answer, ("a", "b"), pm)
    assert call(1, 2) == [("only_b", 2), ("last", 1, 2)] and empty(1, 2) == [] and seen == []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kw: seen.append(name), lambda *a: None)
    assert call(1, 2) == [("only_b", 2), ("last", 1, 2)] and seen == ["answer"]  # switched on since
    assert all_results_caller(pm.hook.answer, ("a", "b"), pm)(1, -1) == [("last", 1, -1)]
    assert seen == ["answer", "answer"]
    undo()
    assert call(1, 2) == [("only_b", 2), ("last", 1, 2)] and seen == ["answer", "answer"]


def test_unknown_parameter_refused():
    class Odd:
        @impl
        def answer(self, a):
            return a

    pm = manager(Odd())
    with pytest.raises(ValueError, match="takes no parameter a"):
        all_results_caller(pm.hook.answer, ("b",), pm)
