"""Headless parameter sweeps: ``takeoff sweep FILE --out DIR``.

A sweep file is a scenario plus a ``[sweep]`` table (:mod:`takeoff.sweep.spec`); its design points
(:mod:`takeoff.sweep.design`) times its replicate seeds are runs, executed in local processes or on
a Dask cluster (:mod:`takeoff.sweep.runner`) and recorded one by one, as each finishes, in a
resumable store (:mod:`takeoff.sweep.store`). Plots (:mod:`takeoff.sweep.plots`) and sensitivity
indices (:mod:`takeoff.sweep.sensitivity`) are written at the end. This package is a face: it
imports the core, never the reverse.
"""
