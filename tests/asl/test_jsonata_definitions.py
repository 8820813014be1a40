"""The three workflows written in JSONata: the JSONPath definitions' structure (tests/asl/test_*_definition.py), with
variables instead of ResultPath plumbing, and the JSONPath stack-trace stripping done by expressions (evaluated here
with the emulator's engine)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from statelint.linter import Linter

from asl.checkout_saga import CHECKOUT_SAGA
from asl.durations import worst_case_seconds
from asl.policies import RetryPolicy, SagaTiming
from asl.rollback_builder import build_rollback_definition, rollback_input
from asl.saga_builder import build_saga_definition
from asl.validation_builder import build_validation_definition
from devstack.definitions import definition_problems
from emulator.stepfunctions.jsonata.engine import evaluate

ARNS = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in CHECKOUT_SAGA.functions}
DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-dlq"
TIMING = SagaTiming(in_progress_retry=RetryPolicy(interval_seconds=2, max_attempts=6, backoff_rate=1.0, jitter=False))
COMMITTED = CHECKOUT_SAGA.committed_error
STEP_ARGUMENTS = {"order": "{% $order %}", "results": "{% $results %}"}
# A Python function's error as Lambda reports it: the Cause is the runtime's JSON error object, stack trace included.
FUNCTION_ERROR = {
    "Error": "KeyError",
    "Cause": json.dumps({"errorMessage": "'sku'", "errorType": "KeyError", "requestId": "r-1",
                         "stackTrace": ['  File "/var/task/handler.py", line 3, in handler\n']}),
}


def build(kind: str, language: str) -> dict[str, Any]:
    if kind == "saga":
        return build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, TIMING, language)  # type: ignore[arg-type]
    if kind == "rollback":
        return build_rollback_definition(CHECKOUT_SAGA, ARNS, DLQ, TIMING, language)  # type: ignore[arg-type]
    return build_validation_definition(CHECKOUT_SAGA.validation, ARNS["validate_order"], TIMING,
                                       language)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def saga() -> dict[str, Any]:
    return build("saga", "JSONata")


@pytest.fixture(scope="module")
def rollback() -> dict[str, Any]:
    return build("rollback", "JSONata")


@pytest.fixture(scope="module")
def validation() -> dict[str, Any]:
    return build("validation", "JSONata")


def expression(value: str) -> str:
    assert value.startswith("{%") and value.endswith("%}"), value
    return value[2:-2].strip()


def evaluated(value: str, **variables: Any) -> Any:
    outcome = evaluate(expression(value), variables)
    assert outcome.defined, value
    return outcome.value


@pytest.mark.parametrize("kind", ["saga", "rollback", "validation"])
def test_every_workflow_is_jsonata_and_valid_as_aws_checks_it(kind):
    definition = build(kind, "JSONata")
    assert definition["QueryLanguage"] == "JSONata"
    assert Linter.validate(json.dumps(definition)) == [] and definition_problems(definition) == []
    jsonpath_fields = {"Parameters", "ResultPath", "ResultSelector", "InputPath", "OutputPath", "CausePath"}
    for name, state in definition["States"].items():
        assert not jsonpath_fields & set(state), name
        for catcher in state.get("Catch", []):
            assert "ResultPath" not in catcher, name


@pytest.mark.parametrize("kind", ["saga", "rollback", "validation"])
def test_tasks_retries_and_catches_are_the_jsonpath_definitions_own(kind):
    """One structure, two languages: every Task (its function, timeout, retries and what it catches) and every end."""
    jsonata, jsonpath = build(kind, "JSONata")["States"], build(kind, "JSONPath")["States"]
    tasks = {n for n, s in jsonpath.items() if s["Type"] == "Task"}
    assert tasks == {n for n, s in jsonata.items() if s["Type"] == "Task"}
    for name in tasks:
        for field in ("Resource", "TimeoutSeconds", "Retry"):
            assert jsonata[name][field] == jsonpath[name][field], (name, field)
        assert [c["ErrorEquals"] for c in jsonata[name].get("Catch", [])] == [
            c["ErrorEquals"] for c in jsonpath[name].get("Catch", [])
        ], name
    ends = [{n: s.get("Error") for n, s in states.items() if s["Type"] in ("Fail", "Succeed")}
            for states in (jsonata, jsonpath)]
    assert ends[0].keys() == ends[1].keys()
    # ValidationFailed fails with the failure's own error: an ErrorPath in JSONPath, an expression in JSONata.
    assert {n: e for n, e in ends[0].items() if n != "ValidationFailed"} == {
        n: e for n, e in ends[1].items() if n != "ValidationFailed"
    }
    assert set(jsonata) <= set(jsonpath)  # fewer states: no explaining or stripping Pass/Choice states


def test_happy_path_is_one_state_per_business_step_and_outputs_the_last_result(saga, walk):
    assert walk(saga) == ["ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder"]
    confirm = saga["States"]["ConfirmOrder"]
    assert confirm["End"] is True
    assert "Output" not in confirm and "Assign" not in confirm  # the output is $states.result, the confirmation


def test_every_step_receives_the_jsonpath_payload_and_keeps_its_result_in_results(saga):
    validate = saga["States"]["ValidateOrder"]
    assert validate["Arguments"] == "{% $states.input %}"
    assert validate["Assign"] == {"order": "{% $states.result %}", "results": {}}
    for name in ("ProcessPayment", "ReserveInventory", "ConfirmOrder", "RefundPayment", "ReleaseInventory"):
        state = saga["States"][name]
        assert state["Arguments"] == STEP_ARGUMENTS, name
        if name != "ConfirmOrder":
            kept = evaluated(state["Assign"]["results"], results={"Earlier": {"id": 1}}, states={"result": {"id": 2}})
            assert kept == {"Earlier": {"id": 1}, name: {"id": 2}}, name


def test_catches_keep_the_failure_in_a_variable(saga):
    for name, state in saga["States"].items():
        for catcher in state.get("Catch", []):
            (variable,) = catcher["Assign"]
            expected = "compensationFailure" if name in ("RefundPayment", "ReleaseInventory") else "failure"
            assert catcher["Assign"] == {expected: "{% $states.errorOutput %}"} and variable == expected, name


@pytest.mark.parametrize(
    "errors, ending",
    [
        ({"ValidateOrder": "InvalidOrderException"}, ["ValidateOrder", "OrderInvalid"]),
        ({"ValidateOrder": "Sandbox.Timedout"}, ["ValidateOrder", "CheckoutFailed"]),
        ({"ProcessPayment": "PaymentDeclinedException"}, ["ProcessPayment", "PaymentDeclined"]),
        ({"ReserveInventory": "InventoryDepletedException"},
         ["ReserveInventory", "RefundPayment", "RollbackOutcome", "OutOfStock"]),
        ({"ConfirmOrder": "States.Timeout"},
         ["ConfirmOrder", "ReleaseInventory", "RefundPayment", "RollbackOutcome", "CheckoutFailed"]),
        # A crash after the charge leaves its effect unknown: the idempotent refund runs anyway.
        ({"ProcessPayment": "Sandbox.Timedout"},
         ["ProcessPayment", "RefundPayment", "RollbackOutcome", "CheckoutFailed"]),
        ({"ConfirmOrder": "KeyError", "ReleaseInventory": "RefundRejected"},
         ["ReleaseInventory", "EscalateReleaseInventory", "CompensationFailed"]),
        ({"ConfirmOrder": "States.Timeout", "RefundPayment": "States.TaskFailed"},
         ["RefundPayment", "EscalateRefundPayment", "CompensationFailed"]),
    ],
)
def test_every_saga_path(saga, walk, errors, ending):
    path = walk(saga, errors)
    assert path[-len(ending):] == ending


def test_business_failures_show_the_error_message_not_the_stack_trace(saga):
    for outcome in ("OrderInvalid", "PaymentDeclined", "OutOfStock"):
        state = saga["States"][outcome]
        assert (state["Type"], state["Error"]) == ("Fail", outcome)
        assert evaluated(state["Cause"], failure=FUNCTION_ERROR) == "'sku'"


def test_checkout_failed_shows_the_failure_without_its_stack_trace_as_jsonpath_does(saga):
    cause = saga["States"]["CheckoutFailed"]["Cause"]
    stripped = json.loads(evaluated(cause, failure=FUNCTION_ERROR))
    assert stripped == {"Error": "KeyError", "Cause": {"errorType": "KeyError", "errorMessage": "'sku'"}}
    assert list(stripped) == ["Error", "Cause"] and list(stripped["Cause"]) == ["errorType", "errorMessage"]
    # Causes without a stack trace (service errors, timeouts: plain text), or none at all, pass as they are.
    timeout = {"Error": "States.Timeout", "Cause": "Task timed out after 30 s"}
    assert json.loads(evaluated(cause, failure=timeout)) == timeout
    assert json.loads(evaluated(cause, failure={"Error": "States.Timeout"})) == {"Error": "States.Timeout"}


def test_a_dead_letter_has_the_jsonpath_fields_and_no_stack_trace(saga):
    jsonpath = build("saga", "JSONPath")["States"]["EscalateRefundPayment"]["Parameters"]
    escalation = saga["States"]["EscalateRefundPayment"]
    assert escalation["Resource"] == "arn:aws:states:::sqs:sendMessage" and escalation["Next"] == "CompensationFailed"
    assert escalation["Arguments"]["QueueUrl"] == jsonpath["QueueUrl"] == DLQ
    message = escalation["Arguments"]["MessageBody"]
    assert list(message) == [key.removesuffix(".$") for key in jsonpath["MessageBody"]]
    assert (message["failedCompensation"], message["pendingCompensations"]) == ("RefundPayment", ["RefundPayment"])
    assert message["executionArn"] == "{% $states.context.Execution.Id %}"
    assert message["orderId"] == "{% $order.order_id %}"
    variables = {"failure": FUNCTION_ERROR, "compensationFailure": {**FUNCTION_ERROR, "Error": "RefundRejected"}}
    assert evaluated(message["originalFailure"], **variables)["Cause"] == {"errorType": "KeyError",
                                                                          "errorMessage": "'sku'"}
    assert evaluated(message["error"], **variables)["Error"] == "RefundRejected"


def test_the_rollback_reads_the_sagas_input_into_variables(rollback):
    read = rollback["States"]["ReadOriginalOrder"]
    given = rollback_input(json.dumps({"order_id": "o-1"}), "arn:execution", "TIMED_OUT")
    assigned = {name: value if isinstance(value, dict) and not value else
                evaluated(value, states={"input": given}) if isinstance(value, str) else
                {key: evaluated(part, states={"input": given}) for key, part in value.items()}
                for name, value in read["Assign"].items()}
    assert assigned == {
        "order": {"order_id": "o-1"}, "originExecutionArn": "arn:execution", "reason": "TIMED_OUT", "results": {},
        "failure": {"Error": "TIMED_OUT", "Cause": "execution arn:execution ended without its compensations"},
    }
    validate = rollback["States"]["ValidateOrder"]
    assert (validate["Arguments"], validate["Assign"]) == ("{% $order %}", {"order": "{% $states.result %}"})


@pytest.mark.parametrize(
    "errors, ending",
    [
        ({}, ["ReadOriginalOrder", "ValidateOrder", "ReleaseInventory", "RefundPayment", "RolledBack"]),
        ({"ReleaseInventory": COMMITTED}, ["ReleaseInventory", "PastThePivot"]),
        ({"ValidateOrder": "InvalidOrderException"}, ["ValidateOrder", "NothingToUndo"]),
        ({"ValidateOrder": "Lambda.ServiceException"}, ["ValidateOrder", "EscalateReleaseInventory",
                                                        "CompensationFailed"]),
        ({"RefundPayment": "States.TaskFailed"}, ["RefundPayment", "EscalateRefundPayment", "CompensationFailed"]),
    ],
)
def test_every_rollback_path(rollback, walk, errors, ending):
    path = walk(rollback, errors)
    assert path[-len(ending):] == ending


def test_the_rollback_ends_with_the_jsonpath_outputs_and_dead_letters(rollback, saga):
    states = rollback["States"]
    assert states["RolledBack"]["Output"] == "{% $results %}"
    data = ["order", "originExecutionArn", "reason", "results", "failure", "compensationFailure"]
    for end in ("PastThePivot", "NothingToUndo"):
        assert states[end]["Output"] == {key: f"{{% ${key} %}}" for key in data}
    for compensation in ("ReleaseInventory", "RefundPayment"):
        # The saga's own compensation: the same function, payload (hence idempotency key) and kept result.
        for field in ("Resource", "Arguments", "Assign"):
            assert states[compensation][field] == saga["States"][compensation][field], (compensation, field)
    message = states["EscalateRefundPayment"]["Arguments"]["MessageBody"]
    assert (message["originExecutionArn"], message["reason"]) == ("{% $originExecutionArn %}", "{% $reason %}")


def test_validation_outputs_the_normalized_order_or_fails_with_the_errors(validation, walk):
    assert walk(validation) == ["ValidateOrder"]
    assert walk(validation, {"ValidateOrder": "InvalidOrderException"}) == ["ValidateOrder", "OrderInvalid"]
    assert walk(validation, {"ValidateOrder": "KeyError"}) == ["ValidateOrder", "ValidationFailed"]
    failed = validation["States"]["ValidationFailed"]
    assert evaluated(failed["Error"], failure=FUNCTION_ERROR) == "KeyError"
    assert "stackTrace" not in evaluated(failed["Cause"], failure=FUNCTION_ERROR)


def test_the_worst_case_is_the_same_in_both_languages():
    assert worst_case_seconds(build("saga", "JSONata")) == worst_case_seconds(build("saga", "JSONPath"))
    timed = SagaTiming(execution_timeout_seconds=100_000)
    assert build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, timed, "JSONata")["TimeoutSeconds"] == 100_000


def test_an_unknown_query_language_is_refused():
    with pytest.raises(ValueError, match=r"query language must be one of \('JSONata', 'JSONPath'\), got 'SQL'"):
        build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, TIMING, "SQL")  # type: ignore[arg-type]
