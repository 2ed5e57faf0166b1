"""Calibration and validation: the facts the model must reproduce and the checks it must pass.

``command`` is ``takeoff validate`` (its rows and report); ``calibration`` measures the facts of
the calibration table (``takeoff calibrate``); ``aggregate``, ``returns`` and ``milestones``
measure the aggregate's agreement, the explosion boundary with lambda and r, and the AI 2027
milestones; ``plots`` draws a figure per row.
"""
