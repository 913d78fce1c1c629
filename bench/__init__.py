"""Benchmarks: `./dev bench` (or `python -m bench [--only NAME,…]`) prints one table each."""
