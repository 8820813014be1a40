"""The emulator's control API: what AWS has no API for (fault injection, warm workers, metering), on its own port."""
