"""The stack on the embedded emulator, for a person at a terminal: ``serve`` (until Ctrl-C) and ``demo``."""
