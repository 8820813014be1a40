"""The saga's reliability, checked: fault injection, the invariant check, chaos runs, recovery, bad input.

See docs/reliability.md. Everything here reads or drives a deployed stack through boto3 (AWS or the emulator);
fault injection needs the emulator's control API.
"""
