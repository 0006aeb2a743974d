"""Issue 17, seats: the Textual client of ``drillsim drill join`` against a server on
loopback. It draws what the server sent this seat with the drill's own widgets (the
water rescue seat's unit board is its eight boats, nothing else); a player seat's clock
keys do nothing; an order typed goes to the server and its reply is shown; a refused
secret ends the client with the reason. Every wait is on a condition, with a timeout."""

from __future__ import annotations

import asyncio

import pytest

from drillsim.tui.seat import SeatApp
from drillsim.tui.widgets.incident_board import IncidentBoard
from drillsim.tui.widgets.unit_board import UnitBoard

from .test_drill_server import SECRETS, WATER, _join, _run, served  # noqa: F401 - the fixture


async def _until(pilot, condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


def _cells(table, column: int = 0) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def test_a_joined_player_seat_draws_what_the_server_sent_it(served):  # noqa: F811
    session, server = served
    water_units = [u.id for u in session.sim._unit_list if u.force.id in WATER]

    async def go():
        port = await server.start("127.0.0.1", 0)
        control = await _join(port, "control")
        app = SeatApp(f"127.0.0.1:{port}", "water", SECRETS["water"])
        async with app.run_test(size=(180, 50)) as pilot:
            await _until(pilot, lambda: app.view is not None and app.screen.__class__.__name__ == "SeatScreen")
            await control.clock("advance", minutes=22 * 60)
            await _until(pilot, lambda: app.view.now >= 22 * 60 and app.view.incident_rows())
            screen = app.screen
            await _until(pilot, lambda: screen.query_one(UnitBoard).unit_keys() == water_units)
            await _until(pilot, lambda: set(_cells(screen.query_one(IncidentBoard))) == server.heard["water"])
            # the clock keys are not a player's: nothing is sent, the clock stays paused
            await pilot.press("space", "4", "n")
            ref = sorted(server.heard["water"])[0]
            await pilot.press(":")
            for ch in f"dispatch water_rescue-1 {ref}":
                await pilot.press(ch if ch != " " else "space")
            await pilot.press("enter")
            reply = screen.query_one("#reply")
            await _until(pilot, lambda: str(reply.render()).startswith("✓ water_rescue-1 to"))
            assert session.paused and session.speed == 60 and session.now == pytest.approx(22 * 60)
            # the seat's feed is the messages the server sent it, in order
            sent = [m["text"] for m in app.client.received if m["type"] == "message"]
            assert [item.text for item in app.view.feed if item.category != "order"] == sent
            assert "ENDED" not in str(screen.query_one("#clock").render())
        await control.close()
        await server.stop()
        return sent

    sent = _run(go())
    assert len(sent) >= 5


def test_a_refused_secret_ends_the_client_with_the_reason(served):  # noqa: F811
    session, server = served

    async def go():
        port = await server.start("127.0.0.1", 0)
        app = SeatApp(f"127.0.0.1:{port}", "control", SECRETS["water"])
        async with app.run_test() as pilot:
            await _until(pilot, lambda: app.refused is not None)
        await server.stop()
        return app

    app = _run(go())
    assert app.refused.endswith("seat or secret not accepted") and app.view is None


@pytest.mark.parametrize("address, said", [
    ("127.0.0.1:99999", "port '99999' of '127.0.0.1:99999' is not a port: give HOST:PORT with a port from 1 to 65535"),
    ("127.0.0.1:0", "port '0' of '127.0.0.1:0' is not a port"),
    ("nohostport", "'nohostport' names no port: give HOST:PORT"),
    (":8765", "':8765' names no port: give HOST:PORT"),
    ("http://127.0.0.1:8765", "is not a drill server's address: give HOST:PORT"),
])
def test_a_bad_address_is_refused_before_anything_starts(address, said, monkeypatch):
    """The address is checked first: exit 2 with what to write, no screen started."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    def no_screen(*args, **kwargs):
        raise AssertionError("the seat's screen was started")

    monkeypatch.setattr(SeatApp, "run", no_screen)
    monkeypatch.setattr(SeatApp, "run_async", no_screen)
    result = CliRunner().invoke(main, ["drill", "join", address, "--seat", "control"],
                                env={"DRILLSIM_SEAT_SECRET": "x"})
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert said in result.output


def test_a_closed_port_is_said_before_the_screen_starts(monkeypatch):
    import socket

    from click.testing import CliRunner

    from drillsim.cli.main import main

    with socket.socket() as s:  # a port just free: nothing listens on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def no_screen(*args, **kwargs):
        raise AssertionError("the seat's screen was started")

    monkeypatch.setattr(SeatApp, "run", no_screen)
    monkeypatch.setattr(SeatApp, "run_async", no_screen)
    monkeypatch.setattr("drillsim.cli.drill.on_terminal", lambda: True)
    result = CliRunner().invoke(main, ["drill", "join", f"127.0.0.1:{port}", "--seat", "control"],
                                env={"DRILLSIM_SEAT_SECRET": "x"})
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert f"cannot join the drill at 127.0.0.1:{port}" in result.output


def test_a_seat_joined_before_its_screen_draws_it(served):  # noqa: F811
    """``drill join`` connects first, then hands the joined client to the screen."""
    from drillsim.drill.client import SeatClient

    _session, server = served

    async def go():
        port = await server.start("127.0.0.1", 0)
        client = SeatClient()
        welcome = await client.connect(f"127.0.0.1:{port}", "water", SECRETS["water"])
        app = SeatApp(f"127.0.0.1:{port}", "water", "", client=client)
        async with app.run_test(size=(180, 50)) as pilot:
            await _until(pilot, lambda: app.view is not None and app.screen.__class__.__name__ == "SeatScreen")
            role = app.view.role
        await server.stop()
        return welcome, role

    welcome, role = _run(go())
    assert role == welcome["role"] == "force"


@pytest.mark.parametrize("address", ["127.0.0.1:8765", "localhost:1", "drill.example:65535", "[::1]:8765",
                                     "ws://127.0.0.1:8765/", "wss://drill.example:8765"])
def test_addresses_a_server_can_have_pass_the_check(address):
    from drillsim.drill.client import check_address

    assert check_address(address) == address
