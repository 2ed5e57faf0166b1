"""How large a lab the page runs for a visitor, checked before it is built.

The page builds and steps a lab inside a server that other visitors share, and it must open a
link within seconds. So it refuses, with one line naming the key and the limit, a scenario
whose lab would grow past ``MAX_HUMANS`` researchers at any week (at week 0, by hiring up to the
horizon, or over the burn-in for a shrinking team). On a 2-core machine a 10,000-researcher
baseline lab builds in about 4 s and steps in about 20 ms; a 100,000-researcher link took the
page 68 s and 2.5 GB to open. ``takeoff run`` runs larger labs.
"""

from __future__ import annotations

from model.scenario import Scenario, ScenarioError

MAX_HUMANS = 10_000


def peak_humans(scenario: Scenario) -> float:
    """The most researchers the lab will have at any week, from its hiring schedule."""
    h = scenario.humans
    growth = h.hiring_per_year
    years = scenario.run.weeks / 52.0
    history = scenario.run.burn_in_weeks / 52.0
    return h.count * max(1.0, growth ** years, growth ** -history)


def admit(scenario: Scenario, origin: str) -> None:
    """Refuse a scenario the page would not build and step quickly.

    Args:
        scenario: A validated scenario.
        origin: What it came from, for the message (``share link``, a file name, ...).

    Raises:
        ScenarioError: One line naming the key and the page's limit.

    """
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
