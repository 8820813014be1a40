"""ItemBatcher for Distributed Map states (extension sfn-item-batcher): declaration.py takes it out of a definition
and checks it, batches.py cuts the items into batches, interpreter.py hooks both into moto's interpreter."""
