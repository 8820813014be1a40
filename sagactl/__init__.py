"""sagactl: operator tooling for the checkout saga, on AWS or on the embedded emulator."""
