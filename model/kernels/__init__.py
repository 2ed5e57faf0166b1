"""Compiled inner loops of the research cycle (numba), over the model's own arrays.

Each kernel does, row by row, what a chain of numpy calls did over whole arrays, with the same
result to the bit: the numpy calls' fixed cost (a few microseconds each, hundreds a week) was most
of a week at 1,000 researchers, and sorting whole backlogs to merge a few new ideas was most of it
at 10,000. No kernel draws random numbers: draws stay with the model's generator, in the same
order. Kernels are compiled on first use and cached next to their files (``make`` compiles them at
install, ``python -m model.kernels``); ``NUMBA_DISABLE_JIT=1`` runs them as plain Python.
"""

from model.kernels.backlog import (
    estimates_and_truths,
    few_ideas,
    forget_stale,
    mark_held,
    merge_backlogs,
    order_statistics,
    peek_best,
    remove_entries,
    renumber,
    uniform_ranks,
)
from model.kernels.beliefs import bars, first_beliefs, means
from model.kernels.queue import (
    fair_starts,
    order_and_walk,
    queue_now,
    start_partial,
    start_runs,
    tally_queue,
    top_up,
    walk_queue,
    walkable_requests,
)
from model.kernels.research import engineer, read_results, review, spend_time, work_rates

__all__ = ["bars", "engineer", "estimates_and_truths", "fair_starts", "few_ideas",
           "first_beliefs", "forget_stale", "mark_held", "means", "merge_backlogs",
           "order_and_walk", "order_statistics", "peek_best", "queue_now", "read_results",
           "remove_entries", "renumber", "review", "spend_time", "start_partial", "start_runs",
           "tally_queue", "top_up", "uniform_ranks", "walk_queue", "walkable_requests",
           "work_rates"]
