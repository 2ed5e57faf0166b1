"""An intelligence explosion is growth that accelerates and keeps accelerating.

Fast growth is not enough: a lab whose software doubles every month but ever more slowly is not
exploding (returns below 1 give that). The detector watches the doubling times of software
efficiency S, doubling after doubling: the lab explodes at the first doubling that completes
``explosion.doublings`` doublings whose mean time is at most half the mean of the as many before
them, the last no slower than those before. One doubling twice as fast as the one before it,
by luck, does not count; a sustained rise in speed over several doublings does, even if one of
them is slower than its neighbour.

S moves only when a frontier run ships (``model.frontier``), by what the ideas merged since the
last run were worth. Those ideas were found over the weeks between the runs, so a doubling's time
is placed by interpolating ln S linearly across that span; several doublings shipped by one run
get equal times, so acceleration shows only between runs, never within one.

The cap ``explosion.max_log10_efficiency`` is a separate safety stop: the run ends when S passes
it (``stop = "cap"``), exploded or not, and no value beyond it is ever exponentiated.
"""

from __future__ import annotations

import math

LN2 = math.log(2.0)


class DoublingClock:
    """The times at which S doubled, and the explosion rule over them.

    Args:
        doublings: Doublings whose mean time must be half the mean of as many before them.

    """

    def __init__(self, doublings: int):
        self.window = doublings
        self.times: list[float] = []  # week at which S first reached 2^(k+1)
        self._last = (0.0, 0.0)  # (week, ln S) of the last shipment
        self.explosion_week: int | None = None

    @property
    def doubling_weeks(self) -> list[float]:
        """Weeks each doubling took (the first counted from week 0)."""
        out, before = [], 0.0
        for t in self.times:
            out.append(t - before)
            before = t
        return out

    def ship(self, week: int, ln_s: float) -> bool:
        """S moved to ``ln_s`` at ``week``; return whether the lab has now exploded."""
        start_week, start = self._last
        self._last = (float(week), ln_s)
        if ln_s <= start:
            return self.explosion_week is not None
        k = len(self.times) + 1
        while k * LN2 <= ln_s and k * LN2 > start:
            share = (k * LN2 - start) / (ln_s - start)
            self.times.append(start_week + share * (week - start_week))
            k += 1
            if self.explosion_week is None and self._accelerating():
                self.explosion_week = int(week)
        return self.explosion_week is not None

    def _accelerating(self) -> bool:
        n = self.window
        d = self.doubling_weeks[-2 * n:]
        if len(d) < 2 * n:
            return False
        before = sum(d[:n]) / n
        return sum(d[n:]) / n <= 0.5 * before and d[-1] <= before
