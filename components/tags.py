"""The tags every resource of the stack carries, through the AWS provider's default tags.

One explicit provider with `default_tags`, passed to every component (children inherit it through `parent`), tags
each resource that AWS lets tag, and a resource created without it would stand out in the tests: there is no tagging
to forget per resource. Security Hub's tagging controls (resources of each kind should be tagged) and cost
allocation rely on these keys.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

APPLICATION, STACK, OWNER = "application", "stack", "owner"


def default_tags(owner: str) -> dict[str, str]:
    if not owner.strip():
        raise ValueError("the owner tag needs a value")
    return {APPLICATION: pulumi.get_project(), STACK: pulumi.get_stack(), OWNER: owner}


def tagged_provider(name: str, region: str | None, owner: str) -> aws.Provider:
    """The stack's AWS provider: `aws:region` from stack config (an explicit provider does not read it itself)."""
    return aws.Provider(name, region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags(owner)))
