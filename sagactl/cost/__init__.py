"""The AWS bill of the checkout saga and the order validation, computed from behaviour measured on the emulator.

prices.json holds the price table (its source and date); model.py turns measured behaviour (state
transitions, Lambda invocations and billed milliseconds, Express billing, DynamoDB request units, KMS
requests) into dollars, purely; measure.py measures that behaviour on a stack deployed on the emulator; cli.py
is ``sagactl cost``.
"""
