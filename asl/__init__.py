"""Amazon States Language as data.

Pure functions that turn a saga description into a state machine definition (a plain dict). No Pulumi
types in here: the same definition is unit-tested, linted, executed on the emulator and deployed.
"""
