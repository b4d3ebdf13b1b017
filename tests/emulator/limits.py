# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The service's rate limit and the emulator's traffic counters.
#
# Mimecast limits calls per API user, across every key, job, fork and source of that user
# (docs/mimecast-api.md, "Rate limits"): one budget for every client of the emulator.
# - Off (config rate_limit_per_second null, the default): nothing is refused, and answers carry the
#   hourly headers one API 2.0 deployment showed (10,000 calls an hour, the reset in milliseconds).
# - rate_limit_per_second N: N calls in each second of the clock. An answer within the budget says how many
#   calls are left in this second and the milliseconds until the next; a call over it gets HTTP 429 with
#   X-RateLimit-Remaining 0 and X-RateLimit-Reset the milliseconds until the next second's budget.
#   A refused call uses no budget. Token calls are never counted, as the emulator never counted them.
#
# The counters answer GET /_emulator/stats: the TCP connections that carried a non-control request
# (a kept-alive connection counts once) and the non-control requests, since the last reset.

import math

try:
    from .protocol import RATE_LIMIT, RATE_WINDOW, ApiError
except ImportError:  # run as a script: the script's own directory is on sys.path
    from protocol import RATE_LIMIT, RATE_WINDOW, ApiError

PER_SECOND_FAULT = "per_second_limit"  # the request log's `fault` of a call refused by the per-second budget


class Limits:
    """The budgets and counters; every method is called with the emulator's lock held."""

    def __init__(self, now):
        self.epoch = 0
        self.reset(now)

    def reset(self, now):
        self.hour = (now, RATE_LIMIT)       # (start of the hour window, calls left in it)
        self.second = (None, 0)             # (the clock second, calls used in it)
        self.clear_stats()

    def clear_stats(self):
        # A new epoch: a connection kept alive across the reset is counted again at its next request.
        self.epoch += 1
        self.connections = self.requests = self.refused = 0

    def stats(self):
        return {"ok": True, "connections": self.connections, "requests": self.requests, "rate_limited": self.refused}

    def count_request(self, connection_epoch):
        """Count one non-control request; returns the epoch the connection is now counted in."""
        self.requests += 1
        if connection_epoch != self.epoch:
            self.connections += 1
        return self.epoch

    def admit(self, per_second, now):
        """(None, the X-RateLimit-* headers) for a call within the budget, or (the 429 ApiError, None)."""
        if not per_second:
            return None, self._hourly(now)
        second = math.floor(now)
        used = self.second[1] if self.second[0] == second else 0
        # Whole milliseconds, rounded up: a client that waits exactly this long lands in the next second.
        reset_ms = max(1, int(math.ceil((second + 1 - now) * 1000)))
        if used >= per_second:
            self.refused += 1
            headers = {"X-RateLimit-Limit": str(per_second), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset_ms)}
            return ApiError(429, "err_rate_limit_exceeded", "Too many requests: %d calls a second allowed" % per_second,
                            retryable=True, headers=headers), None
        self.second = (second, used + 1)
        return None, {"X-RateLimit-Limit": str(per_second), "X-RateLimit-Remaining": str(per_second - used - 1),
                      "X-RateLimit-Reset": str(reset_ms)}

    def _hourly(self, now):
        start, remaining = self.hour
        if now - start >= RATE_WINDOW:
            start, remaining = now, RATE_LIMIT
        remaining = max(0, remaining - 1)
        self.hour = (start, remaining)
        return {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int((start + RATE_WINDOW - now) * 1000))}
