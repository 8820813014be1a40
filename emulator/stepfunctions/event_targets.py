"""EventBridge rules deliver to Step Functions targets, as on AWS (extension events-stepfunctions-targets).

moto's rules deliver to CloudWatch Logs, event buses, SQS, archives and API destinations, and raise
NotImplementedError for any other target, a state machine among them. Here a rule's state machine targets start an
execution (unnamed, so a UUID name as AWS gives) whose input is built from the event as EventBridge builds it
(target_input.py: Input, InputPath or InputTransformer, else the whole event); its other targets go to moto as
before. The target's RoleArn is not checked: IAM is not enforced by the emulator. A rule that is DISABLED delivers
nothing. A failed start is logged (AWS would retry it for up to a day, then drop it or dead-letter it).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from moto.events.models import Rule
from moto.stepfunctions.responses import get_backend
from moto.utilities.arns import parse_arn

from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, SourceLine, around
from emulator.stepfunctions.target_input import target_input

LOG = logging.getLogger(__name__)


def is_state_machine(target: dict[str, Any]) -> bool:
    arn = parse_arn(target["Arn"])
    return arn.service == "states" and arn.resource_type == "stateMachine"


def _send_to_targets(original: Any, rule: Rule, event: dict[str, Any], transform_input: bool = True) -> None:
    if rule.state != "ENABLED" or not rule.event_pattern.matches_event(event):  # type: ignore[arg-type]
        return
    machines = [t for t in rule.targets if is_state_machine(t)]
    others = [t for t in rule.targets if not is_state_machine(t)]
    if others:
        for_moto = copy.copy(rule)  # a shallow copy: the rule itself is shared with concurrent requests
        for_moto.targets = others
        original(for_moto, event, transform_input)
    for target in machines:
        arn = parse_arn(target["Arn"])
        try:
            execution_input = target_input(target, event, rule.name, rule.arn)
            backend: Any = get_backend(arn.account, arn.region)  # unnamed: sfn-start-execution names it
            backend.start_execution(target["Arn"], None, execution_input)
        except Exception:
            LOG.exception("rule %s could not start %s", rule.name, target["Arn"])


EXTENSION = MotoExtension(
    name="events-stepfunctions-targets",
    kind=Kind.FIDELITY,
    purpose="EventBridge rules start Step Functions executions (Input/InputPath/InputTransformer as AWS applies them)",
    module=__name__,
    seams=(
        Signature(Rule, "send_to_targets", ("self", "original_event", "transform_input")),
        SourceLine(Rule, "send_to_targets", "if not self.event_pattern.matches_event(original_event):"),
        SetsAttributes(Rule, "__init__", ("name", "state", "targets", "event_pattern")),
    ),
    install=lambda: around(Rule, "send_to_targets", _send_to_targets),
)
