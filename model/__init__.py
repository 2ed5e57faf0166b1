"""The takeoff model: the lab, its research cycle and its measurements (the core).

The core imports no face: the CLI, the app and the sweeps import it, never the reverse.
"""
