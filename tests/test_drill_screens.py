"""Issue 17, robust and smooth: the unit board reaches every unit of the flood (48, by
force), the boards write only the cells that changed, and the map shows each seat only
what it may see (a player: the townships' reports it received, its units, the calls it
heard; never the truth). Nothing here waits on wall time."""

from __future__ import annotations

import asyncio
import math

import pytest

from drillsim.drill import mapview
from drillsim.drill.session import DrillSession
from drillsim.tui.app import DrillApp
from drillsim.tui.widgets.incident_board import IncidentBoard
from drillsim.tui.widgets.map_panel import MapPanel, draw
from drillsim.tui.widgets.unit_board import UnitBoard

from .conftest import SCENARIOS
from .test_drill_server import SECRETS, _join, _run, _until, served  # noqa: F401 - the fixture

PACK = SCENARIOS / "packs" / "flood.yaml"


def test_every_unit_of_the_flood_is_reachable_on_the_unit_board(host):
    s = DrillSession.open(PACK, seed=3, host=host)
    units = list(s.sim.units)
    assert len(units) == 48

    async def go():
        app = DrillApp(s, autoplay=False)
        async with app.run_test(size=(120, 30)) as pilot:  # room for a dozen rows, not 48
            board = app.screen.query_one(UnitBoard)
            await pilot.press("u")
            assert app.focused is board
            seen, visible = [], True
            for _ in range(board.row_count):
                key = board.selected_key()
                seen.append(key)
                top = board.scroll_offset.y
                # the cursor's row (below the header) lies in the part of the table shown
                visible = visible and top <= board.cursor_row < top + board.size.height - 1
                await pilot.press("down")
            assert visible
            assert [k for k in seen if not k.startswith("force:")] == units
            # grouped: each force's heading row comes right before its units
            forces = [k[len("force:"):] for k in seen if k.startswith("force:")]
            assert forces == list(dict.fromkeys(u.force.id for u in s.sim._unit_list))
            await pilot.press("home")
            assert board.cursor_row == 0 and board.scroll_offset.y == 0
            await pilot.press("end")
            assert board.selected_unit() == units[-1]

    asyncio.run(go())


def test_the_boards_write_only_the_cells_that_changed(host):
    s = DrillSession.open(PACK, seed=3, host=host)

    def waiting():
        return [(r, i) for r, i in s.known_incidents() if i.kind == "flood_rescue" and not i.assigned]

    while not waiting() and not s.ended:
        s.advance(30)
    ref, inc = waiting()[0]
    boat = next(u for u in s.sim._unit_list if u.force.id == "water_rescue" and u.dispatchable)

    async def go():
        app = DrillApp(s, autoplay=False)
        async with app.run_test(size=(160, 50)) as pilot:
            units, incidents = app.screen.query_one(UnitBoard), app.screen.query_one(IncidentBoard)
            built, written = units.rebuilds, units.cells_written
            await pilot.press(":")
            app.screen.query_one("#command").value = f"dispatch {boat.id} {ref}"
            await pilot.press("enter")
            await pilot.pause()
            assert s.orders[-1].ok, s.orders[-1].reply
            # one unit changed: its status, where, task and time on task at most; no rebuild
            assert units.rebuilds == built
            assert 1 <= units.cells_written - written <= 4
            row = units.get_row(boat.id)
            expected = next(r for r in s.unit_rows() if r["unit"] == boat.id)
            assert str(row[1]) == expected["status"] != "available" and str(row[2]) == ref
            # the incident board has the unit on the row of its incident
            assert boat.id in str(incidents.get_row(ref)[6])

    asyncio.run(go())


def test_the_map_places_townships_by_their_coordinates():
    # three townships: C north of A, B east of A (0.1 degree each way)
    state = {"truth": False, "townships": [
        {"id": "a", "name": "Aaa", "lat": 30.0, "lon": 105.0, "state": "impact", "units": 2, "calls": 0},
        {"id": "b", "name": "Bbb", "lat": 30.0, "lon": 105.1, "state": None, "units": 0, "calls": 3},
        {"id": "c", "name": "Ccc", "lat": 30.1, "lon": 105.0, "state": None, "units": 0, "calls": 0}]}
    lines = draw(state, 40, 10).plain.splitlines()
    # by hand: x = lon * cos(30.033 deg) = lon * 0.86573; scale = min((40 - 6) / 0.086573,
    # 2 * 9 / 0.1) = 180 cells per degree of latitude (rows count double); A and B on row
    # round(0.1 * 180 / 2) = 9, B at column round(0.086573 * 180) = 16; C at row 0, column 0
    assert math.cos(math.radians((30.0 + 30.0 + 30.1) / 3)) == pytest.approx(0.86573, abs=1e-5)
    assert lines[0].startswith("Ccc")
    assert lines[9].startswith("Aaa2") and lines[9][16:21] == "Bbb!3"
    assert lines[10].startswith("water")  # then the legend


def test_a_player_map_shows_the_reports_not_the_truth(host):
    s = DrillSession.open(PACK, seed=3, host=host)
    s.command("auto on all")
    first = None
    while first is None and not s.ended:
        s.advance(10)
        first = next((e for e in s.sim.log.events if e.kind == "hazard_arrival"
                      and e.details.get("level") == "impact"), None)
    town = first.details["township"]
    # the township's report comes 10-40 min after the water (flood_reports township_delay)
    s.advance_to(first.t + 1)
    truth = {t["id"]: t["state"] for t in s.map_state(truth=True)["townships"]}
    player = {t["id"]: t["state"] for t in s.map_state()["townships"]}
    assert truth[town] == "impact" and player[town] != "impact"
    s.advance_to(first.t + 2 * 60)
    player = {t["id"]: t for t in s.map_state()["townships"]}
    assert player[town]["state"] == "impact"
    # a player's state comes from a township report it received, township by township
    said = {m.township for m in s.messages if m.category == "township"
            and mapview.report_state(m.text) is not None}
    assert {tid for tid, t in player.items() if t["state"]} == said
    # its units and open calls are those of its boards
    assert sum(t["units"] for t in player.values()) == len(s.sim.units)
    assert sum(t["calls"] for t in player.values()) == sum(1 for r in s.incident_rows() if r["open"])


def test_a_served_player_seat_gets_its_own_map_only(served):  # noqa: F811
    session, server = served

    async def go():
        port = await server.start("127.0.0.1", 0)
        control = await _join(port, "control")
        mixin = await _join(port, "mixin")
        water = await _join(port, "water")
        await control.clock("advance", minutes=22 * 60)
        for c in (control, mixin, water):
            await _until(c, 22 * 60)
        await control.order("evacuate mixin")  # boards (and maps) go out after a request
        await asyncio.sleep(0.3)
        await server.stop()
        return control, mixin, water

    control, mixin, water = _run(go())
    names = {t["id"]: t["name"] for t in mapview.geography(session.sim.region)}
    for client, seat in ((mixin, "mixin"), (water, "water")):
        maps = [m for m in client.received if m["type"] == "map"]
        assert maps and not any(m["truth"] for m in maps)
        last = maps[-1]
        # states only where a township report reached this seat (its feed names the source)
        sources = {m["source"] for m in client.received if m["type"] == "message" and m["category"] == "township"
                   and mapview.report_state(m["text"])}
        for t in last["townships"]:
            if t["state"]:
                assert f"{names[t['id']]}" in " ".join(sources)
        units = [m for m in client.received if m["type"] == "units"][-1]["rows"]
        assert sum(t["units"] for t in last["townships"]) == len(units) == len(server.seats[seat].units)
        incidents = [m for m in client.received if m["type"] == "incidents"][-1]["rows"]
        assert sum(t["calls"] for t in last["townships"]) == sum(1 for r in incidents if r["open"])
    # the mixin seat hears Mixin's reports, not the other townships'
    mixin_map = [m for m in mixin.received if m["type"] == "map"][-1]
    assert {t["id"] for t in mixin_map["townships"] if t["state"]} <= {"mixin"}
    truth = [m for m in control.received if m["type"] == "map"][-1]
    assert truth["truth"] and {t["id"] for t in truth["townships"] if t["state"]} == set(session.extent)
    assert len(set(session.extent)) > 1


def test_the_map_panel_hides_and_shows(host):
    s = DrillSession.open(PACK, seed=3, host=host)
    s.advance_to(20 * 60)

    async def go():
        app = DrillApp(s, autoplay=False)
        async with app.run_test(size=(160, 50)) as pilot:
            panel = app.screen.query_one(MapPanel)
            assert panel.display and "Mix" in str(panel.render())
            await pilot.press("m")
            assert not panel.display
            await pilot.press("m")
            assert panel.display

    asyncio.run(go())
