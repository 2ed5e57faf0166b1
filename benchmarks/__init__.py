"""Benchmarks: how fast the model is, measured (``make bench`` runs ``python -m benchmarks``).

One process, one run, side by side: the cost per agent-step of ``takeoff`` next to Mesa's own
BoltzmannWealth example, the wall time and peak memory of whole runs, how cost grows with agents
and with weeks, and the time of one update of the app. Results go to ``benchmarks/RESULTS.md``.
A benchmark is not a test: nothing here asserts a timing; targets are reported as met or not.
"""
