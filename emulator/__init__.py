"""Embedded AWS emulator: moto in server mode plus a process-based Lambda runtime.

Kept import-free on purpose: Lambda workers run ``python -m emulator.lambda_runtime.worker``, which imports
this package first, and a worker must not pay for (or see) moto. Import ``emulator.server`` for the API.
"""
