"""Reusable Pulumi ComponentResources for the checkout saga stack."""
