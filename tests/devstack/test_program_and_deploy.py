"""The Pulumi program as devstack runs it: stack config as the engine passes it, and a deploy that refuses what
the emulator cannot create (naming it) rather than skipping it. No emulator needed: both fail before a request."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.deploy import UnsupportedResourceError, deploy
from devstack.program import StackConfigError, project_name, stack_config


def tiny_project(directory: Path, program: str, config: str = "config:\n  aws:region: eu-west-1\n") -> Path:
    (directory / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(config)
    (directory / "__main__.py").write_text(program)
    return directory


def test_an_unsupported_resource_is_reported_by_name(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, 'import pulumi_aws as aws\naws.s3.Bucket("receipts")\n')

    with pytest.raises(UnsupportedResourceError, match=r"'receipts' of type aws:s3/bucket:Bucket"):
        deploy("http://127.0.0.1:9", "dev", project_dir=project)


def test_an_unknown_stack_lists_the_stacks_there_are() -> None:
    with pytest.raises(StackConfigError, match=r"no stack file Pulumi.staging.yaml; stacks in .*: dev, prod"):
        deploy("http://127.0.0.1:9", "staging")


def test_config_values_reach_the_program_as_strings_as_the_engine_passes_them(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "", "config:\n  tiny:retries: 3\n  tiny:strict: true\n  aws:region: eu-west-1\n")

    assert stack_config("dev", project) == {"tiny:retries": "3", "tiny:strict": "true", "aws:region": "eu-west-1"}
    assert project_name(project) == "tiny"


def test_the_real_stacks_name_their_region() -> None:
    assert stack_config("dev")["aws:region"] == stack_config("prod")["aws:region"] == "eu-west-1"
