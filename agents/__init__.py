"""Researcher agents: humans, autonomous AI cohorts and AI copilots."""
