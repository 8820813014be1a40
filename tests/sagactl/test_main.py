"""The CLI's shape: every subcommand mounted and documented; the parser alone loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sagactl.__main__ import build_parser

REPO = Path(__file__).resolve().parents[2]
SUBCOMMANDS = [
    ["serve"], ["demo"], ["executions"], ["trace"], ["faults"], ["faults", "set"], ["faults", "list"],
    ["faults", "clear"], ["check"], ["chaos"], ["recover"], ["fuzz"], ["cost"], ["http"], ["rollout"],
]  # fmt: skip


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_its_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: sagactl {' '.join(command)}")


def test_the_top_level_help_names_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    listed = capsys.readouterr().out
    assert all(f"python -m sagactl {command[0]}" in listed for command in SUBCOMMANDS)


def test_the_cli_loads_no_deployer_no_emulator_and_no_hypothesis_until_a_command_needs_them() -> None:
    """`trace` on AWS needs boto3 alone: the Pulumi SDK, moto and hypothesis load inside the commands that use them."""
    probe = (
        "import sys, sagactl.__main__ as m; m.build_parser(); "
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'pulumi', 'moto', 'hypothesis', 'werkzeug'}))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
