"""The aggregate (mean-field) counterpart of the agent model: the same lab, deterministic.

``model.aggregate.model`` holds :class:`AggregateModel` and :func:`simulate_aggregate`;
``week`` the compiled weekly update of the ideas in flight as a fluid; ``funnel`` the tables
of what the agents' rules do to the ideas a class starts; ``lineage`` the typical parent an idea
varies; ``outputs`` the agent model's columns and summary keys.
"""


def __getattr__(name):
    # Imported on first use: ``model.aggregate.funnel`` loads without the whole model.
    if name in ("AggregateModel", "simulate_aggregate"):
        from model.aggregate import model
        return getattr(model, name)
    raise AttributeError(name)


__all__ = ["AggregateModel", "simulate_aggregate"]
