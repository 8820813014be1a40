"""Run the real Pulumi program (`__main__.py`, unchanged) in-process on the SDK's mock engine.

Whatever `pulumi.runtime.Mocks` is given decides what "creating" a resource means: the unit tests record
resources, the emulator deployer creates them on the local AWS emulator. The program cannot tell.
"""

from __future__ import annotations

import contextvars
import json
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROJECT_DIR = Path(__file__).resolve().parent.parent


class StackConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ProgramRun:
    project: str
    stack: str
    outputs: dict[str, Any]
    # Every resource object the program constructed, components included, in order: what the engine alone would
    # see (e.g. each resource's effective `protect`, which `pulumi.runtime.Mocks` is not told).
    resources: list[pulumi.Resource] = field(default_factory=list)


def project_name(project_dir: Path = PROJECT_DIR) -> str:
    return str(yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"])


def stack_config(stack: str, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """The `config:` of Pulumi.<stack>.yaml as the engine passes it: every value a string, structured values (maps,
    lists) as JSON text, which `pulumi.Config.get_object` parses."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        stacks = sorted(p.stem.removeprefix("Pulumi.") for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackConfigError(f"no stack file {path.name}; stacks in {project_dir}: {', '.join(stacks)}")
    document = yaml.safe_load(path.read_text()) or {}
    config = document.get("config") or {}
    return {key: value if isinstance(value, str) else _yaml_scalar(value) for key, value in config.items()}


def run_program(
    mocks: pulumi.runtime.Mocks,
    stack: str,
    project_dir: Path = PROJECT_DIR,
    config_overrides: dict[str, str] | None = None,
) -> ProgramRun:
    """Run the program for `stack` against `mocks`; return the stack outputs once every resource resolved."""
    project = project_name(project_dir)
    config = {**stack_config(stack, project_dir), **(config_overrides or {})}
    # A fresh context per run: the SDK keeps the root stack resource in a ContextVar.
    return contextvars.Context().run(_run, mocks, project, stack, config, project_dir)


def _run(
    mocks: pulumi.runtime.Mocks, project: str, stack: str, config: dict[str, str], project_dir: Path
) -> ProgramRun:
    pulumi.runtime.set_all_config(config)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    root = pulumi_settings.get_root_resource()
    main = str(project_dir / "__main__.py")
    constructed: list[pulumi.Resource] = []

    def record(args: pulumi.ResourceTransformationArgs) -> None:
        constructed.append(args.resource)  # changes nothing: the resource is built as the program declared it

    def program() -> None:
        pulumi.runtime.register_stack_transformation(record)
        runpy.run_path(main, run_name="__main__")

    _sync_await(run_pulumi_func(program))
    exports = getattr(root, "outputs", {})  # the root is a pulumi Stack, which collects `pulumi.export`s
    outputs = _sync_await(pulumi.Output.from_input(exports).future()) or {}
    return ProgramRun(project=project, stack=stack, outputs=dict(outputs), resources=constructed)


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
