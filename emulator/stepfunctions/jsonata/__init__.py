"""JSONata and Variables in the emulator's Step Functions: jsonatapy evaluates what moto's interpreter parses."""
