"""Every option that names an output file or folder, as a user meets it.

- ``-`` is standard output where the output is text a pipe can take (``run --events``,
  ``--json``, ``--report``; the ``--json`` of ``coverage``, ``optimise``, ``sensitivity``,
  ``size``): the very bytes the file would hold, and nothing else there (the table is
  left out, as ``plan --json -`` always did). It used to write a file named ``-``.
- Where standard output cannot take the output (a database, an image, a folder of files,
  a drill's log while its screens hold the terminal), ``-`` is refused, saying why;
  ``./-`` names a file called ``-``.
- A device or named pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is written into, not
  replaced by a renamed temp file.
- A reader that stops early (``| head``) and a log file that cannot be written (a full
  disk) end the run in one line naming the output, exit status 1 — not "plugin failed".
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click
import pytest

from drillsim.cli.main import COMMANDS, main
from drillsim.cli.support import OutputFile, OutputFolder

from .conftest import invoke


RUN = ("run", "scenarios/valid.yaml", "-n", 2)


@pytest.mark.parametrize("option", ["--events", "--json", "--report"])
def test_dash_is_standard_output_with_the_files_bytes_and_nothing_else(corpus, option):
    to_file = invoke(*RUN, "-q", option, "out")
    assert to_file.exit_code == 0, to_file.output
    piped = invoke(*RUN, option, "-")      # not --quiet: the table still stays off stdout
    assert piped.exit_code == 0, piped.output
    assert piped.stdout_bytes == Path("out").read_bytes()
    assert piped.stderr == ""                # and no "… written to -"
    assert not Path("-").exists()
    if option == "--events":                 # one JSON object a line, run_started first
        lines = piped.stdout_bytes.decode().splitlines()
        assert json.loads(lines[0])["kind"] == "run_started" and len(lines) > 10


def test_the_table_still_prints_when_outputs_go_to_files(corpus):
    result = invoke(*RUN, "--events", "out.jsonl")
    assert "Verdict:" in result.stdout and result.stderr == "events written to out.jsonl\n"


def test_two_outputs_on_standard_output_are_refused(corpus):
    result = invoke(*RUN, "--json", "-", "--events", "-")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == ("- (--events): --json writes to standard output already; "
                                     "give one of them a file; nothing was run")


@pytest.mark.parametrize("name", ["out.yaml.", "run.json ", "report.md .", "scenarios/valid.yaml."])
def test_an_output_name_ending_in_a_space_or_a_dot_is_refused(corpus, name):
    # Windows drops them: out.yaml. would be out.yaml there (read as a scenario), and
    # scenarios/valid.yaml. the run's own scenario
    result = invoke(*RUN, "-q", "--json", name)
    assert result.exit_code == 2 and not Path(name).exists()
    assert result.stderr.strip() == (f"{name} (--json): the file name ends in a space or a dot, which "
                                     "Windows drops (it would write a file of another name); leave it "
                                     "out; nothing was run")


@pytest.mark.parametrize("args", [
    ("results", "x.db", "--plots", "plots."),
    ("results", "x.db", "--plots", "plots "),
    ("results", "x.db", "--plots", "out/plots./"),
    ("sensitivity", "scenarios/valid.yaml", "--plot", "tornado. "),
    ("new-scenario", "x", "--dir", "new."),
])
def test_an_output_folder_ending_in_a_space_or_a_dot_is_refused(corpus, args):
    # as a file's: Windows drops them, so plots. is plots there (results --plots wrote
    # into 'plots.' and 'plots ' before)
    result = invoke(*args)
    assert result.exit_code == 2 and not Path(args[-1]).exists()
    assert "the folder name ends in a space or a dot, which Windows drops" in result.output


@pytest.mark.parametrize("folder", ["plots/.", "./plots", "out/./plots/"])
def test_a_folder_named_with_dots_along_its_path_is_taken(folder):
    from drillsim.cli.support import OutputFolder
    assert OutputFolder().convert(folder, None, None) == Path(folder)


def test_dot_slash_dash_is_a_file_called_dash(corpus):
    result = invoke(*RUN, "-q", "--json", "./-")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(Path("-").read_text())["scenario"] == "valid mini scenario"


def test_coverage_json_to_standard_output(corpus):
    piped = invoke("coverage", "scenarios/valid.yaml", "--json", "-")
    written = invoke("coverage", "scenarios/valid.yaml", "-q", "--json", "cov.json")
    assert piped.exit_code == written.exit_code == 0
    assert piped.stdout_bytes == Path("cov.json").read_bytes()
    assert piped.stderr == ""


@pytest.mark.parametrize("args, message", [
    (("batch", "scenarios/sweeps/valid.yaml", "--db", "-"), "'-' (standard output) cannot take a "
     "SQLite database; name a file (./- for a file called -)"),
    (("results", "x.db", "--export", "-"), "'-' (standard output) cannot take an export"),
    (("results", "x.db", "--plots", "-"), "'-' (standard output) cannot take a folder of files"),
    (("coverage", "scenarios/valid.yaml", "--map", "-"), "cannot take an image"),
    (("size", "scenarios/valid.yaml", "--plot", "-"), "cannot take an image"),
    (("sensitivity", "scenarios/valid.yaml", "--plot", "-"), "cannot take a folder of files"),
    (("drill", "play", "scenarios/valid.yaml", "--log", "-"), "cannot take a drill's log"),
    (("drill", "play", "scenarios/valid.yaml", "--review", "-"), "cannot take the review"),
    (("new-scenario", "x", "--dir", "-"), "cannot take a folder of files"),
    (("new-plugin", "x", "--dir", "-"), "cannot take a folder of files"),
])
def test_dash_where_standard_output_cannot_take_it_is_refused(corpus, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert not Path("-").exists()


def _commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, prefix + (name,))
        else:
            yield prefix + (name,), command


WRITES = ("write", "draw", "where to", "drill log", "sqlite database", "folder to")


def test_every_output_option_says_what_dash_means():
    """An option that writes (its help says so) takes OutputFile or OutputFolder, so ``-``
    is standard output or refused, never a file named ``-``; inputs keep click.Path."""
    ctx = click.Context(main)
    outputs = []
    for names, command in _commands(main, ctx):
        for param in command.params:
            if not isinstance(param, click.Option) or not isinstance(param.type, click.Path):
                continue
            help_text = (param.help or "").lower()
            if any(w in help_text for w in WRITES) and "read" not in help_text.split(":")[0]:
                outputs.append((" ".join(names), param.opts[0]))
                assert isinstance(param.type, (OutputFile, OutputFolder)), (names, param.opts)
    # the list is complete: each of these writes a file or folder the user names
    assert set(outputs) >= {("run", "--json"), ("run", "--events"), ("run", "--report"),
                            ("batch", "--db"), ("results", "--export"), ("results", "--plots"),
                            ("coverage", "--json"), ("coverage", "--map"), ("optimise", "--json"),
                            ("sensitivity", "--json"), ("sensitivity", "--plot"), ("size", "--json"),
                            ("size", "--plot"), ("drill play", "--log"), ("drill play", "--review"),
                            ("drill serve", "--log"), ("drill serve", "--review")}
    assert len(COMMANDS) >= 17


# ------------------------------------------------------------- devices and named pipes
def test_a_named_pipe_is_written_into_not_replaced(corpus):
    expected = invoke(*RUN, "-q", "--events", "file.jsonl")
    assert expected.exit_code == 0
    os.mkfifo("pipe")
    got = []
    reader = threading.Thread(target=lambda: got.append(Path("pipe").read_bytes()), daemon=True)
    reader.start()
    result = invoke(*RUN, "-q", "--events", "pipe")
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)     # a rename would have made it a file
    assert got == [Path("file.jsonl").read_bytes()]


def test_dev_null_takes_two_outputs(corpus):
    result = invoke(*RUN, "-q", "--events", os.devnull, "--json", os.devnull)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# ------------------------------------------------------------------- failures writing
def test_a_reader_that_stops_early_ends_the_run_in_one_line(corpus):
    drillsim = str(Path(sys.executable).parent / "drillsim")
    proc = subprocess.Popen([drillsim, "run", "scenarios/valid.yaml", "-n", "200", "--events", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                      # as `| head -1` does
    error = proc.stderr.read().decode()
    assert proc.wait(60) == 1
    assert json.loads(first)["kind"] == "run_started"
    assert error == "standard output was closed before everything was written (the reader stopped)\n"


@pytest.mark.parametrize("command", [("run", "scenarios/valid.yaml", "-n", "2"),
                                     ("calc", "erlang-b", "--load", "10", "--units", "15")],
                         ids=["run's scorecard", "calc's table"])
def test_a_table_printed_to_a_closed_pipe_ends_in_one_line(corpus, command):
    """A table rich prints (the scorecard, a calculator's) to a pipe whose reader is gone:
    rich's console ended the process with exit status 1 and said nothing (its
    ``on_broken_pipe``); the reader is closed before drillsim starts, so every write
    fails, whenever it is made."""
    drillsim = str(Path(sys.executable).parent / "drillsim")
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([drillsim, *command], check=False, stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 1
    assert proc.stderr.decode() == ("standard output was closed before everything was written "
                                    "(the reader stopped)\n")


def test_a_full_disk_under_the_event_log_is_not_a_plugin_failure(corpus, monkeypatch):
    import drillsim.cli.run as run_cli

    class Full:
        written = 0

        def write(self, text):
            self.written += 1
            if self.written > 20:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    @contextmanager
    def full_disk(path, keep_on=()):
        yield Full()

    monkeypatch.setattr(run_cli, "open_output", full_disk)
    result = invoke(*RUN, "-q", "--events", "events.jsonl")
    assert result.exit_code == 1
    assert result.output == "events.jsonl: cannot write: No space left on device\n"


# ----------------------------------------- links, unbuffered stdout, reviews, plugin names
def test_an_output_through_a_symbolic_link_is_written_where_it_points(corpus):
    # `--json /dev/stdout` with stdout redirected to a file: the link stays a link (as
    # root a renamed temp file replaced the machine's /dev/stdout) and its target gets
    # the output; here a link to a file kept elsewhere
    (corpus / "kept").mkdir()
    target = corpus / "kept" / "score.json"
    target.write_text("old")
    link = corpus / "link.json"
    link.symlink_to(target)
    result = invoke("run", "scenarios/valid.yaml", "-n", 2, "-q", "--json", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text())["scenario"]


def test_unbuffered_standard_output_gets_everything(monkeypatch):
    # under python -u (PYTHONUNBUFFERED) stdout's buffer is the raw file, whose write may
    # take part of what it is given (a pipe takes 64 KiB): all of it must arrive
    import io

    from drillsim.cli.support import _standard_output

    class Trickle(io.RawIOBase):
        """A raw stream taking at most 1,000 bytes per write, as a full pipe does."""

        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            n = min(len(b), 1000)
            self.data += bytes(b[:n])
            return n

    raw = Trickle()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8", write_through=True))
    text = "x" * 100_000 + "\n"
    with _standard_output() as out:
        out.write(text)
    assert raw.data.decode() == text


def test_a_review_is_markdown_so_it_never_replaces_an_input(corpus):
    # a pack's scenario (two folders up), its region and plan: none can be named as the
    # review, whatever folder it is in, since the review must be a .md file
    for command in (["drill", "play", "scenarios/valid.yaml"], ["drill", "serve", "scenarios/valid.yaml"]):
        result = invoke(*command, "--review", "scenarios/regions/mini.yaml")
        assert result.exit_code == 2
        assert ("'scenarios/regions/mini.yaml': name a file ending .md or .markdown (the review "
                "is Markdown; its HTML copy goes beside it)") in result.output


def test_two_plugin_modules_of_one_name_are_refused():
    result = invoke("plugins", "--plugin-module", "x=math", "--plugin-module", "x=os")
    assert result.exit_code == 2
    assert "two modules are named 'x' (math and os); give each plugin its own name" in result.output
