"""``drillsim drill`` and ``drillsim replay``: the command-line side of drills.

``drillsim drill`` is a group: ``drill play`` (the default: ``drillsim drill PACK`` is
``drillsim drill play PACK``) runs a drill in one terminal; ``drill serve`` holds a
drill for seats on other terminals; ``drill join`` is one seat.

The control secret seals the controller log (:mod:`drillsim.drill.drilllog`): from
``--secret-file`` (read, or written with a new secret if it does not exist yet), else
from ``$DRILLSIM_CONTROL_SECRET``, else a new drill makes one and prints it once, and
``--resume``/``replay`` ask for it (hidden) on a terminal.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import secrets
import sys
import time
from pathlib import Path

import click

from drillsim.cli.support import (REVIEW, SEED, WholeNumber, Number, Fail, OutputFile, OutputFolder, check_writable, err, guard, host_for, kept_file, output_name_problem, with_loading_options, with_plugin_modules,
                                  with_plugin_options)
from drillsim.drill import SPEEDS


def _review_path(log: Path) -> str:
    name = log.name[:-len(".jsonl")] if log.name.endswith(".jsonl") else log.name
    return str(log.with_name(name + ".review.md"))


SECRET_ENV = "DRILLSIM_CONTROL_SECRET"

secret_option = click.option(
    "--secret-file", "secret_file", type=click.Path(dir_okay=False, path_type=Path),
    help="The control secret sealing the controller log: read from this file, or written there "
         f"(owner-only) for a new drill if it does not exist. Default: ${SECRET_ENV}, else a new "
         "drill prints a new one and --resume/replay ask for it.")


def control_secret(secret_file: Path | None, new: bool) -> tuple[str, str | None]:
    """(the control secret, a line to tell the user or None).

    :raises Fail: (exit 2) no secret for an existing drill and no terminal to ask on, or
        an unreadable secret file.
    """
    if secret_file is not None:
        if secret_file.exists():
            from drillsim.scenario.yamlsource import read_bytes

            raw = guard(read_bytes, secret_file, str(secret_file), limit=4096, what="a control secret file")
            text = raw.decode("utf-8", errors="replace").strip()
            if not text:
                raise Fail(f"{secret_file}: the control secret file is empty", 2)
            return text, None
        if not new:
            raise Fail(f"{secret_file}: no such control secret file", 2)
        from drillsim.drill.drilllog import DrillLogError, new_secret_file

        try:
            secret = new_secret_file(secret_file)
        except DrillLogError as exc:
            raise Fail(str(exc), 2) from None
        return secret, f"control secret written to {secret_file} (keep it from the players)"
    if os.environ.get(SECRET_ENV):
        secret = os.environ[SECRET_ENV]
        bad = next((ord(ch) - 0xDC00 for ch in secret if "\udc80" <= ch <= "\udcff"), None)
        if bad is not None:  # bytes not UTF-8: the sealer failed on them with Python's words
            raise Fail(f"${SECRET_ENV}: not UTF-8 text (byte 0x{bad:02x}); set it in UTF-8, or give "
                       "--secret-file FILE", 2)
        return secret, None
    if new:
        secret = secrets.token_urlsafe(16)
        return secret, (f"control secret: {secret}  (keep it from the players: --resume, replay and "
                        "the controller need it)")
    if not sys.stdin.isatty():
        raise Fail(f"this drill's controller log is sealed: give the control secret with --secret-file "
                   f"FILE or ${SECRET_ENV}", 2)
    return click.prompt("control secret", hide_input=True), None


def on_terminal() -> bool:
    """Whether standard input and output are both a terminal (a full-screen view reads
    keys from the one and draws on the other), or Textual was given a driver that needs
    none (``TEXTUAL_DRIVER``: textual-serve's web driver, for ``join --web``'s tabs)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def need_terminal(what: str, instead: str = "") -> None:
    """Refuse (exit 2), before anything is written or asked for, a full-screen view
    when standard input or output is not a terminal (``< /dev/null``, a pipe, a cron
    job): Textual would start anyway and wait on no keys, or draw into a file.

    :param what: the view ("a drill", "a seat").
    :param instead: what to do instead, for the message ("; use --plain for text").
    """
    if not on_terminal():
        which = "standard input" if not sys.stdin.isatty() else "standard output"
        raise Fail(f"{what} needs a terminal (its screens read keys and draw there), and "
                   f"{which} is not one{instead}; nothing was started", 2)


class DrillGroup(click.Group):
    """``drillsim drill ARGS`` runs ``drill play ARGS`` unless ARGS start with a command."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["play", *args]
        return super().parse_args(ctx, args)



def _freeze_loaded() -> None:
    """The drill is loaded (scenario, region, plugins, simulation): move what exists now out
    of the garbage collector's view (:func:`gc.freeze`), so a full collection during the
    drill walks only what the drill made since, not the whole loaded world (a frame of
    the clock would wait on it)."""
    import gc

    gc.freeze()


def new_drill_log(log_path: Path | None, again: str) -> Path:
    """The log file of a new drill: ``log_path``, or ``drill-YYYYmmdd-HHMMSS.jsonl`` here;
    refused (exit 2) if it exists (``again`` says what --resume would do) or cannot be written."""
    if log_path is None:
        log_path = Path(f"drill-{dt.datetime.now():%Y%m%d-%H%M%S}.jsonl")
    problem = output_name_problem(log_path)
    if problem:
        raise Fail(f"{log_path}: {problem}; nothing was run", 2)
    if log_path.exists():
        kept = kept_file(log_path)
        if kept is not None and not kept.startswith("a drill log"):
            # a scenario, pack, database …: not a drill to resume
            raise Fail(f"{log_path} (--log): is {kept}. Name another file for the drill's log; "
                       "nothing was run", 2)
        raise Fail(f"{log_path}: already exists; to {again} use --resume {log_path}", 2)
    check_writable([log_path])
    return log_path

def check_review(review: Path | None, log_path: Path) -> None:
    """Refuse (exit 2) before the drill starts a review file that could not be written when
    it ends (a missing or read-only folder), or that would replace the drill's log or its
    controller log: the review of a whole drill would be lost. (The scenario, pack,
    region and plan it reads are YAML; a review is a ``.md`` file, :data:`REVIEW`.) The
    HTML copy goes beside it, in the same folder."""
    from drillsim.drill.drilllog import controller_path

    check_writable([Path(review or _review_path(log_path))],
                   [log_path, controller_path(log_path)], ["--review"])


@click.group(cls=DrillGroup)
def drill() -> None:
    """Run a double-blind drill of a scenario or a pack in the terminal.

    \b
    drillsim drill PACK [OPTIONS] is drillsim drill play PACK: one terminal
    (--seed, --speed, --log, --controller, --review; see drill play --help).
    drillsim drill --resume LOG continues a drill after a crash or a quit.
    drillsim replay LOG plays a finished drill back."""


@drill.command("play")
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path),
                metavar="SCENARIO_OR_PACK")
@click.option("--seed", type=SEED, help="Drill seed (default: drawn at random and kept hidden).")
@click.option("--speed", type=click.Choice([str(s) for s in SPEEDS]), default="60", show_default=True,
              help="Starting speed: scenario minutes per real minute.")
@click.option("--log", "log_path", type=OutputFile(no_stdout="a drill's log: the drill's screens use the terminal"),
              help="Drill log (JSON Lines; the controller's part beside it as *.controller.jsonl). "
                   "Default: drill-DATE-TIME.jsonl here.")
@click.option("--resume", "resume", type=click.Path(dir_okay=False, path_type=Path),
              help="Continue the drill of this log after a crash (same seed, orders replayed).")
@click.option("--controller", is_flag=True, help="Offer the controller screen (F2): the truth and injects.")
@click.option("--review", "review", type=OutputFile(**REVIEW),
              help="Where to write the after-action review (Markdown; HTML beside). "
                   "Default: beside the log, *.review.md.")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="If a plugin fails the drill (or the drill crashes), print its Python traceback "
                   "when the drill has closed (for the plugin's author; it is in the controller "
                   "log too).")
@secret_option
@with_plugin_options
@with_loading_options
def play(source, seed, speed, log_path, resume, controller, review, show_traceback, secret_file,
         plugins, disabled, loading) -> None:
    """Run a double-blind drill of a scenario or a pack in this terminal (one player seat;
    --controller adds the control seat, F2)."""
    from drillsim.drill.session import DrillSession, check_log_pair
    from drillsim.tui.app import DrillApp

    host = guard(host_for, plugins, disabled, loading, source if source is not None and source.is_file() else None)
    if resume is not None:
        if source is not None or seed is not None:
            raise Fail("--resume takes the scenario and seed from the log; give no SCENARIO_OR_PACK or --seed", 2)
        if not resume.is_file():
            raise Fail(f"{resume}: drill log not found", 2)
        guard(check_log_pair, resume)  # before asking for the secret
        check_review(review, resume)
        need_terminal("a drill")
        secret, _ = control_secret(secret_file, new=False)
        session = guard(DrillSession.resume, resume, secret, host=host)
        log_path = resume
    else:
        if source is None:
            raise Fail("give a scenario or pack (e.g. scenarios/packs/flood.yaml), or --resume LOG", 2)
        log_path = new_drill_log(log_path, "continue that drill")
        check_review(review, log_path)
        # the pack is checked and drawn before anything is written: a bad pack, or no
        # terminal, leaves neither a drill log nor a secret file behind
        from drillsim.scenario.yamlsource import read_once

        with read_once():  # the pack, its scenario and their files read once: one text of each
            session = guard(DrillSession.open, source, seed, host=host)
        need_terminal("a drill")
        secret, tell = control_secret(secret_file, new=True)
        guard(session.start_log, log_path, secret)
        session.set_speed(int(speed))
        if tell:
            click.echo(tell, err=True)
    _freeze_loaded()
    app = DrillApp(session, controller=controller, review_path=str(review or _review_path(log_path)))
    try:
        app.run()
    finally:
        session.close()
    if app.crashed:
        if show_traceback:
            err.print(app.crashed.rstrip())
        raise Fail(f"drill log: {log_path} (continue with: drillsim drill --resume {log_path})", 1)
    if app.return_code:
        # the drill is over: the plugin may be named now (not while it ran: a plugin's name
        # can tell the players which hazard a pack drew); its reason stays in the controller log
        blame = ""
        if session.failed_blame:
            blame = (f"\n{session.failed_blame}" + ("" if show_traceback else
                     "; its traceback is in the controller log, or printed with --traceback"))
        if show_traceback and session.failed_traceback:
            err.print(session.failed_traceback)
        raise Fail(f"{session.failed_public or 'the drill stopped'}{blame}\ndrill log: {log_path} (it "
                   f"cannot be resumed past that point; play it back with: drillsim replay {log_path})", 1)
    click.echo(f"drill log: {log_path}" + (f"; review: {app.review_path}" if app.review else
                                          f"; continue with: drillsim drill --resume {log_path}"))


SEAT_ENV = "DRILLSIM_SEAT_SECRET"


def listen_error(host: str, port: int, exc: OSError) -> str:
    """The one line for an address a server cannot listen on."""
    why = exc.strerror or str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        why += " (another program listens there: give another --port, or 0 for any free one)"
    return f"cannot listen on {host}:{port}: {why}; nothing was served"


def check_can_listen(host: str, port: int) -> None:
    """Refuse (exit 2) before anything is written an address ``drill serve`` could not
    listen on: a port in use, a host that is not this machine's or does not resolve. Each
    address ``host`` resolves to is bound as the server will (``SO_REUSEADDR``, as asyncio
    does) and let go at once; port 0 (any free port) is always possible. The server's own
    bind can still fail (another program may take the port in between): that is said the
    same way.

    :raises Fail: exit status 2.
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise Fail(f"--host {host}: cannot resolve it ({exc.strerror or exc}); nothing was served", 2) from None
    except UnicodeError:  # bytes that are no text, a label over 63 characters
        raise Fail(f"--host {host!r}: not a host name or address; nothing was served", 2) from None
    for family, kind, proto, _, address in infos:
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == getattr(socket, "AF_INET6", None) and hasattr(socket, "IPPROTO_IPV6"):
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                probe.bind(address)
        except OSError as exc:
            raise Fail(listen_error(host, port, exc), 2) from None


def check_secrets_dir(folder: Path) -> None:
    """Refuse (exit 2) before anything is written a ``--secrets-dir`` that cannot take the
    seat secrets: a file where the folder (or one it would be made in) should be, or a
    folder that cannot be written.

    :raises Fail: exit status 2.
    """
    target = folder
    while not target.exists() and target != target.parent:  # the folders are made as needed
        target = target.parent
    if not target.is_dir():
        what = "is a file, not a folder" if target.is_file() else "is not a folder"
        raise Fail(f"--secrets-dir {folder}: {str(target)!r} {what}; nothing was served", 2)
    if not os.access(target, os.W_OK | os.X_OK):
        raise Fail(f"--secrets-dir {folder}: cannot write in {str(target)!r} (permission denied); "
                   "nothing was served", 2)


@drill.command("serve")
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path), metavar="PACK")
@click.option("--seats", "seats_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Seats file (control, evaluators, players by role; see docs/drill-protocol.md). "
                   "Default: a control seat and a command centre holding every unit.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (localhost by default; 0.0.0.0 opens it to the network).")
@click.option("--port", type=WholeNumber(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port, printed).")
@click.option("--seed", type=SEED, help="Drill seed (default: drawn at random and kept hidden).")
@click.option("--speed", type=click.Choice([str(s) for s in SPEEDS]), default="60", show_default=True,
              help="Starting speed: scenario minutes per real minute.")
@click.option("--log", "log_path", type=OutputFile(no_stdout="a drill's log: the drill's screens use the terminal"),
              help="Drill log (the controller's part beside it, sealed with the control seat's secret). "
                   "Default: drill-DATE-TIME.jsonl here.")
@click.option("--review", "review", type=OutputFile(**REVIEW),
              help="Where to write the after-action review. Default: beside the log, *.review.md.")
@click.option("--resume", "resume", type=click.Path(dir_okay=False, path_type=Path),
              help="Serve a drill again after its server stopped or crashed (scenario, seed, orders and "
                   "injects from its log; the control seat's secret opens it). Seats rejoin and get their feed.")
@click.option("--secrets-dir", "secrets_dir", type=OutputFolder(),
              help="Also write each seat secret serve makes to DIR/SEAT.secret (owner-only), to hand "
                   "out as join --secret-file; a secret already there is kept (a drill served again).")
@click.option("--certfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Serve over TLS (wss://) with this certificate chain (PEM); with --keyfile unless the "
                   "key is in the same file. Seats join with wss://HOST:PORT.")
@click.option("--keyfile", type=click.Path(dir_okay=False, path_type=Path),
              help="The private key (PEM) of --certfile.")
@with_plugin_options
@with_plugin_modules
def serve(source, seats_file, host, port, seed, speed, log_path, review, resume, secrets_dir, certfile,
          keyfile, plugins, disabled, loading) -> None:
    """Hold a drill for seats on other terminals: the control seat (truth, injects, clock),
    evaluators and players by role join with drillsim drill join HOST:PORT --seat NAME."""
    import asyncio

    from drillsim.drill.seats import Seats, default_seats, load_seats
    from drillsim.drill.server import DrillServer, seats_summary
    from drillsim.drill.session import DrillSession, check_log_pair

    tls = None
    if keyfile is not None and certfile is None:
        raise Fail("--keyfile goes with --certfile (the certificate it is the key of)", 2)
    if certfile is not None:
        from drillsim.drill.tls import TlsError, server_context

        try:
            tls = server_context(certfile, keyfile)
        except TlsError as exc:
            raise Fail(str(exc), 2) from None
    scheme = "wss" if tls is not None else "ws"
    check_can_listen(host, port)  # before anything is written (a log, the secrets folder)
    if secrets_dir is not None:
        check_secrets_dir(secrets_dir)
    host_plugins = guard(host_for, plugins, disabled, loading)
    spec, doc = guard(load_seats, seats_file) if seats_file is not None else (default_seats(), None)
    control = next(n for n, s in enumerate(spec.seats) if s.role == "control")
    origin: dict[str, str] = {s.name: "(from the seats file)" for s in spec.seats if s.secret}
    if secrets_dir is not None:  # secrets written there before (a drill served again) are kept
        from drillsim.scenario.yamlsource import read_bytes

        for n, s in enumerate(spec.seats):
            kept = secrets_dir / f"{s.name}.secret"
            if not s.secret and kept.is_file():
                text = guard(read_bytes, kept, str(kept), limit=4096, what="a seat secret file").decode(
                    "utf-8", errors="replace").strip()
                if not text:
                    raise Fail(f"{kept}: the seat secret file is empty", 2)
                spec.seats[n] = s.model_copy(update={"secret": text})
                origin[s.name] = f"(kept in {kept})"
    if resume is not None:
        if source is not None or seed is not None or log_path is not None:
            raise Fail("--resume takes the pack, the seed and the log from the log; give no PACK, --seed or --log", 2)
        if not resume.is_file():
            raise Fail(f"{resume}: drill log not found", 2)
        guard(check_log_pair, resume)  # before asking for the secret
        check_review(review, resume)
        if not spec.seats[control].secret:
            origin[spec.seats[control].name] = "(the control secret given)"
        secret = spec.seats[control].secret or control_secret(None, new=False)[0]
        session = guard(DrillSession.resume, resume, secret, host=host_plugins)
        log_path = resume
    else:
        if source is None:
            raise Fail("give a pack (e.g. scenarios/packs/flood.yaml), or --resume LOG", 2)
        log_path = new_drill_log(log_path, "serve that drill again")
        check_review(review, log_path)
        secret = spec.seats[control].secret or secrets.token_urlsafe(16)
        from drillsim.scenario.yamlsource import read_once

        with read_once():
            session = guard(DrillSession.open, source, seed, host=host_plugins, secret=secret)
    spec.seats[control] = spec.seats[control].model_copy(update={"secret": secret})
    seats = guard(Seats.build, spec, session.sim, doc)
    made = [s for s in seats if s.name not in origin]
    if secrets_dir is not None:
        from drillsim.drill.drilllog import DrillLogError, write_secret_file

        secrets_dir.mkdir(parents=True, exist_ok=True)
        for seat in made:
            try:
                write_secret_file(secrets_dir / f"{seat.name}.secret", seat.secret)
            except DrillLogError as exc:
                raise Fail(str(exc), 2) from None
    if resume is None:
        guard(session.start_log, log_path)
        session.set_speed(int(speed))
    review_path = str(review or _review_path(log_path))
    _freeze_loaded()
    server = DrillServer(session, seats, review_path=review_path)

    listening = []

    def ready(bound: int) -> None:
        listening.append(bound)
        click.echo(f"drill server on {scheme}://{host}:{bound}   log: {log_path}")
        click.echo("seats (each secret is shown once: hand it to that seat only):")
        for seat, line in zip(seats, seats_summary(seats)):
            shown = seat.secret if seat in made else origin[seat.name]
            click.echo(f"  {line}   secret: {shown}"
                       + (f"  ({secrets_dir / (seat.name + '.secret')})" if secrets_dir and seat in made else ""))
        click.echo(f"join: drillsim drill join {'wss://' if tls else ''}{host}:{bound} --seat NAME "
                   f"[--secret-file FILE]{' [--cafile CA]' if tls else ''}")
        click.echo("the clock is paused; the control seat starts it. Ctrl-C stops the server.")

    async def run() -> None:
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # not on this platform: Ctrl-C still ends it
                pass
        ready(await server.start(host, port, ssl=tls))
        try:
            await stop.wait()
        finally:
            await server.stop()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        if not listening and resume is None:  # nothing was served: leave no log of a drill
            from drillsim.drill.drilllog import controller_path

            session.close()
            for path in (log_path, controller_path(log_path)):
                path.unlink(missing_ok=True)
        raise Fail(listen_error(host, port, exc), 2) from None
    finally:
        session.close()
    ended = f"; review: {review_path}" if server.review else ""
    click.echo(f"drill log: {log_path}{ended}")


@drill.command("join")
@click.argument("address", metavar="HOST:PORT")
@click.option("--seat", help="Your seat's name (from the server's list).")
@click.option("--secret-file", "secret_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=f"Your seat's secret, in a file. Default: ${SEAT_ENV}, else asked for (hidden).")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path),
              help="For a wss:// server: the authority (PEM) its certificate is checked against "
                   "(default: the system's trusted authorities).")
@click.option("--web", "web_port", type=WholeNumber(1, 65535),
              help="Serve seats to browsers at http://localhost:PORT (textual-serve: pip install "
                   "'drillsim[web]'): each browser tab is one seat, signing in with its seat and secret.")
@click.option("--sign-in", "sign_in", is_flag=True, hidden=True,
              help="Ask for the seat and secret on screen (what --web runs for each browser tab).")
def join(address, seat, secret_file, cafile, web_port, sign_in) -> None:
    """Join a served drill as one seat (control, evaluator or a player role). ADDRESS is
    HOST:PORT, or wss://HOST:PORT for a server over TLS. With --web PORT, serve the seats
    to browsers on this machine instead."""
    from drillsim.drill.client import SeatRefused, check_address

    try:
        check_address(address)
    except SeatRefused as exc:
        raise Fail(str(exc), 2) from None
    if web_port is not None:
        _serve_web(address, cafile, web_port)
        return
    if seat is None and not sign_in:
        raise Fail("give your seat: --seat NAME (or --web PORT for browser seats)", 2)
    tls = None
    if cafile is not None and not address.startswith("wss://"):
        raise Fail("--cafile is for a server over TLS: give the address as wss://HOST:PORT", 2)
    if address.startswith("wss://"):
        from drillsim.drill.tls import TlsError, client_context

        try:
            tls = client_context(cafile)
        except TlsError as exc:
            raise Fail(str(exc), 2) from None
    need_terminal("a seat", "; give --web PORT to use a browser instead")  # the options checked first
    if sign_in:
        secret = None
    elif secret_file is not None:
        from drillsim.scenario.yamlsource import read_bytes

        raw = guard(read_bytes, secret_file, str(secret_file), limit=4096, what="a seat secret file")
        secret = raw.decode("utf-8", errors="replace").strip()
    elif os.environ.get(SEAT_ENV):
        secret = os.environ[SEAT_ENV]
    elif sys.stdin.isatty():
        secret = click.prompt(f"secret for seat {seat}", hide_input=True)
    else:
        raise Fail(f"give the seat's secret with --secret-file FILE or ${SEAT_ENV}", 2)
    if sign_in:
        from drillsim.tui.seat import SeatApp

        app = SeatApp(address, seat, secret, ssl=tls)
        app.run()
    else:
        import asyncio

        try:
            app = asyncio.run(_join_then_show(address, seat, secret, tls))
        except SeatRefused as exc:
            raise Fail(str(exc), 2) from None
    if app.refused:
        raise Fail(app.refused, 2)


async def _join_then_show(address: str, seat: str, secret: str, tls):
    """Connect and be welcomed as ``seat`` first (a closed port or a wrong secret is
    said at once, before any screen), then run the seat's screen on the same event loop
    (the connection belongs to it).

    :raises SeatRefused: the server cannot be reached or refused the seat.
    """
    from drillsim.drill.client import SeatClient
    from drillsim.tui.seat import SeatApp

    client = SeatClient()
    await client.connect(address, seat, secret, ssl=tls)
    app = SeatApp(address, seat, "", ssl=tls, client=client)
    await app.run_async()
    return app


def web_command(address: str, cafile: Path | None) -> str:
    """The shell command textual-serve runs for each browser tab: this drillsim, joining
    ``address`` and asking for the seat and secret on screen (no secret on the line)."""
    import shlex

    line = [sys.executable, "-m", "drillsim", "drill", "join", address, "--sign-in"]
    if cafile is not None:
        line += ["--cafile", str(Path(cafile).resolve())]
    return shlex.join(line)


def _serve_web(address: str, cafile: Path | None, port: int) -> None:
    """``join --web PORT``: a textual-serve server on localhost; every browser tab runs
    its own seat client (:func:`web_command`). Pages and keys travel unencrypted on
    loopback only."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise Fail("browser seats need textual-serve: pip install 'drillsim[web]'", 2) from None
    if cafile is not None and not address.startswith("wss://"):
        raise Fail("--cafile is for a server over TLS: give the address as wss://HOST:PORT", 2)
    click.echo(f"browser seats for the drill at {address}: open http://localhost:{port} "
               "(each tab signs in as one seat). Ctrl-C stops.")
    Server(web_command(address, cafile), host="localhost", port=port, title="drillsim drill").serve()


@click.command()
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--speed", type=Number(min=1), default=600.0, show_default=True,
              help="Scenario minutes per real minute, at least 1 (real time, the slowest "
                   "a drill runs: slower, a day's drill would take days or centuries).")
@click.option("--plain", is_flag=True, help="Print the feed as text instead of the full-screen view.")
@secret_option
@with_plugin_options
@with_plugin_modules
def replay(log, speed, plain, secret_file, plugins, disabled, loading) -> None:
    """Play a logged drill back (orders and injects at their times) at any speed."""
    from drillsim.drill.session import DrillSession, check_log_pair

    host = guard(host_for, plugins, disabled, loading)
    guard(check_log_pair, log)  # before asking for the secret
    if not plain:
        need_terminal("replay's full-screen view", "; give --plain to print the feed as text")
    secret, _ = control_secret(secret_file, new=False)
    session = guard(DrillSession.replayer, log, secret, host=host)
    if plain:
        shown = 0
        session.paused = False
        while not session.ended:
            before = session.now
            guard(session.advance, 10.0)
            for item in session.feed[shown:]:
                ref = f"[{item.ref}] " if item.ref else ""
                click.echo(f"{session.clock_text(item.t)}  {item.category:<8} {item.source}: {ref}{item.text}")
            shown = len(session.feed)
            time.sleep((session.now - before) / speed * 60.0 if speed < 1e6 else 0)
        click.echo(f"-- end of the drill ({session.end_reason}) at {session.clock_text()}")
        return
    from drillsim.tui.app import DrillApp

    session.speed = int(speed) if speed >= 1 else 1
    session.paused = False
    DrillApp(session, read_only=True).run()
