"""Item answers written directly are, byte for byte, what moto's serializer writes (speed-up dynamodb-item-answers).

The same requests go through moto's whole DynamoDB (mock_aws, in a fresh interpreter) with moto's serializer, then
with the speed-up: the same status, headers (the request id and date aside) and body, numbers as written.
"""

from __future__ import annotations

from typing import Any

EVERY_TYPE: dict[str, Any] = {
    "total": {"N": "2599"}, "ratio": {"N": "2.50"}, "paid": {"BOOL": True}, "note": {"NULL": True},
    "tags": {"SS": ["gift", "priority"]}, "amounts": {"NS": ["1", "2.5"]},
    "address": {"M": {"city": {"S": "Lyon"}, "lines": {"L": [{"S": "1 rue"}, {"N": "2"}]}}},
    "history": {"L": [{"M": {"status": {"S": "PENDING"}}}, {"BOOL": False}]}, "empty": {"M": {}},
    "text": {"S": "é \" \n"},
}

SCRIPT = """
import base64, json, sys
import boto3
from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler
from emulator.speedups import dynamodb_item_answers

every_type = json.load(sys.stdin)["every_type"]
VOLATILE = {"x-amzn-requestid", "date", "server"}


def run_all():
    answers = []

    def keep(http_response, model, **_):
        headers = {k.lower(): v for k, v in http_response.headers.items() if k.lower() not in VOLATILE}
        answers.append([model.name, http_response.status_code, headers, http_response.content.decode()])

    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        ddb.meta.events.register("after-call.dynamodb.*", keep)
        item = {"pk": {"S": "a"}, **every_type}
        binary = {"pk": {"S": "b"}, "blob": {"B": b"\\x00\\x01"}, "blobs": {"BS": [b"\\x02"]}}
        ddb.put_item(TableName="t", Item=item)
        ddb.put_item(TableName="t", Item=item, ReturnValues="ALL_OLD")
        ddb.put_item(TableName="t", Item=binary, ReturnConsumedCapacity="TOTAL")
        for key in ("a", "b", "missing"):
            ddb.get_item(TableName="t", Key={"pk": {"S": key}}, ConsistentRead=True)
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="INDEXES")
        for returned in ("NONE", "ALL_NEW", "UPDATED_OLD", "ALL_OLD"):
            ddb.update_item(TableName="t", Key={"pk": {"S": "a"}}, UpdateExpression="SET #t = #t + :one", ExpressionAttributeNames={"#t": "total"},
                            ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues=returned)
        ddb.update_item(TableName="t", Key={"pk": {"S": "b"}}, UpdateExpression="SET n = :n",
                        ExpressionAttributeValues={":n": {"N": "1"}}, ReturnValues="ALL_NEW")
        ddb.query(TableName="t", KeyConditionExpression="pk = :a", ExpressionAttributeValues={":a": {"S": "a"}})
        ddb.delete_item(TableName="t", Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD")
        ddb.delete_item(TableName="t", Key={"pk": {"S": "b"}})
    return answers


motos = run_all()
serializer_calls = []
moto_serialized = DynamoHandler.serialized


def counting(self, action_result):
    serializer_calls.append(self._get_action())
    return moto_serialized(self, action_result)


DynamoHandler.serialized = counting
dynamodb_item_answers.EXTENSION.install()
print(json.dumps({"moto": motos, "emulator": run_all(), "serializer_calls": serializer_calls}))
"""


def test_item_answers_are_byte_for_byte_the_serializers(run_python) -> None:
    found = run_python(SCRIPT, {"every_type": EVERY_TYPE})

    assert found["emulator"] == found["moto"]
    assert len(found["moto"]) == 16
    # moto's serializer still answered binary items, per-index capacities and the other actions
    assert found["serializer_calls"] == ["CreateTable", "GetItem", "GetItem", "UpdateItem", "Query"]
