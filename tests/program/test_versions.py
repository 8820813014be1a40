"""Published versions and the `live` aliases, for dev and prod (issue #19): what makes a change safe to roll out."""

from __future__ import annotations

import json

import pytest

from components.alias_routing import live_routing, previous_version_arn, version_number

FUNCTION = "aws:lambda/function:Function"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
STATE_MACHINE_ALIAS = "aws:sfn/alias:Alias"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def _task_resources(definition: dict) -> list[str]:
    found = []
    for state in definition["States"].values():
        if state["Type"] == "Task":
            found.append(state.get("Parameters", {}).get("FunctionName") or state["Resource"])
        for branch in state.get("Branches", []):
            found += _task_resources(branch)
    return found


def test_every_handler_publishes_a_version(declared_stack):
    functions = declared_stack.cloud.of_type(FUNCTION)
    assert len(functions) == 6
    assert all(function.inputs.get("publish") is True for function in functions)


def test_snap_start_on_published_versions_in_prod_only(declared_stack):
    snap_starts = [function.inputs.get("snapStart") for function in declared_stack.cloud.of_type(FUNCTION)]
    if declared_stack.name == "prod":
        assert snap_starts == [{"applyOn": "PublishedVersions"}] * 6
    else:
        assert snap_starts == [None] * 6


def test_workflows_invoke_the_function_versions_this_deployment_published(declare_stack):
    stack = declare_stack("dev", published_version=4)
    qualified = {f.outputs["qualifiedArn"] for f in stack.cloud.of_type(FUNCTION)}
    assert all(arn.endswith(":function:" + arn.split(":")[6] + ":4") for arn in qualified)
    for machine in stack.cloud.of_type(STATE_MACHINE):
        invoked = _task_resources(json.loads(machine.inputs["definition"]))
        lambda_arns = [arn for arn in invoked if ":lambda:" in arn]
        assert lambda_arns, machine.name
        assert set(lambda_arns) <= qualified, f"{machine.name} invokes unpublished functions: {lambda_arns}"


def test_state_machine_roles_may_invoke_exactly_those_versions(declare_stack):
    stack = declare_stack("dev", published_version=4)
    qualified = {f.outputs["qualifiedArn"] for f in stack.cloud.of_type(FUNCTION)}
    for policy in stack.cloud.of_type(ROLE_POLICY):
        for statement in policy.policy_statements():
            if "lambda:InvokeFunction" in statement["Action"]:
                resources = statement["Resource"]
                resources = [resources] if isinstance(resources, str) else resources
                assert set(resources) <= qualified, policy.name


def test_state_machines_publish_and_callers_get_the_live_aliases(declared_stack):
    machines = declared_stack.cloud.of_type(STATE_MACHINE)
    assert len(machines) == 3 and all(machine.inputs.get("publish") is True for machine in machines)
    aliases = declared_stack.cloud.of_type(STATE_MACHINE_ALIAS)
    assert sorted(alias.inputs["name"] for alias in aliases) == ["live", "live", "live"]
    outputs = declared_stack.outputs
    for workflow, machine in (("checkout", "checkout"), ("orderValidation", "order-validation")):
        machine_arn = outputs[f"{workflow}StateMachineArn"]
        assert machine_arn.endswith(f":stateMachine:checkout-saga-{machine}-{declared_stack.name}")
        assert outputs[f"{workflow}AliasArn"] == f"{machine_arn}:live"


def test_without_a_canary_the_alias_sends_everything_to_the_newest_version(declare_stack):
    stack = declare_stack("prod", published_version=3)
    for alias in stack.cloud.of_type(STATE_MACHINE_ALIAS):
        (route,) = alias.inputs["routingConfigurations"]
        assert route["weight"] == 100 and route["stateMachineVersionArn"].endswith(":3")


def test_canary_weight_splits_the_checkout_saga_between_the_newest_and_previous_versions(declare_stack):
    stack = declare_stack("dev", {"checkout-saga:canaryWeight": "10"}, published_version=3)
    checkout = stack.cloud.named(STATE_MACHINE_ALIAS, "checkout-live")
    routing = checkout.inputs["routingConfigurations"]
    routes = {route["stateMachineVersionArn"].rsplit(":", 1)[1]: route["weight"] for route in routing}
    assert routes == {"3": 10, "2": 90}
    # Validation has no canary: it is the front door's synchronous check.
    (validation,) = stack.cloud.named(STATE_MACHINE_ALIAS, "order-validation-live").inputs["routingConfigurations"]
    assert validation["weight"] == 100


@pytest.mark.parametrize("weight", ["-1", "101", "ten"])
def test_a_bad_canary_weight_is_refused_naming_the_key(declare_stack, weight):
    with pytest.raises(Exception, match="canaryWeight"):
        declare_stack("dev", {"checkout-saga:canaryWeight": weight})


ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:checkout-saga-checkout-dev"


def test_live_routing():
    assert live_routing(f"{ARN}:1", 10) == [(f"{ARN}:1", 100)]  # nothing before the first version
    assert live_routing(f"{ARN}:5", None) == [(f"{ARN}:5", 100)]
    assert live_routing(f"{ARN}:5", 100) == [(f"{ARN}:5", 100)]
    assert live_routing(f"{ARN}:5", 0) == [(f"{ARN}:4", 100)]
    assert live_routing(f"{ARN}:5", 25) == [(f"{ARN}:5", 25), (f"{ARN}:4", 75)]
    assert version_number(f"{ARN}:12") == 12 and previous_version_arn(f"{ARN}:12") == f"{ARN}:11"
    with pytest.raises(ValueError, match="version ARN"):
        version_number(ARN)
    with pytest.raises(ValueError, match="between 0 and 100"):
        live_routing(f"{ARN}:2", 101)
