"""Fixtures shared by sibling test folders. Import-light on purpose: this file is loaded for every test run,
including the handler tests run alone on Lambda's Python from a venv without pulumi. So only the standard library
and pytest at import; a fixture that needs more imports it when it is first used.

- `walk`: the structural ASL path walker (tests/asl, tests/sagactl/cost).
- `new_fake_cloud`, `declare_stack`, `declared_stacks`, `declared_stack`: the program (`__main__.py`) run for a
  stack under Pulumi mocks, recording what it declares (tests/components, tests/program, tests/policy).
- `collections_that_parse`: garbage collections that keep running finalizers which parse Python
  (tests/components, tests/emulator/thread_safety).
"""

from __future__ import annotations

import ast
import gc
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

# --- pytest-xdist: modules sharing a session's stack run on one worker -----------------------------------------

# Each folder's modules share a session-scoped emulator (and most a deployed stack): every worker that runs one of
# them pays for that start-up (an emulator, a deploy, the Lambda workers' cold starts), so they go to one worker.
# The chaos module is long enough to be a unit of its own. Any other module is its own unit (--dist loadfile).
SHARED_SESSION_FOLDERS = ("tests/e2e/reliability/", "tests/sagactl/audit/", "tests/emulator/")
UNITS_OF_THEIR_OWN = ("tests/e2e/reliability/test_chaos.py",)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its module, or the shared-session folder the module is in."""
    module = nodeid.split("::", 1)[0]
    if module in UNITS_OF_THEIR_OWN:
        return module
    return next((folder for folder in SHARED_SESSION_FOLDERS if module.startswith(folder)), module)


def starts_an_emulator(item: pytest.Item) -> bool:
    return item.get_closest_marker("e2e") is not None or work_unit(item.nodeid) in SHARED_SESSION_FOLDERS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Units in the order workers take them: those that start an emulator first, then the rest, the most tests
    first in each group. A unit is never split: a worker runs one unit's tests in a row.

    The long units are the ones that start an emulator, and some have few tests (a handful of whole-system runs);
    xdist's own order (the most tests first) left them for last, and the suite waited on one worker finishing
    one while the others were done."""
    units = [work_unit(item.nodeid) for item in items]
    sizes = Counter(units)
    with_emulator = {unit for unit, item in zip(units, items, strict=True) if starts_an_emulator(item)}
    ranked = sorted(zip(units, items, strict=True),  # stable: a unit's tests keep their order
                    key=lambda pair: (pair[0] not in with_emulator, -sizes[pair[0]], pair[0]))
    items[:] = [item for _, item in ranked]


@pytest.hookimpl(optionalhook=True)  # xdist's hook: the handler tests run without xdist on Lambda's Python
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSessionScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # the units come in the order pytest_collection_modifyitems gives them
    return SharedSessionScheduling(config, log)


# --- ASL path walker -------------------------------------------------------------------------------------------


def walk(definition: dict[str, Any], errors: dict[str, str] | None = None, max_steps: int = 100) -> list[str]:
    """Follow a definition's transitions for a scripted run: which state raises which error.

    A structural oracle for the builders: it knows only ASL's rules (Catch order, States.ALL, a catch's
    ResultPath, Choice on the caught error or on its cause, a Pass moving the caught error, Next/End), never the
    checkout saga, so it can disagree with a wrong builder. As the Python runtime does, a function's own error
    carries a stack trace in its cause; the runtime's and the service's errors (Runtime.*, Sandbox.*, Lambda.*,
    States.*) do not. JSONata definitions too: a catch's Assign of `$states.errorOutput` keeps the error in a
    variable (walked as `$.<variable>`), and a Choice's Condition compares a kept error's name.
    """
    errors = errors or {}
    states = definition["States"]
    path: list[str] = []
    name = definition["StartAt"]
    caught: dict[str, str] = {}  # where a catch put an error (its ResultPath) -> the error's name
    while len(path) < max_steps:
        path.append(name)
        state = states[name]
        kind = state["Type"]
        if kind in ("Fail", "Succeed"):
            return path
        if kind == "Choice":
            name = _choose(state, caught)
            continue
        if kind == "Pass":
            _move_caught(state, caught)
        error = errors.get(name) if kind == "Task" else None
        if error is not None:
            handler = _catcher(state, error)
            if handler is None:
                return [*path, f"<uncaught {error}>"]
            caught[_kept_at(handler)] = error
            name = handler["Next"]
            continue
        if state.get("End"):
            return path
        name = state["Next"]
    raise AssertionError(f"no terminal state within {max_steps} steps: {path}")


_NO_STACK_TRACE = ("States.", "Lambda.", "Sandbox.", "Runtime.")


def _catcher(state: dict[str, Any], error: str) -> dict[str, Any] | None:
    for catcher in state.get("Catch", []):
        if error in catcher["ErrorEquals"] or "States.ALL" in catcher["ErrorEquals"]:
            return catcher
    return None


def _kept_at(catcher: dict[str, Any]) -> str:
    """Where a catcher keeps the error: its ResultPath, or the variable its Assign gives `$states.errorOutput`."""
    if "ResultPath" in catcher:
        return str(catcher["ResultPath"])
    kept = [name for name, value in catcher.get("Assign", {}).items() if value == "{% $states.errorOutput %}"]
    assert len(kept) == 1, f"walker models catchers keeping the error at one ResultPath or variable: {catcher}"
    return f"$.{kept[0]}"


# A JSONata Choice rule comparing a kept error's name: `{% $failure.Error = "InventoryDepletedException" %}`.
_ERROR_CONDITION = re.compile(r'^\{% \$(\w+)\.Error = ("[^"]*") %\}$')


def _move_caught(state: dict[str, Any], caught: dict[str, str]) -> None:
    """A Pass whose Parameters put the whole state under a key moves a caught error there."""
    for key, source in state.get("Parameters", {}).items():
        if key.endswith(".$") and source in caught and state.get("ResultPath", "$") == "$":
            caught[f"$.{key[:-2]}"] = caught[source]


def _choose(state: dict[str, Any], caught: dict[str, str]) -> str:
    for rule in state["Choices"]:
        if _matches(rule, caught):
            return str(rule["Next"])
    return str(state["Default"])


def _matches(rule: dict[str, Any], caught: dict[str, str]) -> bool:
    if "Not" in rule:
        return not _matches(rule["Not"], caught)
    if "Condition" in rule:
        condition = _ERROR_CONDITION.match(rule["Condition"])
        assert condition, f"walker only models conditions on a kept error's name: {rule}"
        return caught.get(f"$.{condition[1]}") == json.loads(condition[2])
    variable = rule["Variable"]
    if variable.endswith(".Error") and "StringEquals" in rule:
        return caught.get(variable.removesuffix(".Error")) == rule["StringEquals"]
    if variable.endswith(".Cause") and rule.get("IsPresent") is True:
        return variable.removesuffix(".Cause") in caught
    if variable.endswith(".Cause") and rule.get("StringMatches") == '*"stackTrace"*':
        error = caught.get(variable.removesuffix(".Cause"))
        return error is not None and not error.startswith(_NO_STACK_TRACE)
    raise AssertionError(f"walker only models choices on a caught error's name or stack trace: {rule}")


@pytest.fixture(scope="session", name="walk")
def walk_fixture() -> Callable[..., list[str]]:
    """`walk(definition, {state: error})`: the states a run enters, ending in a Fail/Succeed state (or
    `<uncaught error>`)."""
    return walk


# --- the program under Pulumi mocks ------------------------------------------------------------------------------

ACCOUNT_ID = "123456789012"
REGION = "eu-west-1"
STACKS = ("dev", "prod")


@dataclass
class DeclaredResource:
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    # The provider reference the engine was given ("<provider urn>::<provider id>"); None: the default provider.
    provider: str | None = None
    # Whether the resource is protected (`protect`, its own or its parent's): set by `declare_stack`, from the
    # resource objects, because `pulumi.runtime.Mocks` is not told.
    protect: bool = False
    # False for a ComponentResource: a grouping in the program, nothing a cloud creates.
    custom: bool = True

    def policy_statements(self) -> list[dict[str, Any]]:
        """The statements of the JSON policy document in `policy` (role policies, key policies)."""
        return list(json.loads(self.inputs["policy"])["Statement"])


@dataclass
class FakeCloud:
    """A Pulumi mock cloud that records every resource declared, with plausible AWS outputs (ARNs, URLs, key ids)
    in account `account_id` and region `region`.

    It implements the `pulumi.runtime.Mocks` interface (new_resource, call, and the transform hooks, which it
    ignores as the SDK's default does) without subclassing it, so that this module never imports pulumi.
    """

    resources: list[DeclaredResource] = field(default_factory=list)
    account_id: str = ACCOUNT_ID
    region: str = REGION
    # The version number a publish answers (Lambda functions, state machines): more than 1 is a stack redeployed.
    published_version: int = 1

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        physical = args.inputs.get("name") or f"{args.name}-0a1b2c3"
        outputs = {**args.inputs, "name": physical, **self._computed(args.typ, physical, args.inputs)}
        self.resources.append(
            DeclaredResource(args.typ, args.name, dict(args.inputs), outputs, args.provider, custom=args.custom)
        )
        return f"{physical}-id", outputs

    def call(self, args: Any) -> dict[str, Any]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account_id, "arn": f"arn:aws:iam::{self.account_id}:user/ci", "userId": "AIDA"}
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": self.region, "name": self.region, "id": self.region}
        raise NotImplementedError(f"unexpected invoke {args.token}")

    def register_transform(self, transform: Any) -> None:
        pass

    def register_invoke_transform(self, transform: Any) -> None:
        pass

    def of_type(self, typ: str) -> list[DeclaredResource]:
        return [r for r in self.resources if r.type == typ]

    def named(self, typ: str, name: str) -> DeclaredResource:
        matches = [r for r in self.of_type(typ) if r.name == name]
        assert len(matches) == 1, f"expected one {typ} named {name}, found {[r.name for r in self.of_type(typ)]}"
        return matches[0]

    def _computed(self, typ: str, physical: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        prefix = f"arn:aws:{{}}:{self.region}:{self.account_id}"
        stable_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{typ}/{physical}"))
        if typ == "aws:dynamodb/table:Table":
            return {"arn": f"{prefix.format('dynamodb')}:table/{physical}"}
        if typ == "aws:lambda/function:Function":
            arn, version = f"{prefix.format('lambda')}:function:{physical}", self._version(inputs)
            return {"arn": arn, "version": version, "qualifiedArn": f"{arn}:{version}"}
        if typ == "aws:cloudwatch/logGroup:LogGroup":
            return {"arn": f"{prefix.format('logs')}:log-group:{physical}"}
        if typ == "aws:sqs/queue:Queue":
            return {
                "arn": f"{prefix.format('sqs')}:{physical}",
                "url": f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{physical}",
            }
        if typ == "aws:iam/role:Role":
            return {"arn": f"arn:aws:iam::{self.account_id}:role/{physical}"}
        if typ == "aws:sfn/stateMachine:StateMachine":
            arn = f"{prefix.format('states')}:stateMachine:{physical}"
            published = {"stateMachineVersionArn": f"{arn}:{self._version(inputs)}"} if inputs.get("publish") else {}
            return {"arn": arn, **published}
        if typ == "aws:sfn/alias:Alias":  # arn:aws:states:<region>:<account>:stateMachine:<machine>:<alias>
            machine_arn = inputs["routingConfigurations"][0]["stateMachineVersionArn"].rsplit(":", 1)[0]
            return {"arn": f"{machine_arn}:{physical}"}
        if typ == "aws:kms/key:Key":
            key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, physical))  # stable per logical name, like a real key id
            return {"arn": f"{prefix.format('kms')}:key/{key_id}", "keyId": key_id}
        if typ == "aws:kms/alias:Alias":
            return {"arn": f"{prefix.format('kms')}:{physical}"}
        if typ == "aws:s3/bucket:Bucket":
            return {"bucket": physical, "arn": f"arn:aws:s3:::{physical}"}
        if typ == "aws:s3/bucketObjectv2:BucketObjectv2":
            return {"versionId": stable_id.replace("-", ""), "etag": stable_id[:8]}
        if typ == "aws:signer/signingProfile:SigningProfile":
            name = f"{inputs['namePrefix']}20261207000000000000000001"
            arn = f"{prefix.format('signer')}:/signing-profiles/{name}"
            return {"name": name, "arn": arn, "version": "AbCdEf1234", "versionArn": f"{arn}/AbCdEf1234"}
        if typ == "aws:signer/signingJob:SigningJob":
            destination = inputs["destination"]["s3"]
            signed = {"bucket": destination["bucket"], "key": f"{destination['prefix']}{stable_id}.zip"}
            return {"jobId": stable_id, "status": "Succeeded", "signedObjects": [{"s3s": [signed]}]}
        if typ == "aws:lambda/codeSigningConfig:CodeSigningConfig":
            config_id = f"csc-{stable_id.replace('-', '')[:17]}"
            return {"arn": f"{prefix.format('lambda')}:code-signing-config:{config_id}", "configId": config_id}
        if typ == "aws:sns/topic:Topic":
            return {"arn": f"{prefix.format('sns')}:{physical}"}
        if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            return {"arn": f"{prefix.format('cloudwatch')}:alarm:{physical}"}
        if typ == "aws:cloudwatch/eventRule:EventRule":
            return {"arn": f"{prefix.format('events')}:rule/{physical}"}
        if typ == "aws:backup/vault:Vault":
            return {"arn": f"{prefix.format('backup')}:backup-vault:{physical}"}
        if typ == "aws:apigateway/restApi:RestApi":
            execution_arn = f"{prefix.format('execute-api')}:{physical}"
            return {"rootResourceId": f"root-{stable_id[:8]}", "executionArn": execution_arn}
        if typ == "aws:apigateway/stage:Stage":
            host = f"{inputs['restApi']}.execute-api.{self.region}.amazonaws.com"
            return {"invokeUrl": f"https://{host}/{inputs['stageName']}"}
        if typ == "aws:backup/plan:Plan":
            return {"arn": f"{prefix.format('backup')}:backup-plan:{stable_id}", "version": stable_id[:8]}
        return {}

    def _version(self, inputs: Mapping[str, Any]) -> str:
        return str(self.published_version) if inputs.get("publish") else "$LATEST"


@dataclass
class DeclaredStack:
    """What the program declares for one stack: every resource (in `cloud`) and the stack outputs."""

    name: str
    cloud: FakeCloud
    outputs: dict[str, Any]

    @property
    def resources(self) -> list[DeclaredResource]:
        return self.cloud.resources


@pytest.fixture(scope="session")
def new_fake_cloud() -> Callable[[], FakeCloud]:
    """Makes an empty FakeCloud, to give `pulumi.runtime.set_mocks` (or `run_program`)."""
    return FakeCloud


@pytest.fixture(scope="session")
def declare_stack(new_fake_cloud: Callable[[], FakeCloud]) -> Callable[..., DeclaredStack]:
    """`declare_stack(stack, config_overrides=None, published_version=1)`: the real program (`__main__.py`,
    Pulumi.<stack>.yaml) run under Pulumi mocks on a fresh FakeCloud (whose publishes answer `published_version`)."""
    from devstack.program import run_program  # imports pulumi: only for the tests that declare the program

    def declare(
        stack: str, config_overrides: Mapping[str, str] | None = None, published_version: int = 1
    ) -> DeclaredStack:
        cloud = new_fake_cloud()
        cloud.published_version = published_version
        run = run_program(cloud, stack, config_overrides=dict(config_overrides or {}))
        # The engine learns `protect` from the registration; the mocks are not told, the resource objects know.
        protected = {(r._type, r._name): bool(r._protect) for r in run.resources}
        assert len(protected) == len(run.resources), "a type and logical name must identify one resource"
        for resource in cloud.resources:
            resource.protect = protected[(resource.type, resource.name)]
        return DeclaredStack(stack, cloud, run.outputs)

    return declare


@pytest.fixture(scope="session")
def declared_stacks(declare_stack: Callable[..., DeclaredStack]) -> dict[str, DeclaredStack]:
    """The program as declared for dev and for prod, run once per session."""
    return {name: declare_stack(name) for name in STACKS}


@pytest.fixture(params=STACKS)
def declared_stack(request: pytest.FixtureRequest, declared_stacks: dict[str, DeclaredStack]) -> DeclaredStack:
    """Each of dev and prod in turn."""
    return declared_stacks[request.param]


# --- collections that parse ----------------------------------------------------------------------------------


class _ParsesWhenCollected:
    """Garbage whose finalizer parses, as a logged traceback does on Python 3.11 (its caret anchors), and leaves
    the same garbage again for the next collection while ``armed``."""

    armed = False

    def __init__(self) -> None:
        self.cycle = [self]  # only the cyclic collector frees it, which runs at any allocation

    def __del__(self) -> None:
        ast.parse("anchor = ((1))")
        if _ParsesWhenCollected.armed:
            _ParsesWhenCollected()


@contextmanager
def _collections_that_parse() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(50)
    _ParsesWhenCollected.armed = True
    _ParsesWhenCollected()
    try:
        yield
    finally:
        _ParsesWhenCollected.armed = False
        gc.set_threshold(*thresholds)
        gc.collect()


@pytest.fixture(scope="session")
def collections_that_parse() -> Callable[[], AbstractContextManager[None]]:
    """Inside its `with`, collections run often, each one a finalizer that parses: before Python 3.13, one run
    mid-`ast.parse` makes that parse fail with "SystemError: AST constructor recursion depth mismatch"."""
    return _collections_that_parse


# --- card numbers: one set of cases for the handlers' check and the data-protection scan --------------------------

# 46722829-2871-4454-9...: all-digit leading groups that happen to be Luhn-valid with a Visa prefix.
_UUID_WITH_LUHN_VALID_DIGITS = "46722829-2871-4454-9abc-0123456789ab"
# A uuid4().hex holding 3676160677344 (Diners prefix 36, Luhn-valid): one such payment id failed CI's data
# protection scan. About one 32-digit hex id in a thousand holds a run like it.
_HEX_ID_WITH_LUHN_VALID_DIGITS = "e3676160677344f0e1d2c3b4a5968778"
_TRACE_ID_WITH_LUHN_VALID_DIGITS = "Root=1-6745a0cf-b3676160677344c0d1e2f3a4;Parent=53995c3f42cd8ad8;Sampled=0"
CARD_NUMBER_TEXTS = [
    "4111 1111 1111 1111",
    "card 4111-1111-1111-1111 here",
    "378282246310005",
    "tok_4111111111111111",  # a card number dressed as a token
    "card4111111111111111",  # glued to a word: not a hex identifier, though it ends in hex letters
    "4111111111111111 e3676160677344",
]
NOT_CARD_NUMBER_TEXTS = [
    f"requestId {_UUID_WITH_LUHN_VALID_DIGITS}",
    f'{{"payment_id": "pay_{_HEX_ID_WITH_LUHN_VALID_DIGITS}"}}',
    f"tok_visa_{_HEX_ID_WITH_LUHN_VALID_DIGITS.upper()}",
    f"2026/11/26/[$LATEST]{_HEX_ID_WITH_LUHN_VALID_DIGITS}",
    _TRACE_ID_WITH_LUHN_VALID_DIGITS,
    "timestamp 1795640786942",
    "4111 1111 1111 1112",  # Luhn-invalid
]
# The identifiers' digits on their own (inside a hex word too short to be an id): card-like, so the cases above
# are real traps.
TRAP_DIGITS = ["pay_3676160677344", "pay_e3676160677344f"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests asking for ``card_number_text``, ``not_card_number_text`` or ``trap_digits`` run once per case."""
    for name, cases in (("card_number_text", CARD_NUMBER_TEXTS), ("not_card_number_text", NOT_CARD_NUMBER_TEXTS),
                        ("trap_digits", TRAP_DIGITS)):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, cases)
