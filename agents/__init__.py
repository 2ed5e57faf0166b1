"""Researcher agents: humans, autonomous AI cohorts and AI copilots.

``researchers`` holds what every researcher does (choose, work, read results, engineer);
``humans`` and ``ai`` what differs by type.
"""
