"""DynamoDB as AWS runs it, where moto differs."""
