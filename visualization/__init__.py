"""Pictures of runs: static matplotlib figures (CLI) and the interactive Solara page."""
