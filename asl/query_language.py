"""The two query languages a workflow can be written in, as two dialects of the same few operations.

The builders decide the structure (states, transitions, retries, catches); a dialect decides how a state reads and
keeps data:

- JSONPath: the state data carries everything, `{"order": ..., "results": {<State>: <result>}}`; a Task's Parameters
  build its payload from it, ResultPath stores its result in it, a Catch's ResultPath puts the caught error at
  `$.failure` / `$.compensationFailure`, and Pass/Choice states parse a Lambda error's Cause (a JSON string) to drop
  its stack trace before a Fail or a dead letter shows it.
- JSONata: the same data lives in variables (`$order`, `$results`, `$failure`, `$compensationFailure`, and the
  rollback's `$originExecutionArn`, `$reason`); a Task's Arguments build the very same payload from them, its Assign
  keeps its result, a Catch's Assign keeps `$states.errorOutput`, and the Fail states and dead letters parse the
  Cause themselves (`$parse`), so the explaining and stack-trace stripping states are not needed.

Either way a Lambda receives `{"order": ..., "results": {...}}` and the happy path is one state per business step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, get_args

from asl.states import (
    STACK_TRACE_PATTERN,
    State,
    explain_lambda_error,
    fail,
    lambda_task,
    sqs_send,
    without_stack_trace,
)

QueryLanguage = Literal["JSONata", "JSONPath"]
QUERY_LANGUAGES: tuple[QueryLanguage, ...] = get_args(QueryLanguage)

# Where the data of a workflow is kept: JSONPath state-data keys, JSONata variable names.
ORDER, RESULTS, FAILURE, COMPENSATION_FAILURE = "order", "results", "failure", "compensationFailure"
FAILURE_PATH = f"$.{FAILURE}"
COMPENSATION_FAILURE_PATH = f"$.{COMPENSATION_FAILURE}"
STEP_PAYLOAD = {"order.$": "$.order", "results.$": "$.results"}


class Reads(Enum):
    """What a Lambda task is given."""

    INPUT = "the state's input as it is (the raw order)"
    ORDER = "the order alone (the rollback's raw order)"
    STEP = "the saga's step payload: {order, results}"


class Keeps(Enum):
    """What a Lambda task keeps of its result for the states after it."""

    NOTHING = "nothing: the result is the state's output"
    NEW_STATE = "the result as the order, with no results yet (the saga's validation)"
    ORDER = "the result as the order (the rollback's validation)"
    RESULT = "the result under its state's name in results"


@dataclass(frozen=True)
class Dialect:
    language: QueryLanguage

    @property
    def jsonata(self) -> bool:
        return self.language == "JSONata"

    def header(self) -> dict[str, Any]:
        return {"QueryLanguage": "JSONata"} if self.jsonata else {}

    # --- tasks and catches ---------------------------------------------------------------------------------------

    def lambda_task(
        self,
        name: str,
        function_arn: str,
        *,
        reads: Reads,
        keeps: Keeps,
        timeout_seconds: int,
        next_state: str | None,
        retry: list[dict[str, Any]],
        catch: list[dict[str, Any]],
    ) -> State:
        """`next_state` None: the state ends the execution with its result as the output."""
        common: dict[str, Any] = {"timeout_seconds": timeout_seconds, "next_state": next_state, "retry": retry,
                                  "catch": catch}
        if self.jsonata:
            state = lambda_task(function_arn, **common)
            state["Arguments"] = _jsonata_payload(reads)
            # The last state's result is the output: nothing to keep for later states.
            assign = _jsonata_keep(keeps, name) if next_state is not None else {}
            if assign:
                state["Assign"] = assign
            return _ordered(state)
        result_path = {Keeps.NOTHING: "$", Keeps.NEW_STATE: "$", Keeps.ORDER: f"$.{ORDER}",
                       Keeps.RESULT: f"$.{RESULTS}.{name}"}[keeps]
        state = lambda_task(
            function_arn,
            parameters=dict(STEP_PAYLOAD) if reads is Reads.STEP else None,
            result_selector={"order.$": "$", "results": {}} if keeps is Keeps.NEW_STATE else None,
            result_path=result_path,
            output_path=result_path if next_state is None and result_path != "$" else None,
            **common,
        )
        if reads is Reads.ORDER:
            state["InputPath"] = f"$.{ORDER}"
        return state

    def catch(self, errors: Sequence[str], next_state: str, keep_as: str) -> dict[str, Any]:
        """A catcher keeping the caught error as `keep_as` (`failure` or `compensationFailure`)."""
        if self.jsonata:
            return {"ErrorEquals": list(errors), "Next": next_state,
                    "Assign": {keep_as: "{% $states.errorOutput %}"}}
        return {"ErrorEquals": list(errors), "Next": next_state, "ResultPath": f"$.{keep_as}"}

    def validation_catches(
        self, invalid_error: str, invalid_outcome: str, failed_outcome: str, record_failure: str
    ) -> tuple[list[dict[str, Any]], dict[str, State], dict[str, State]]:
        """The catches of a validation task reading the raw input, and the states they need besides the outcomes:
        those before the invalid outcome and those before the failed one.

        JSONPath: the catches replace the state (ResultPath "$": the raw input may not even be a JSON object a catch
        could write into), so the invalid outcome is explained from `$` and `record_failure` moves any other error to
        `$.failure`. JSONata keeps the error in `$failure` and goes straight to the Fail states."""
        if self.jsonata:
            return [self.catch([invalid_error], invalid_outcome, FAILURE),
                    self.catch(["States.ALL"], failed_outcome, FAILURE)], {}, {}
        explain = explain_state(invalid_outcome)
        catches = [{"ErrorEquals": [invalid_error], "Next": explain, "ResultPath": "$"},
                   {"ErrorEquals": ["States.ALL"], "Next": record_failure, "ResultPath": "$"}]
        explain_states = {explain: explain_lambda_error(FAILURE_PATH, next_state=invalid_outcome, source_path="$")}
        record: dict[str, State] = {
            record_failure: {"Type": "Pass", "Parameters": {"failure.$": "$"}, "Next": cause_state(failed_outcome)}
        }
        return catches, explain_states, record

    # --- where failures go -----------------------------------------------------------------------------------------

    def business_entry(self, outcome: str) -> str:
        """The state a business error goes to on its way to the Fail state `outcome`."""
        return outcome if self.jsonata else explain_state(outcome)

    def business_states(self, outcome: str, *, explained: bool = True) -> dict[str, State]:
        """The Fail state `outcome`, showing only the error message of `failure`'s Cause; JSONPath also explains it
        first (`explained` False: the caller does)."""
        if self.jsonata:
            return {outcome: fail(outcome, cause="{% $parse($failure.Cause).errorMessage %}")}
        states = {explain_state(outcome): explain_lambda_error(FAILURE_PATH, next_state=outcome)} if explained else {}
        states[outcome] = fail(outcome, cause_path=f"{FAILURE_PATH}.Cause.errorMessage")
        return states

    def unexpected_entry(self, fail_state: str) -> str:
        """The state an unexpected failure goes to on its way to the Fail state `fail_state`."""
        return fail_state if self.jsonata else cause_state(fail_state)

    def unexpected_states(self, fail_state: str, *, error: str | None) -> dict[str, State]:
        """The Fail state `fail_state`: error `error` (None: the failure's own), the failure (error and cause,
        without a stack trace) as the cause; JSONPath strips the stack trace in states before it."""
        if self.jsonata:
            state: State = {"Type": "Fail", "Error": error or "{% $failure.Error %}",
                            "Cause": f"{{% $string({without_stack_trace_expression(FAILURE)}) %}}"}
            return {fail_state: state}
        states = without_stack_trace(FAILURE_PATH, cause_state(fail_state), fail_state)
        final: State = {"Type": "Fail"}
        final.update({"Error": error} if error else {"ErrorPath": f"{FAILURE_PATH}.Error"})
        final["CausePath"] = f"States.JsonToString({FAILURE_PATH})"
        states[fail_state] = final
        return states

    def failure_error_is(self, error: str, next_state: str) -> dict[str, Any]:
        """A Choice rule: the kept failure's error is `error`."""
        if self.jsonata:
            return {"Condition": f"{{% $failure.Error = {json.dumps(error)} %}}", "Next": next_state}
        return {"Variable": f"{FAILURE_PATH}.Error", "StringEquals": error, "Next": next_state}

    # --- escalation ------------------------------------------------------------------------------------------------

    def escalation_entry(self, escalation: str) -> str:
        return escalation if self.jsonata else cause_state(escalation)

    def escalation_states(
        self,
        escalation: str,
        queue_url: str,
        fixed_fields: Mapping[str, Any],
        carried_fields: Sequence[str],
        *,
        timeout_seconds: int,
        next_state: str,
        retry: dict[str, Any],
    ) -> dict[str, State]:
        """Send the dead letter: the execution, the order id, `fixed_fields`, both failures without a stack trace
        and `carried_fields` (data the workflow carries: rollback input keys)."""
        if self.jsonata:
            message: dict[str, Any] = {
                "executionArn": "{% $states.context.Execution.Id %}",
                "orderId": "{% $order.order_id %}",
                **fixed_fields,
                "error": f"{{% {without_stack_trace_expression(COMPENSATION_FAILURE)} %}}",
                "originalFailure": f"{{% {without_stack_trace_expression(FAILURE)} %}}",
                **{key: f"{{% ${key} %}}" for key in carried_fields},
            }
            send = sqs_send(queue_url, message, timeout_seconds=timeout_seconds, next_state=next_state, retry=retry)
            send["Arguments"] = send.pop("Parameters")
            del send["ResultPath"]
            return {escalation: _ordered(send)}
        # Both failures go into the dead letter: neither may carry a handler's stack trace.
        original_cause = f"{escalation}Original"
        states = without_stack_trace(COMPENSATION_FAILURE_PATH, cause_state(escalation), cause_state(original_cause))
        states.update(without_stack_trace(FAILURE_PATH, cause_state(original_cause), escalation))
        message = {
            "executionArn.$": "$$.Execution.Id",
            "orderId.$": "$.order.order_id",
            **fixed_fields,
            "error.$": COMPENSATION_FAILURE_PATH,
            "originalFailure.$": FAILURE_PATH,
            **{f"{key}.$": f"$.{key}" for key in carried_fields},
        }
        states[escalation] = sqs_send(queue_url, message, timeout_seconds=timeout_seconds, next_state=next_state,
                                      retry=retry)
        return states

    # --- the rollback's own data -----------------------------------------------------------------------------------

    def read_rollback_input(
        self, original_input: str, carried_fields: Sequence[str], failure_error: str, next_state: str
    ) -> State:
        """A Pass turning the rollback's input into the saga's data: the order parsed from `original_input` (JSON
        text), `carried_fields` as they are, no results, and a failure (error: the input's `failure_error`) saying
        which execution ended without its compensations."""
        origin = carried_fields[0]
        if self.jsonata:
            assign: dict[str, Any] = {
                ORDER: f"{{% $parse($states.input.{original_input}) %}}",
                **{key: f"{{% $states.input.{key} %}}" for key in carried_fields},
                RESULTS: {},
                FAILURE: {
                    "Error": f"{{% $states.input.{failure_error} %}}",
                    "Cause": f"{{% 'execution ' & $states.input.{origin} & ' ended without its compensations' %}}",
                },
            }
            return {"Type": "Pass", "Assign": assign, "Next": next_state}
        return {
            "Type": "Pass",
            "Parameters": {
                "order.$": f"States.StringToJson($.{original_input})",
                **{f"{key}.$": f"$.{key}" for key in carried_fields},
                "results": {},
                # Where the saga's own compensations find the failure they undo (the dead letter's originalFailure).
                "failure": {
                    "Error.$": f"$.{failure_error}",
                    "Cause.$": f"States.Format('execution {{}} ended without its compensations', $.{origin})",
                },
            },
            "Next": next_state,
        }

    def results_output(self) -> dict[str, Any]:
        """Fields of a terminal state whose output is the results so far."""
        return {"Output": f"{{% ${RESULTS} %}}"} if self.jsonata else {"OutputPath": f"$.{RESULTS}"}

    def data_output(self, keys: Sequence[str]) -> dict[str, Any]:
        """Fields of a terminal state whose output is the workflow's data (JSONPath: the state data itself)."""
        return {"Output": {key: f"{{% ${key} %}}" for key in keys}} if self.jsonata else {}


def dialect(language: QueryLanguage) -> Dialect:
    if language not in QUERY_LANGUAGES:
        raise ValueError(f"query language must be one of {QUERY_LANGUAGES}, got {language!r}")
    return Dialect(language)


def explain_state(outcome: str) -> str:
    return f"Explain{outcome}"


def cause_state(outcome_or_state: str) -> str:
    """Entry of the states that strip a stack trace from the cause before ``outcome_or_state``."""
    return f"{outcome_or_state}Cause"


def without_stack_trace_expression(variable: str) -> str:
    """JSONata: the error kept in `$variable`, its Cause replaced by `{errorType, errorMessage}` when it is a Lambda
    function error's JSON text with a stack trace (what the JSONPath states of `states.without_stack_trace` do)."""
    value, cause = f"${variable}", f"${variable}.Cause"
    marker = STACK_TRACE_PATTERN.strip("*")
    return (f"$type({cause}) = 'string' and $contains({cause}, '{marker}') ? "
            f"$merge([{value}, {{'Cause': $parse({cause}).{{'errorType': errorType, "
            f"'errorMessage': errorMessage}}}}]) : {value}")


def _jsonata_payload(reads: Reads) -> Any:
    if reads is Reads.INPUT:
        return "{% $states.input %}"
    if reads is Reads.ORDER:
        return f"{{% ${ORDER} %}}"
    return {ORDER: f"{{% ${ORDER} %}}", RESULTS: f"{{% ${RESULTS} %}}"}


def _jsonata_keep(keeps: Keeps, name: str) -> dict[str, Any]:
    if keeps is Keeps.NEW_STATE:
        return {ORDER: "{% $states.result %}", RESULTS: {}}
    if keeps is Keeps.ORDER:
        return {ORDER: "{% $states.result %}"}
    if keeps is Keeps.RESULT:
        return {RESULTS: f"{{% $merge([${RESULTS}, {{{json.dumps(name)}: $states.result}}]) %}}"}
    return {}


_FIELD_ORDER = ("Type", "Resource", "TimeoutSeconds", "Arguments", "Assign", "Retry", "Catch", "Next", "End")


def _ordered(state: State) -> State:
    """A state's fields in the usual reading order."""
    ordered = {key: state[key] for key in _FIELD_ORDER if key in state}
    return {**ordered, **{key: value for key, value in state.items() if key not in ordered}}
