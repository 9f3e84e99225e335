"""The office day of docs/operations.md ("The office day, as a transcript"), replayed command by
command against a real server over HTTPS on SQLite and PostgreSQL: every command's output must
be the one the document shows, so the document and the program cannot drift apart.

The transcript's rules (also stated in the document):
- a command line starts with who types it and `$ ` (`office$ `, `aiko$ `); a line ending in
  ` \\` goes on in the next one; a command ending in ` &` is the server, started in the
  background; every other line up to the next command is what the command prints (standard
  output and standard error, in order);
- `$PORT`, `$SERVER` and `$MARUGOTO_SYNC_DATABASE` come from the shell (the test gives a free
  loopback port and a fresh database);
- in output, `<TIME>` is a date and time (`2026-04-01 17:30`); any other `<NAME>` is a value
  (no spaces) that is the same wherever NAME appears again, in later output or in a command,
  where it stands for that value; a run of spaces matches any run of spaces;
- `(exit status N)` as the last output line: the command fails with status N (every other
  command must succeed).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
SECTION = "The office day, as a transcript"
# The venv's installed commands, as a person's shell finds them.
BIN = Path(sys.executable).parent

COMMAND = re.compile(r"^[a-z]+\$ (?P<command>.*)$")
PLACEHOLDER = re.compile(r"<(?P<name>[A-Z][A-Z0-9-]*)>")
EXIT = re.compile(r"^\(exit status (?P<status>\d+)\)$")
TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d"
COMMAND_TIMEOUT_S = 120  # a hung command fails the test instead of hanging the run


@dataclass
class Step:
    line: int  # in docs/operations.md
    command: str
    expected: list[str]


def transcript(text: str) -> list[Step]:
    """The commands of the section's ```console blocks, each with the lines it prints."""
    lines = text.splitlines()
    heading = next(
        (i for i, line in enumerate(lines) if line.startswith("## ") and SECTION in line), None
    )
    assert heading is not None, f"docs/operations.md has no section {SECTION!r}"
    steps: list[Step] = []
    in_block = False
    continued = False
    for number, line in enumerate(lines[heading + 1 :], start=heading + 2):
        if line.startswith("## "):
            break
        if line.startswith("```"):
            in_block = line.strip() == "```console" if not in_block else False
            continued = False
            continue
        if not in_block:
            continue
        if continued:
            steps[-1].command += "\n" + line
        elif match := COMMAND.match(line):
            steps.append(Step(number, match["command"], []))
        else:
            assert steps, f"line {number}: output before any command"
            steps[-1].expected.append(line)
        continued = steps[-1].command.endswith("\\") and not steps[-1].expected
    return steps


def _fill(text: str, bound: dict[str, str]) -> str:
    """A command with each <NAME> replaced by the value it stood for in earlier output."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in bound, f"{match[0]} is used before any output showed it"
        return bound[name]

    return PLACEHOLDER.sub(value, text)


def _literal(text: str) -> str:
    """`text` as a pattern in which a run of spaces matches any run of spaces."""
    return " +".join(re.escape(piece) for piece in re.split(r" +", text))


def _pattern(expected: str, bound: dict[str, str], seen: set[str]) -> str:
    parts: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(expected):
        parts.append(_literal(expected[position : match.start()]))
        name = match["name"]
        if name == "TIME":
            parts.append(TIME)
        elif name in bound:
            parts.append(re.escape(bound[name]))
        elif name in seen:
            parts.append(f"(?P={name.replace('-', '_')})")
        else:
            parts.append(f"(?P<{name.replace('-', '_')}>\\S+)")
            seen.add(name)
        position = match.end()
    parts.append(_literal(expected[position:]))
    return "".join(parts)


def compare(step: Step, output: str, bound: dict[str, str]) -> None:
    """Asserts `output` is what the transcript shows; binds the new <NAME>s."""
    actual = output.splitlines()
    message = (
        f"docs/operations.md line {step.line}: `{step.command}` printed\n{output}\n"
        "but the transcript shows\n" + "\n".join(step.expected)
    )
    assert len(actual) == len(step.expected), message
    for want, got in zip(step.expected, actual, strict=True):
        seen: set[str] = set()
        match = re.fullmatch(_pattern(want, bound, seen), got)
        assert match is not None, message + f"\n(first difference: {got!r} against {want!r})"
        for name in seen:
            bound[name] = match[name.replace("-", "_")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The servers the transcript starts in the background, stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # a hung server must not hang the run
                process.wait()


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


def test_the_office_day_in_operations_md_is_what_the_commands_print(
    database_url: str, tmp_path: Path, servers: list[subprocess.Popen[bytes]]
) -> None:
    steps = transcript(OPERATIONS.read_text(encoding="utf-8"))
    assert len(steps) > 20, "the transcript lost its commands"
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MARUGOTO_")},
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PORT": str(port),
        "SERVER": f"https://127.0.0.1:{port}",
        "MARUGOTO_SYNC_DATABASE": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    bound: dict[str, str] = {}
    for step in steps:
        command = _fill(step.command, bound)
        if command.endswith("&"):
            assert not step.expected, f"line {step.line}: a background command prints nothing here"
            process = subprocess.Popen(
                ["bash", "-c", "exec " + command[:-1]],
                cwd=tmp_path,
                env=environment,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its process group is stopped at the end
            )
            servers.append(process)
            _wait_for(port, process)
            continue
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
        output = done.stdout.decode("utf-8")
        expected_status = 0
        if step.expected and (exit_line := EXIT.match(step.expected[-1])):
            expected_status = int(exit_line["status"])
            step = Step(step.line, step.command, step.expected[:-1])
        assert done.returncode == expected_status, (
            f"docs/operations.md line {step.line}: `{command}` exited with "
            f"{done.returncode}, not {expected_status}:\n{output}"
        )
        compare(step, output, bound)
