"""How large a lab the page runs for a visitor, checked before it is built.

The page builds and steps a lab inside a server that other visitors share, and it must open a
link within seconds. So it refuses, with one line naming the key and the limit:

- what ``takeoff run`` refuses (:func:`model.limits.check`: too slow or too large to run here);
- a lab that would grow past ``MAX_HUMANS`` researchers at any week (at week 0, or by hiring up
  to the horizon). Building the lab (its burn-in) costs about 2.9 ms of CPU per researcher here
  (``farm-bench`` on building the baseline in a fresh process: 3.8 s with 200 researchers, 9.0 s
  with 2,000), and in the browser, on this shared 2-core machine, a 1,000-researcher link drew
  its charts 7 to 9 s after it was opened (the baseline's 200: 5 to 6 s; 2,000: 10 to 15 s).

``takeoff run`` runs larger labs.
"""

from __future__ import annotations

from model.limits import check as core_check
from model.scenario import Scenario, ScenarioError

MAX_HUMANS = 1_000


def peak_humans(scenario: Scenario) -> float:
    """The most researchers the lab will have at any week, from its hiring schedule.

    The schedule starts at week 0 (the burn-in runs with the week-0 team) and nobody is let go.
    """
    h = scenario.humans
    return h.count * max(1.0, h.hiring_per_year ** (scenario.run.weeks / 52.0))


def admit(scenario: Scenario, origin: str) -> None:
    """Refuse a scenario the page would not build and step quickly.

    Args:
        scenario: A validated scenario.
        origin: What it came from, for the message (``share link``, a file name, ...).

    Raises:
        ScenarioError: One line naming the key and the limit.

    """
    core_check(scenario, origin)
    count = scenario["humans.count"]
    if count > MAX_HUMANS:
        raise ScenarioError(f"{origin}: key 'humans.count': the page runs labs of at most "
                            f"{MAX_HUMANS:,} researchers, got {count:,}; run it with "
                            f"'takeoff run'")
    peak = peak_humans(scenario)
    if peak > MAX_HUMANS:
        raise ScenarioError(f"{origin}: key 'humans.hiring_per_year': this hiring schedule grows "
                            f"the lab to {peak:,.0f} researchers; the page runs labs of at most "
                            f"{MAX_HUMANS:,}; run it with 'takeoff run'")
