"""Issue 17, browser seats: ``drillsim drill join HOST:PORT --web PORT`` serves seat
clients to browsers through textual-serve; each tab signs in on screen with its seat and
secret (none on a command line). The sign-in screen is driven here against a server on
loopback; the web server is started as a user would and its page fetched."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from drillsim.cli.drill import web_command
from drillsim.tui.seat import SeatApp, SignInScreen

from .test_drill_join import _until
from .test_drill_server import SECRETS, _run, served  # noqa: F401 - the fixture


def test_a_seat_signs_in_on_screen_and_a_wrong_secret_is_asked_again(served):  # noqa: F811
    session, server = served

    async def go():
        port = await server.start("127.0.0.1", 0)
        app = SeatApp(f"127.0.0.1:{port}", None, None)
        async with app.run_test(size=(160, 50)) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen = app.screen
            screen.query_one("#seat").value = "water"
            await pilot.press("enter")  # from the seat to the secret
            assert app.focused is screen.query_one("#secret")
            screen.query_one("#secret").value = "not-the-secret"
            await pilot.press("enter")
            await _until(pilot, lambda: "not accepted" in str(screen.query_one("#reply").render()))
            assert isinstance(app.screen, SignInScreen) and app.view is None
            assert screen.query_one("#secret").value == ""  # cleared, never kept
            screen.query_one("#secret").value = SECRETS["water"]
            screen.query_one("#secret").focus()
            await pilot.press("enter")
            await _until(pilot, lambda: app.view is not None and app.screen.__class__.__name__ == "SeatScreen")
            assert app.view.seat == "water" and app.view.role == "force"
        await server.stop()

    _run(go())


def test_the_web_command_puts_no_secret_on_the_line(tmp_path):
    line = shlex.split(web_command("wss://drill.example:8765", tmp_path / "ca.pem"))
    assert line[:6] == [sys.executable, "-m", "drillsim", "drill", "join", "wss://drill.example:8765"]
    assert "--sign-in" in line and line[line.index("--cafile") + 1] == str((tmp_path / "ca.pem").resolve())
    assert "--seat" not in line and "--secret-file" not in line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_join_web_serves_the_seat_page(tmp_path):
    pytest.importorskip("textual_serve")
    port = _free_port()
    web = subprocess.Popen([sys.executable, "-m", "drillsim", "drill", "join", "127.0.0.1:1", "--web", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
    try:
        page, deadline = None, time.monotonic() + 30
        while page is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/", timeout=2) as reply:
                    page = reply.read().decode("utf-8", errors="replace")
            except OSError:
                time.sleep(0.3)
        assert page is not None, "the web server did not answer"
        assert "drillsim drill" in page  # the page's title
    finally:
        web.terminate()
        web.wait(10)
