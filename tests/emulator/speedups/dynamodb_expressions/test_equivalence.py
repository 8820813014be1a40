"""With dynamodb-expressions installed, DynamoDB requests answer what moto's own code answers.

Every case goes through moto's whole DynamoDB (request handler and backend, in-process with mock_aws) in a fresh
interpreter: first with moto's code, then twice with the speed-up installed (the second time from its caches).
Updates are the shared cases (conftest: the handlers' expressions, moto's other paths and errors); conditions
cover powertools' idempotency condition and the handlers' own, true and false, on conditional puts and updates,
and the request handler's check of unused names and values.
"""

from __future__ import annotations

from typing import Any

# Beyond the shared update cases (conftest): an expression that does not parse.
UNPARSABLE_UPDATE = (None, "SET = :one", None, {":one": {"N": "1"}})

IDEMPOTENCY = ("attribute_not_exists(#id) OR #expiry < :now OR "
               "(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms)")
# (ConditionExpression, names, values)
CONDITIONS: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    (IDEMPOTENCY, {"#id": "pk", "#expiry": "expiration", "#in_progress_expiry": "in_progress_expiration",
                   "#status": "status"},
     {":now": {"N": "1780000000"}, ":now_ms": {"N": "1780000000123"}, ":inprogress": {"S": "INPROGRESS"}}),
    ("attribute_not_exists(pk)", None, None),
    ("attribute_not_exists(pk) OR #status = :pending", {"#status": "status"}, {":pending": {"S": "PENDING"}}),
    ("quantity >= :wanted AND begins_with(sku, :prefix)", None, {":wanted": {"N": "2"}, ":prefix": {"S": "KB"}}),
    # the request handler refuses names and values the expression does not use, and a condition that does not parse
    ("attribute_exists(pk)", {"#unused": "status"}, None),
    ("attribute_exists(pk)", None, {":unused": {"S": "x"}}),
    ("attribute_exists(", None, None),
]
ITEMS: list[dict[str, Any] | None] = [
    None,
    {"expiration": {"N": "1790000000"}, "status": {"S": "COMPLETED"}},
    {"expiration": {"N": "1770000000"}, "status": {"S": "INPROGRESS"}, "in_progress_expiration": {"N": "1"}},
    {"status": {"S": "PENDING"}, "quantity": {"N": "3"}, "sku": {"S": "KB-1"}},
    {"status": {"S": "FAILED"}, "quantity": {"N": "1"}, "sku": {"S": "MS-1"}},
]

SCRIPT = """
import copy, json, sys
import boto3
from botocore.exceptions import ClientError
from moto import mock_aws
from emulator.speedups import dynamodb_expressions

given = json.load(sys.stdin)


def outcome(call):
    try:
        answer = call()
    except ClientError as error:
        return ["error", error.response["Error"]["Code"], error.response["Error"]["Message"]]
    except Exception as error:  # moto lets some parse errors out of its handler
        return ["raised", type(error).__name__, str(error)]
    answer.pop("ResponseMetadata", None)
    return answer


def run_all():
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "S"}])
        found = []
        for number, (before, expression, names, values) in enumerate(given["updates"]):
            key = {"pk": {"S": f"u-{number}"}, "sk": {"S": "ORDER"}}
            if before is not None:
                ddb.put_item(TableName="t", Item={**before, **key})
            arguments = {"TableName": "t", "Key": key, "UpdateExpression": expression, "ReturnValues": "ALL_NEW"}
            arguments.update({"ExpressionAttributeNames": names} if names else {})
            arguments.update({"ExpressionAttributeValues": values} if values else {})
            found.append(outcome(lambda: ddb.update_item(**arguments)))
        for number, (expression, names, values) in enumerate(given["conditions"]):
            expressions = {"ConditionExpression": expression}
            expressions.update({"ExpressionAttributeNames": names} if names else {})
            expressions.update({"ExpressionAttributeValues": values} if values else {})
            for index, attributes in enumerate(given["items"]):
                key, other = ({"pk": {"S": f"c-{number}-{index}-{write}"}, "sk": {"S": "ORDER"}} for write in "pu")
                if attributes is not None:
                    ddb.put_item(TableName="t", Item={**key, **attributes})
                    ddb.put_item(TableName="t", Item={**other, **attributes})
                found.append(outcome(lambda: ddb.put_item(TableName="t", Item={**key, "v": {"S": "new"}},
                                                          **expressions)))
                found.append(outcome(lambda: ddb.update_item(TableName="t", Key=other, UpdateExpression="SET w = :w",
                                                             **{**expressions, "ExpressionAttributeValues": {
                                                                 **(expressions.get("ExpressionAttributeValues") or {}),
                                                                 ":w": {"S": "w"}}})))
        found.append(sorted(json.dumps(item, sort_keys=True) for item in ddb.scan(TableName="t")["Items"]))
        return found


motos = run_all()
dynamodb_expressions.EXTENSION.install()
print(json.dumps({"moto": motos, "emulator": [run_all(), run_all()]}))
"""


def test_requests_answer_what_motos_own_code_answers(run_python, update_cases) -> None:
    updates = [*update_cases[1], UNPARSABLE_UPDATE]
    found = run_python(SCRIPT, {"updates": updates, "conditions": CONDITIONS, "items": ITEMS})

    assert found["emulator"] == [found["moto"], found["moto"]]
    outcomes = found["moto"][:-1]
    errors = [outcome for outcome in outcomes if isinstance(outcome, list)]
    codes = [error[1] for error in errors]
    assert codes.count("ConditionalCheckFailedException") >= 10  # false conditions
    assert sum("unused" in error[2] for error in errors) >= 2 * len(ITEMS)  # names and values unused
    assert len(outcomes) - len(errors) >= 20  # true conditions and valid updates applied
