"""`sagactl rollout`: move the checkout saga's `live` alias to its newest version in steps, rolling back by itself."""
