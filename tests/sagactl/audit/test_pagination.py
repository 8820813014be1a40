"""Histories and listings longer than one page are read completely, page after page."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from sagactl.audit import list_standard_executions, load_trail
from sagactl.audit.express_logs import read_execution_events
from sagactl.audit.standard_history import HISTORY_PAGE_SIZE

ACCOUNT_PREFIX = "arn:aws:states:eu-west-1:123456789012"
MACHINE_ARN = f"{ACCOUNT_PREFIX}:stateMachine:checkout-saga-checkout-dev"
EXECUTION_ARN = f"{ACCOUNT_PREFIX}:execution:checkout-saga-checkout-dev:ord-long"
RETRIES = 400  # 3 events per attempt: the history spans two pages of 1000
DEFINITION = {
    "StartAt": "ConfirmOrder",
    "States": {
        "ConfirmOrder": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:confirm",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": RETRIES}],
            "End": True,
        }
    },
}


def long_history(history) -> list[dict]:
    writer = history().started({"order_id": "ord-long"})
    writer.enter("ConfirmOrder")
    for _ in range(RETRIES):
        writer.lambda_fails("OrderServiceUnavailable", "try again", took_ms=10, wait_ms=1000)
    writer.lambda_ok().exit("ConfirmOrder").succeeded()
    return writer.events


def test_history_longer_than_one_page_is_read_to_the_end(history, stubbed_clients):
    events = long_history(history)
    assert len(events) > HISTORY_PAGE_SIZE
    clients = stubbed_clients
    started = events[0]["timestamp"]
    clients.expect(
        "stepfunctions",
        "describe_execution",
        {"executionArn": EXECUTION_ARN, "stateMachineArn": MACHINE_ARN, "name": "ord-long", "status": "SUCCEEDED",
         "startDate": started},
        {"executionArn": EXECUTION_ARN},
    )  # fmt: skip
    clients.expect(
        "stepfunctions",
        "describe_state_machine_for_execution",
        {"stateMachineArn": MACHINE_ARN, "name": "checkout-saga-checkout-dev", "definition": json.dumps(DEFINITION),
         "roleArn": "arn:aws:iam::123456789012:role/sfn", "updateDate": started},
        {"executionArn": EXECUTION_ARN},
    )  # fmt: skip
    first_page, rest = events[:HISTORY_PAGE_SIZE], events[HISTORY_PAGE_SIZE:]
    clients.expect(
        "stepfunctions",
        "get_execution_history",
        {"events": first_page, "nextToken": "page-2"},
        {"executionArn": EXECUTION_ARN, "maxResults": HISTORY_PAGE_SIZE},
    )
    clients.expect(
        "stepfunctions",
        "get_execution_history",
        {"events": rest},
        {"executionArn": EXECUTION_ARN, "maxResults": HISTORY_PAGE_SIZE, "nextToken": "page-2"},
    )

    trail = load_trail(clients, EXECUTION_ARN)

    clients.assert_all_called()
    (confirm,) = trail.timeline.visits
    assert len(confirm.attempts) == RETRIES + 1
    assert confirm.retries == RETRIES
    assert all(a.error is not None and a.error.error == "OrderServiceUnavailable" for a in confirm.attempts[:-1])
    assert confirm.attempts[-1].succeeded
    assert trail.outcome.status == "SUCCEEDED"  # the terminal event was on the second page


def test_express_log_events_on_several_pages_are_all_read(history, stubbed_clients):
    arn = f"{ACCOUNT_PREFIX}:express:checkout-saga-order-validation-dev:v-1:11111111-2222-4333-8444-555555555555"
    other = arn.replace("v-1:", "v-2:")
    writer = history().started()
    writer.enter("ValidateOrder").lambda_ok().exit("ValidateOrder").succeeded()
    records = writer.log_records(arn)

    def page(chunk: list[dict], token: str | None = None) -> dict:
        found = [
            {"logStreamName": "states/x/2024-04-24-12-00/00000000", "timestamp": 1, "ingestionTime": 1,
             "eventId": str(n), "message": json.dumps(record)}
            for n, record in enumerate(chunk)
        ]  # fmt: skip
        return {"events": found, **({"nextToken": token} if token else {})}

    # An emulator may ignore the filter pattern: a record of another execution must still be left out.
    stray = {**records[0], "execution_arn": other}
    clients = stubbed_clients
    pattern = f'{{ $.execution_arn = "{arn}" }}'
    request = {"logGroupName": "/aws/vendedlogs/states/v", "filterPattern": pattern}
    clients.expect("logs", "filter_log_events", page([*records[:3], stray], "t2"), request)
    clients.expect("logs", "filter_log_events", page([], "t3"), {**request, "nextToken": "t2"})  # AWS: empty pages
    clients.expect("logs", "filter_log_events", page(records[3:]), {**request, "nextToken": "t3"})

    events = read_execution_events(clients.client("logs"), "/aws/vendedlogs/states/v", arn)

    clients.assert_all_called()
    assert [e.id for e in events] == list(range(1, len(records) + 1))


@pytest.fixture(scope="module")
def listing_machine(world) -> str:
    """A tiny machine with 7 executions (4 succeed, 3 fail), for the listing's paging and filter."""
    sfn = world.clients.stepfunctions
    definition = {
        "StartAt": "Decide",
        "States": {
            "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "No"}],
                       "Default": "Yes"},
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Fail", "Error": "Nope"},
        },
    }  # fmt: skip
    arn = sfn.create_state_machine(
        name="audit-listing-machine", definition=json.dumps(definition), roleArn=world.role_arn
    )["stateMachineArn"]
    for n in range(7):
        payload = json.dumps({"fail": n % 2 == 1})
        world.wait(sfn.start_execution(stateMachineArn=arn, name=f"run-{n}", input=payload)["executionArn"])
    return str(arn)


def test_listing_pages_resume_where_the_previous_page_stopped(world, listing_machine):
    sfn = world.clients.stepfunctions
    seen: list[str] = []
    token = None
    sizes = []
    while True:
        page = list_standard_executions(sfn, listing_machine, max_items=3, next_token=token)
        sizes.append(len(page.executions))
        seen += [e.name for e in page.executions]
        token = page.next_token
        if token is None:
            break
    assert sizes == [3, 3, 1]
    assert sorted(seen) == [f"run-{n}" for n in range(7)]
    everything = list_standard_executions(sfn, listing_machine, max_items=None)
    assert [e.name for e in everything.executions] == seen and everything.next_token is None
    starts = [e.started for e in everything.executions]
    assert starts == sorted(starts, reverse=True)  # newest first
    assert all(e.stopped is not None and e.duration_s is not None for e in everything.executions)


def test_listing_filters_by_status_and_gives_each_failure_its_error(world, listing_machine):
    failed = list_standard_executions(world.clients.stepfunctions, listing_machine, status="FAILED", max_items=None)
    assert sorted(e.name for e in failed.executions) == ["run-1", "run-3", "run-5"]
    assert {(e.status, e.error) for e in failed.executions} == {("FAILED", "Nope")}
    succeeded = list_standard_executions(world.clients.stepfunctions, listing_machine, status="SUCCEEDED")
    assert {e.error for e in succeeded.executions} == {None}


def test_listing_times_are_timezone_aware(world, listing_machine):
    newest = list_standard_executions(world.clients.stepfunctions, listing_machine, max_items=1).executions[0]
    assert newest.started is not None and newest.started.tzinfo is not None
    assert newest.started <= datetime.now(UTC)
