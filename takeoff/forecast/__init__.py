"""Forecasts over beliefs: ``takeoff forecast BELIEFS`` and ``takeoff discover DIR``.

A beliefs file (:mod:`takeoff.forecast.beliefs`) is a base scenario plus a distribution for
each uncertain key (:mod:`takeoff.forecast.distributions`); samples are drawn with quasi-Monte
Carlo and rank correlations (:mod:`takeoff.forecast.sampling`) and run on the sweep engine
(:mod:`takeoff.forecast.engine`), which records them resumably. The runs become probabilities
with their standard errors, fans and sensitivities (:mod:`takeoff.forecast.outcomes`), and
figures (:mod:`takeoff.forecast.plots`). Scenario discovery with PRIM
(:mod:`takeoff.forecast.discover`) finds the regions of the beliefs where an outcome is likely.
This package is a face: it imports the core, never the reverse.
"""
