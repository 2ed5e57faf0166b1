"""The aggregate (mean-field) counterpart of the agent model: the same lab as a few equations.

``model.aggregate.model`` holds the weekly equations (:class:`AggregateModel`); ``flow`` solves
which resource binds each group's openings, ``funnel`` tabulates the experiment ladder in
expectation, ``lineage`` the typical parent an idea varies, ``outputs`` writes the agent model's
columns and summary keys.
"""

from model.aggregate.model import AggregateModel, simulate_aggregate

__all__ = ["AggregateModel", "simulate_aggregate"]
