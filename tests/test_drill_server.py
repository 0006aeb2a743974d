"""Issue 17, seats: a drill server on loopback and three seats driven by the thin protocol
client (control, a township seat, a force seat). A player receives exactly the messages
its role's routing rules give it (the rules written out again here, from the
simulation's own incidents and units), never the truth (every byte sent to a player seat
is scanned for the hidden values); an order for a unit outside its role is refused; only
control moves the clock; a wrong secret, or a player's secret for the control seat, is
refused. Nothing waits on wall time: the clock stays paused and control advances it;
every wait is on a message, with a timeout."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from drillsim.drill.client import SeatClient, SeatRefused
from drillsim.drill.protocol import PROTOCOL
from drillsim.drill.seats import SeatSpec, Seats, SeatsFile, load_seats
from drillsim.drill.server import DrillServer
from drillsim.drill.session import DrillSession
from drillsim.errors import ValidationFailed

from .conftest import SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"
SEED = 918273645                       # digits that appear in no message by chance
SECRETS = {"control": "control-secret-0123456789", "mixin": "mixin-secret-0123456789",
           "water": "water-secret-0123456789", "command": "command-secret-0123456789"}
WATER = ["water_rescue", "blue_sky", "snow_leopard"]


def _seats(sim) -> Seats:
    spec = SeatsFile(seats=[
        SeatSpec(name="control", role="control", secret=SECRETS["control"]),
        SeatSpec(name="command", role="command_centre", secret=SECRETS["command"]),
        SeatSpec(name="water", role="force", forces=WATER, secret=SECRETS["water"]),
        SeatSpec(name="mixin", role="township", township="mixin", secret=SECRETS["mixin"]),
    ])
    return Seats.build(spec, sim)


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _join(port: int, seat: str, secret: str | None = None) -> SeatClient:
    client = SeatClient()
    await client.connect(f"127.0.0.1:{port}", seat, secret or SECRETS[seat])
    return client


async def _until(client: SeatClient, t: float) -> None:
    """Wait until the client has been told the clock reached scenario minute ``t``
    (the server sends messages and boards before the clock, so all up to ``t`` are in)."""
    await client.wait_for(lambda m: m.get("type") == "clock" and m["t"] >= t - 1e-9)


def _hidden(session: DrillSession) -> list[str]:
    """The hidden values a player must never see: the variant, the seed, the pack's path
    and name, every drawn value (but the start: the players' clock shows the date and
    time; and the units out of service, which their holders' boards show), the true
    crest, every planned inject's title, and the text of every planned inject not fired
    (a fired one's text is the message it sends, to the seats its township or role names)."""
    drawn = session.drawn
    summary = next(e.details for e in session.sim.log.events if e.kind == "hazard_summary")
    crest = summary["figures"]["gauge_peak_stage_m"]
    values = [str(SEED), str(PACK), "packs/flood", "flood.yaml", drawn.pack_name, f"{crest:.2f}", f"{crest:.3f}"]
    if drawn.variant:
        values.append(drawn.variant)
    for key, value in drawn.choices.items():
        if key in ("start", "out_of_service"):
            continue
        values.append(str(value))
        number = re.match(r"[\d.]+", str(value))
        if number and len(number.group()) >= 3:  # 24740m3/s: also 24740 and 24,740
            values += [number.group(), f"{float(number.group()):,.0f}"]
    for n, inject in enumerate(session.planned):
        values += [inject["title"]] + ([inject["text"]] if inject.get("text") and n not in session._fired else [])
    return values


@pytest.fixture
def served(tmp_path, host):
    session = DrillSession.open(PACK, seed=SEED, host=host, log_path=tmp_path / "d.jsonl",
                                secret=SECRETS["control"])
    server = DrillServer(session, _seats(session.sim), review_path=str(tmp_path / "d.review.md"))
    yield session, server
    session.close()


def test_players_get_their_role_only_never_the_truth_and_only_control_moves_the_clock(served):
    session, server = served
    seats = server.seats

    async def drill():
        port = await server.start("127.0.0.1", 0)
        control, mixin, water, command = [await _join(port, s) for s in ("control", "mixin", "water", "command")]
        assert (mixin.welcome["role"], water.welcome["role"]) == ("township", "force")
        assert mixin.welcome["units"] == ["township_teams.mixin"]

        # only control moves the clock: a player's request is refused and time stands still
        for player in (mixin, water):
            for action, extra in (("run", {}), ("speed", {"speed": 600}), ("next", {}),
                                  ("advance", {"minutes": 60})):
                reply = await player.clock(action, **extra)
                assert not reply["ok"] and reply["text"] == "only the control cell moves the clock"
        assert session.now == 0.0 and session.paused and session.speed == 60

        # the first calls for help come about 17 h in (this seed); the media report (a
        # planned inject for the command centre) fires at 16 h
        reply = await control.clock("advance", minutes=18 * 60)
        assert reply["ok"], reply
        for c in (control, mixin, water, command):
            await _until(c, 18 * 60)
        reply = await control.order("inject message @mixin the dam keeper in Mixin asks for sandbags")
        assert reply["ok"], reply
        await control.clock("advance", minutes=4 * 60)
        for c in (control, mixin, water, command):
            await _until(c, 22 * 60)

        # orders: another role's unit, township or unheard incident refused; one's own carried out
        mixin_refs = sorted(server.heard["mixin"])
        water_refs = sorted(server.heard["water"])
        assert water_refs, "the water rescue seat heard no call in 22 h"
        reply = await water.order(f"dispatch township_teams.mixin {water_refs[0]}")
        assert not reply["ok"] and reply["text"] == "township_teams.mixin is not one of this seat's units"
        reply = await mixin.order("evacuate yuxi")
        assert not reply["ok"] and "mixin only" in reply["text"]
        unheard = next(f"C{n}" for n in range(1, 99) if f"C{n}" not in server.heard["mixin"])
        reply = await mixin.order(f"dispatch township_teams.mixin {unheard}")
        assert not reply["ok"] and reply["text"] == f"no incident {unheard!r} known to this seat"
        reply = await mixin.order("end")
        assert not reply["ok"] and "not an order for seat mixin" in reply["text"]
        reply = await mixin.order("inject message hello")
        assert not reply["ok"]
        reply = await mixin.order("evacuate mixin")
        assert reply["ok"], reply
        reply = await water.order("auto on all")
        assert reply["ok"], reply
        assert {f for f in WATER} <= session.sim._auto_forces and "township_teams" not in session.sim._auto_forces
        await control.clock("advance", minutes=60)
        for c in (control, mixin, water, command):
            await _until(c, 23 * 60)
        await control.order("note mixin slow to evacuate")
        for c in (control, mixin, water, command):
            await c.close()
        await server.stop()
        return control, mixin, water, command, mixin_refs

    control, mixin, water, command, mixin_refs = _run(drill())

    # the orders each seat gave are logged with the seat
    orders = [r for r in (json.loads(x) for x in Path(session.log.player.path).read_text().splitlines())
              if r.get("rec") == "order"]
    assert {(r["seat"], r["text"]) for r in orders} >= {("mixin", "evacuate mixin"),
                                                        ("water", "auto on water_rescue")}

    # every message the control cell saw, with what it was about; each player got exactly
    # the ones its role's rules give (the rules written out here, not taken from the server)
    everything = [m for m in control.received if m["type"] == "message"]
    assert len(everything) > 30
    sim = session.sim
    water_units = {u.id for u in sim._unit_list if u.force.id in WATER}

    def township_sees(m):
        if m["unit"] is not None:
            return m["unit"] == "township_teams.mixin"
        if m["category"] == "warning":
            return True
        if m["incident"] is not None:
            return sim.incidents[m["incident"]].place.township == "mixin"
        return m["township"] == "mixin"

    def force_sees(m):
        if m["unit"] is not None:
            return m["unit"] in water_units
        if m["category"] == "warning":
            return True
        if m["incident"] is not None:
            inc = sim.incidents[m["incident"]]
            return any(sim.units[u].capabilities.get(c, 0) > 0 and (sim.units[u].serves is None
                       or inc.kind in sim.units[u].serves) for u in water_units for c in inc.demand)
        return False

    for client, sees in ((mixin, township_sees), (water, force_sees)):
        got = [(m["t"], m["source"], m["text"]) for m in client.received if m["type"] == "message"]
        expected = [(m["t"], m["source"], m["text"]) for m in everything if sees(m)]
        assert got == expected and len(got) >= 5
        # numbered 1, 2, … by the seat's own counter: no gap shows what others received
        assert [m["n"] for m in client.received if m["type"] == "message"] == list(range(1, len(got) + 1))
        # nothing but what a player's message carries: no engine ids, no origin times
        for m in client.received:
            assert m["type"] not in ("truth", "note", "review")
            if m["type"] == "message":
                assert set(m) == {"type", "n", "t", "category", "source", "text", "ref"}
    mixin_texts = [m["text"] for m in mixin.received if m["type"] == "message"]
    water_texts = [m["text"] for m in water.received if m["type"] == "message"]
    assert "the dam keeper in Mixin asks for sandbags" in mixin_texts
    assert "the dam keeper in Mixin asks for sandbags" not in water_texts
    assert not any(m.get("unit") in water_units for m in everything if m["text"] in mixin_texts
                   and not township_sees(m))
    # the township's boards: its own unit only, the incidents it heard of only
    units = [m for m in mixin.received if m["type"] == "units"][-1]["rows"]
    assert [r["unit"] for r in units] == ["township_teams.mixin"]
    incidents = [m for m in mixin.received if m["type"] == "incidents"][-1]["rows"]
    assert {r["ref"] for r in incidents} <= set(mixin_refs) | {r["ref"] for r in incidents if r["ref"] in server.heard["mixin"]}

    # no hidden value in any byte sent to a player seat; the control cell did get them
    hidden = _hidden(session)
    for client in (mixin, water):
        sent = "\n".join(client.frames)
        leaked = [v for v in hidden if v and v in sent]
        assert leaked == [], leaked
    # the command centre: every player message (the district picture), and still no truth
    # but the media report's text, which reached it as the message the planned inject makes
    media = session.planned[0]
    assert 0 in session._fired and media["title"] == "media report"
    sent = "\n".join(command.frames)
    assert [m["text"] for m in command.received if m["type"] == "message"] == [m["text"] for m in everything]
    assert [v for v in hidden if v and v in sent and v != media["text"]] == []
    assert media["text"] in sent and media["title"] not in sent
    control_bytes = "\n".join(control.frames)
    assert str(SEED) in control_bytes and session.drawn.pack_name in control_bytes
    assert [n for n in control.received if n["type"] == "note"][0]["seat"] == "control"


def test_a_wrong_secret_or_a_players_secret_never_opens_a_seat(served):
    session, server = served

    async def attempts():
        port = await server.start("127.0.0.1", 0)
        refused = []
        for seat, secret in (("control", SECRETS["mixin"]), ("control", "x" * 24), ("mixin", SECRETS["water"]),
                             ("nobody", SECRETS["control"]), ("control", "")):
            with pytest.raises(SeatRefused) as exc:
                await SeatClient().connect(f"127.0.0.1:{port}", seat, secret)
            refused.append(str(exc.value))
        # a client speaking another version is refused with the version named
        from websockets.asyncio.client import connect
        async with connect(f"ws://127.0.0.1:{port}") as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": "drillsim-drill/0", "seat": "control",
                                      "secret": SECRETS["control"]}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
        # garbage after joining gets an error naming the fault, and the seat stays joined
        ok = await _join(port, "mixin")
        await ok.ws.send("not json")
        error = await ok.wait_for(lambda m: m["type"] == "error")
        await ok.ws.send(json.dumps({"type": "order"}))
        error2 = await ok.wait_for(lambda m: m["type"] == "error")
        reply = await ok.order("evacuate mixin")
        await ok.close()
        await server.stop()
        return refused, answer, error, error2, reply

    refused, answer, error, error2, reply = _run(attempts())
    assert all(r.endswith("seat or secret not accepted") for r in refused), refused
    assert answer["type"] == "refused" and PROTOCOL in answer["text"]
    assert error["text"] == "not JSON" and "line" in error2["text"]
    assert reply["ok"]


def test_control_ends_the_drill_the_review_reaches_players_only_when_released(served, tmp_path):
    session, server = served

    async def drill():
        port = await server.start("127.0.0.1", 0)
        control, water = await _join(port, "control"), await _join(port, "water")
        await control.clock("advance", minutes=120)
        reply = await control.order("release")
        assert not reply["ok"]
        assert (await water.order("auto on water_rescue"))["ok"]
        assert (await control.ask("note", text="water handed its boats to the dispatcher early"))["ok"]
        reply = await control.order("end")
        assert reply["ok"], reply
        review = await control.wait_for(lambda m: m["type"] == "review", timeout=60)
        ended = await water.wait_for(lambda m: m["type"] == "ended")
        assert not any(m["type"] == "review" for m in water.received)
        reply = await water.order("evacuate mixin")
        assert not reply["ok"]
        reply = await control.order("release")
        assert reply["ok"]
        released = await water.wait_for(lambda m: m["type"] == "review")
        await control.close()
        await water.close()
        await server.stop()
        return review, ended, released

    review, ended, released = _run(drill())
    assert ended["reason"] == "ended by order"
    assert review["written"] and Path(review["written"][0]).is_file()
    assert str(SEED) in review["markdown"] and released["markdown"] == review["markdown"]
    # the review says which seat gave each order, and gives the notes with time and seat
    assert "| 2020-08-15 22:00 | water | `auto on water_rescue` | done |" in review["markdown"]
    assert "| 2020-08-15 22:00 | control | water handed its boats to the dispatcher early |" in review["markdown"]


def test_a_seats_file_with_unknown_ids_is_refused_naming_line_and_field(tmp_path, host):
    path = tmp_path / "seats.yaml"
    path.write_text("seats:\n"
                    "  - {name: control, role: control}\n"
                    "  - {name: water, role: force, forces: [water_rescu]}\n"
                    "  - {name: yx, role: township, township: yuxii}\n", encoding="utf-8")
    spec, doc = load_seats(path)
    session = DrillSession.open(PACK, seed=SEED, host=host)
    with pytest.raises(ValidationFailed) as exc:
        Seats.build(spec, session.sim, doc)
    text = str(exc.value)
    assert f"{path}:3" in text and "seats[1].forces[0]" in text and "did you mean 'water_rescue'" in text
    assert f"{path}:4" in text and "seats[2].township" in text and "yuxi" in text
    path.write_text("seats:\n  - {name: a, role: township}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        load_seats(path)
    assert f"{path}:2" in str(exc.value) and "a township seat needs township: ID" in str(exc.value)


def test_the_shipped_seats_file_seats_the_flood_pack(host):
    spec, doc = load_seats(SCENARIOS / "seats" / "flood.yaml")
    session = DrillSession.open(PACK, seed=SEED, host=host)
    seats = Seats.build(spec, session.sim, doc)
    sim = session.sim
    roles = {s.name: s.role for s in seats}
    assert roles == {"control": "control", "evaluator": "evaluator", "command": "command_centre",
                     "water": "force", "mixin": "township", "yuxi": "township"}
    # the water seat holds the three boat forces whole; each township its own team; the
    # command centre every other unit (counted from the scenario's own units)
    water = {u.id for u in sim._unit_list if u.force.id in WATER}
    assert seats["water"].units == water and seats["water"].forces == set(WATER)
    assert seats["mixin"].units == {"township_teams.mixin"} and seats["yuxi"].units == {"township_teams.yuxi"}
    assert seats["command"].units == set(sim.units) - water - {"township_teams.mixin", "township_teams.yuxi"}
    assert "township_teams" not in seats["command"].forces and "helicopters" in seats["command"].forces
    assert all(s.made and len(s.secret) >= 22 for s in seats)  # none in the file: each made


def test_serve_refuses_a_bad_seats_file_with_file_line_and_field(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "seats.yaml"
    bad.write_text("seats:\n  - {name: control, role: control}\n  - {name: fire, role: force, forces: [jiangbei]}\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["drill", "serve", str(PACK), "--seats", str(bad), "--port", "0"])
    assert result.exit_code == 2, result.output
    assert f"{bad}:3" in result.output and "seats[1].forces[0]" in result.output
    assert "Traceback" not in result.output and not list(tmp_path.glob("drill-*.jsonl"))


def test_a_server_that_cannot_listen_leaves_no_drill_log(tmp_path, monkeypatch):
    """A port in use (or a host that is not this machine's): one line, exit status 2 (the
    environment, like a Dask scheduler that refuses the connection), and no log of a
    drill that never ran (it was left behind; --log FILE then said "already exists; to
    serve that drill again use --resume"), nor the --secrets-dir folder: the port is
    tried before anything is written."""
    import socket

    from click.testing import CliRunner

    from drillsim.cli.main import main

    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["drill", "serve", str(PACK), "--seats",
                                           str(SCENARIOS / "seats" / "flood.yaml"), "--host",
                                           "127.0.0.1", "--port", str(port), "--log", "d.jsonl",
                                           "--secrets-dir", "secrets"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        f"cannot listen on 127.0.0.1:{port}: Address already in use (another program listens "
        "there: give another --port, or 0 for any free one); nothing was served")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_drill_served_again_from_its_log_gives_each_seat_its_feed_again(tmp_path, host):
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(PACK, seed=SEED, host=host, log_path=log, secret=SECRETS["control"])
    server = DrillServer(session, _seats(session.sim))

    def feed(client):
        return [(m["type"], m.get("n"), m["t"], m.get("text") or m.get("line")) for m in client.received
                if m["type"] in ("message", "order")]

    async def first():
        port = await server.start("127.0.0.1", 0)
        control, water = await _join(port, "control"), await _join(port, "water")
        await control.clock("advance", minutes=20 * 60)
        assert (await water.order("auto on water_rescue"))["ok"]
        await control.clock("advance", minutes=60)
        await _until(water, 21 * 60)
        await control.close()
        await water.close()
        await server.stop()
        return feed(water)

    before = _run(first())
    session.close()   # the server stops (a crash, a reboot); served again from the log:
    resumed = DrillSession.resume(log, SECRETS["control"], host=host)
    again = DrillServer(resumed, _seats(resumed.sim))

    async def second():
        port = await again.start("127.0.0.1", 0)
        water = await _join(port, "water")
        await water.wait_for(lambda m: m["type"] == "clock")
        await water.close()
        await again.stop()
        return feed(water)

    after = _run(second())
    resumed.close()
    assert resumed.now == pytest.approx(21 * 60) and len(before) > 10
    assert after == before   # the same messages, numbered the same, and its order among them


@pytest.mark.parametrize("command", [["drill", "serve"], ["drill", "play"]])
def test_a_log_named_over_a_file_that_is_no_drill_log_is_not_offered_resume(tmp_path, command):
    # --log over a pack said "already exists; to serve that drill again use --resume PACK"
    from click.testing import CliRunner

    from drillsim.cli.main import main

    pack = tmp_path / "mine.yaml"
    pack.write_text("name: mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, [*command, str(PACK), "--log", str(pack)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        f"{pack} (--log): is a YAML file (a scenario, region, plan, sweep, pack or seats file): "
        "no output replaces one. Name another file for the drill's log; nothing was run")
    assert pack.read_text(encoding="utf-8") == "name: mine\n"
