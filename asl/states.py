"""Constructors for the few ASL state shapes the builders use, in JSONPath; asl/query_language.py turns the
shared ones (a Lambda task, a Fail, an SQS send) into JSONata."""

from __future__ import annotations

from typing import Any

State = dict[str, Any]


def lambda_task(
    function_arn: str,
    *,
    timeout_seconds: int,
    next_state: str | None,
    parameters: dict[str, Any] | None = None,
    result_selector: dict[str, Any] | None = None,
    result_path: str | None = "$",
    output_path: str | None = None,
    retry: list[dict[str, Any]] | None = None,
    catch: list[dict[str, Any]] | None = None,
) -> State:
    """A Task calling a Lambda by its ARN: the result is the function's return value itself.

    The bare-ARN form is what CDK emits for `payloadResponseOnly`: no `Payload`/`StatusCode` envelope
    to unwrap, so every step's result can be stored as-is under `$.results.<Step>`.
    """
    state: State = {"Type": "Task", "Resource": function_arn, "TimeoutSeconds": timeout_seconds}
    if parameters is not None:
        state["Parameters"] = parameters
    if result_selector is not None:
        state["ResultSelector"] = result_selector
    if result_path != "$":
        state["ResultPath"] = result_path
    if output_path is not None:
        state["OutputPath"] = output_path
    if retry:
        state["Retry"] = retry
    if catch:
        state["Catch"] = catch
    return _transition(state, next_state)


def catch(errors: list[str], next_state: str, result_path: str) -> dict[str, Any]:
    return {"ErrorEquals": errors, "Next": next_state, "ResultPath": result_path}


def fail(error: str, *, cause: str | None = None, cause_path: str | None = None) -> State:
    state: State = {"Type": "Fail", "Error": error}
    if cause is not None:
        state["Cause"] = cause
    if cause_path is not None:
        state["CausePath"] = cause_path
    return state


def explain_lambda_error(error_path: str, next_state: str, *, source_path: str | None = None) -> State:
    """Parse a Lambda error's Cause (a JSON string) so a Fail can show only its message.

    The raw Cause also carries the handler's stack trace, which callers of the API should never see.
    `source_path` is where the caught error is (default: `error_path`); the parsed error goes to `error_path`.
    """
    source = source_path or error_path
    return {
        "Type": "Pass",
        "Parameters": {"Error.$": f"{source}.Error", "Cause.$": f"States.StringToJson({source}.Cause)"},
        "ResultPath": error_path,
        "Next": next_state,
    }


# A Lambda function error's Cause is the runtime's JSON error object, stack trace included.
STACK_TRACE_PATTERN = '*"stackTrace"*'


def without_stack_trace(failure_path: str, name: str, next_state: str) -> dict[str, State]:
    """States that replace a caught Lambda error's Cause at ``failure_path`` (a JSON string) with the object
    ``{errorType, errorMessage}``.

    A function error's Cause carries the handler's stack trace (file paths, code lines): it stays in the function's
    log and the execution history, and never reaches a caller, a Fail state's cause or a dead letter. Causes without
    one (service errors, timeouts: plain text) pass as they are. Only failure paths run these states.
    """
    cause = f"{failure_path}.Cause"
    parse, trim = f"Parse{name}", f"Trim{name}"
    return {
        name: choice(
            [
                {"Not": {"Variable": cause, "IsPresent": True}, "Next": next_state},
                {"Variable": cause, "StringMatches": STACK_TRACE_PATTERN, "Next": parse},
            ],
            default=next_state,
        ),
        parse: {
            "Type": "Pass",
            "Parameters": {"Error.$": f"{failure_path}.Error", "Cause.$": f"States.StringToJson({cause})"},
            "ResultPath": failure_path,
            "Next": trim,
        },
        trim: {
            "Type": "Pass",
            "Parameters": {"errorType.$": f"{cause}.errorType", "errorMessage.$": f"{cause}.errorMessage"},
            "ResultPath": cause,
            "Next": next_state,
        },
    }


def sqs_send(
    queue_url: str, message: dict[str, Any], *, timeout_seconds: int, next_state: str, retry: dict[str, Any]
) -> State:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "TimeoutSeconds": timeout_seconds,
        "Parameters": {"QueueUrl": queue_url, "MessageBody": message},
        "ResultPath": None,
        "Retry": [retry],
        "Next": next_state,
    }


def choice(rules: list[dict[str, Any]], default: str) -> State:
    return {"Type": "Choice", "Choices": rules, "Default": default}


def _transition(state: State, next_state: str | None) -> State:
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state
