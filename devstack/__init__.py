"""The local stack harness: the Pulumi program deployed onto the embedded emulator, and what drives it.

    program     the real Pulumi program run on the SDK's mock engine (what `pulumi up` would create)
    deploy      a mock provider that creates each resource on the emulator (devstack.deploy.deploy)
    stack       LocalStack, started in this process or in a subprocess (in_process, in_subprocess)
    clients     boto3 clients for AWS or the emulator (AwsClients)
    executions  start executions and wait for their end (one TERMINAL, one wait loop)
    orders      the example orders and the stock they are written against
    control     client of the emulator's control API (faults, warm workers, metering)
    domain      the one bridge to handlers/checkout_domain (stock layout, token sealing)

Nothing is imported here: `sagactl trace` against AWS loads boto3 only, not moto or the Pulumi SDK.
"""
