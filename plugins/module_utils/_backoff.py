# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry policy of the collection, and the pacing that the calls of one task share."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import threading


class Backoff:
    """The one retry policy: exponential back-off with jitter, a floor from the server, a cap on the total.

    ``delay()`` returns how long to wait before the next attempt, or None when
    the retries or the total wait allowed are used up.
    """

    def __init__(self, retries, max_total_wait, base=0.5, cap=30.0, rand=random.random):
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.base = base
        self.cap = cap
        self.rand = rand

    def delay(self, retries_done, waited, floor=None):
        if retries_done >= self.retries:
            return None
        # "Equal jitter": half the exponential step fixed, half random, so clients spread out.
        step = min(self.cap, self.base * (2 ** retries_done))
        wait = step / 2 + self.rand() * step / 2
        if floor:
            # The server said when a call will be allowed again: never come back earlier.
            wait = max(wait, floor + self.rand() * min(1.0, 0.1 * floor + 0.05))
        if waited + wait > self.max_total_wait:
            return None
        return wait

    def delay_until(self, waited, floor, in_a_row):
        """How long to wait when the server said when to come back (a 429's reset), or None past the total allowed.

        Such a wait does not use up ``retries``, which bound real errors: only ``max_total_wait`` bounds it. It is
        never shorter than the server asked, and grows a little with each 429 this call met (``in_a_row``), so a
        server that keeps answering "come back in 1 ms" is not asked a thousand times a second.
        """
        wait = max(floor, min(self.cap, 0.05 * 2 ** min(in_a_row, 6)))
        wait += self.rand() * min(1.0, 0.1 * wait + 0.05)
        if waited + wait > self.max_total_wait:
            return None
        return wait


class RatePacer:
    """Holds back every call of one task when the rate limit runs out, rather than spending calls on 429s.

    Mimecast's limit is per API user, shared by every job, fork and event source, and its answers say how many
    calls remain (``X-RateLimit-Remaining``) and when more are allowed (the reset). When fewer remain than the
    task has workers, or after a 429, every call of the task waits until the reset, and then they go one by one,
    a short gap apart, so that the windows of one task never stampede.
    """

    def __init__(self, monotonic, sleep, max_total_wait, workers=1):
        self._monotonic = monotonic
        self._sleep = sleep
        self._max_total_wait = max_total_wait
        self.workers = workers
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._gap = 0.0

    def observe(self, remaining, reset, rate_limited=False):
        """Learn from an answer: ``remaining`` calls (or None), ``reset`` seconds until more are allowed (or None)."""
        if not reset or reset > self._max_total_wait:
            return  # nothing said, or a wait no task may take: the call goes, and the retry logic decides
        if rate_limited or (remaining is not None and remaining < self.workers):
            with self._lock:
                self._resume_at = max(self._resume_at, self._monotonic() + reset)
                self._gap = min(0.25, reset / max(1, self.workers))

    def wait_turn(self):
        """Wait until this call may go; return the seconds waited."""
        with self._lock:
            now = self._monotonic()
            if self._resume_at <= now:
                return 0.0
            delay = self._resume_at - now
            self._resume_at += self._gap  # the next caller goes a gap later
        self._sleep(delay)
        return delay
