"""Runs deployed Lambda code archives in warm worker processes (see runtime.LambdaRuntime).

Import-free on purpose: the worker process imports this package before its own module.
"""
