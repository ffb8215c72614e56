"""CLI start-up: area modules load on first use, so normalizing a phrase does not load the engine or the store."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click

from matcher.cli import AREA_OF_COMMAND


def test_every_command_is_mapped_to_the_module_that_registers_it():
    for area in set(AREA_OF_COMMAND.values()):
        group = click.Group()
        importlib.import_module(f"matcher.cli.{area}").register(group)
        assert dict.fromkeys(group.commands, area) == {n: a for n, a in AREA_OF_COMMAND.items() if a == area}


def test_normalizing_a_phrase_loads_neither_the_engine_nor_the_store():
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from matcher.cli import main\n"
        "result = CliRunner().invoke(main, ['skills', 'normalize', 'forklift', '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = [m for m in ('sqlalchemy', 'matcher.engine', 'matcher.store', 'sklearn', 'scipy.sparse')"
        " if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "HEAVY:\n" in out or out.strip().endswith("HEAVY:"), out


def test_help_still_lists_every_command():
    from click.testing import CliRunner

    from matcher.cli import main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in AREA_OF_COMMAND:
        assert name in result.output
