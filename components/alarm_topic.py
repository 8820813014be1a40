"""The stack's alarm topic: where what needs a human goes (an SNS topic, optionally e-mailed).

The security events (components/security_events.py) publish here. It is meant to be *the* alarm destination of the
stack: the operations work (CloudWatch alarms, issue #17) should publish to this topic rather than create another,
adding its publishers to `AlarmTopicArgs` (and, in prod, to the key policy's encryption context for the topic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import naming


@dataclass(frozen=True)
class AlarmTopicArgs:
    # EventBridge rules (ARNs, known before the rules exist) that may publish; nothing else may, by this policy.
    event_rule_arns: Sequence[pulumi.Input[str]]
    # CloudWatch alarms (an ARN pattern, ArnLike) that may publish: the operations alarms (components/saga_alarms.py).
    alarm_arns: Sequence[pulumi.Input[str]] = ()
    # The stack's customer-managed key (prod); None: not encrypted (dev: an AWS-managed SNS key would lock
    # EventBridge out, since its key policy cannot be changed).
    kms_key_arn: pulumi.Input[str] | None = None
    # Subscribed by e-mail (the recipient must confirm); None: subscribe later, e.g. a pager.
    email: str | None = None

    def __post_init__(self) -> None:
        if not self.event_rule_arns:
            raise ValueError("an alarm topic needs at least one publisher")


class AlarmTopic(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:operations:AlarmTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(
            name,
            # Named up front: the key policy's statement for EventBridge names the topic's ARN (its encryption context).
            name=naming.topic_name(name),
            kms_master_key_id=args.kms_key_arn,
            opts=child,
        )
        self.policy = aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=self.topic.arn,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TheStackEventRulesPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": self.topic.arn,
                            # EventBridge names the rule that matched (confused deputy): these rules only.
                            "Condition": {"ArnEquals": {"aws:SourceArn": list(args.event_rule_arns)}},
                        },
                        *(
                            [
                                {
                                    "Sid": "TheStackAlarmsPublish",
                                    "Effect": "Allow",
                                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                    "Action": "sns:Publish",
                                    "Resource": self.topic.arn,
                                    "Condition": {"ArnLike": {"aws:SourceArn": list(args.alarm_arns)}},
                                }
                            ]
                            if args.alarm_arns
                            else []
                        ),
                    ],
                }
            ),
            opts=child,
        )
        if args.email is not None:
            self.subscription = aws.sns.TopicSubscription(
                f"{name}-email", topic=self.topic.arn, protocol="email", endpoint=args.email, opts=child
            )
        self.topic_arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic_arn})
