"""``sagactl http``: a SigV4-signed call to the checkout API (AWS, or the emulator's execute-api URL)."""
