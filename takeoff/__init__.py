"""The faces of the model: the command line, run outputs and calibration checks."""
