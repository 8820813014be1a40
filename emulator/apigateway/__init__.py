"""API Gateway REST APIs served on the emulator's port (execute-api), from what moto's apigateway backend holds."""
