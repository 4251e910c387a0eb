"""Benchmarks for geoapp: each prints its figures and a ratio against a baseline run alongside."""
