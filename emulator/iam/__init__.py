"""IAM on the emulator: what moto's IAM needs to answer concurrent requests."""
