"""Locks for what moto and the libraries under it do not make safe across the server's request threads."""
