# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one retry policy of the collection."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random


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
