# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One query with a start, cut into time windows fetched at once, and merged without duplicates.

Cursor paging is a chain: each page needs the previous page's token, so a query takes one round trip per
page, one after another. A query with a ``start`` can be cut into time windows, each a chain of its own:

- The whole range's first page comes first. When there is no second page, that one call was all, as before.
- Then [start, end] is cut into windows, fetched by the workers over the client's kept-alive connections. With
  ``totalCount`` (the hold list's answers have it), into WINDOWS_PER_WORKER windows a worker, each of an equal
  share of the pages, but of no fewer than PAGES_PER_WINDOW pages: every window costs a first page of its own
  and ends on a part-filled page, so that finer windows make more calls. Without it, into two windows a worker.
- A window whose first page shows it holds over RECUT_FACTOR times its share (a spike of held mail in one hour)
  is cut again, into windows of half a share, while the others go on.
- Neighbouring windows overlap by one second, because Mimecast does not say whether ``start`` and ``end`` are
  inclusive; the first page of a window that was cut again is kept too. Either way an item may come twice, and
  items are merged by id.
- Without an ``end``, the last window has none either, so it ends at Mimecast's now, as the serial query does.

The merged items come out window by window; ``order`` names the date field and direction to sort them by.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import math
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.mimecast.gateway.plugins.module_utils._paging import Pages
from ansible_collections.mimecast.gateway.plugins.module_utils.dates import UTC, parse_iso, to_mimecast
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastResponseError

OVERLAP = 1                  # seconds two neighbouring windows share
PAGES_PER_WINDOW = 3         # the fewest pages a window is cut to hold
WINDOWS_PER_WORKER = 1       # the windows a worker gets at the first cut, from totalCount
RECUT_FACTOR = 1.5           # a window holding over this many times its share of pages is cut again
MAX_WINDOWS_PER_WORKER = 8   # how finely one window may be cut again at most
MIN_SPAN = 2 * OVERLAP + 2   # seconds: a narrower window is not cut again


def _epoch(text):
    """A request's ``start``/``end`` (as dates.to_mimecast wrote it) to whole seconds."""
    return int(parse_iso(text).timestamp())


def _text(epoch):
    return to_mimecast(datetime.datetime.fromtimestamp(epoch, UTC))


class Window:
    """[start, end] in seconds; ``open_end``: send no end, so that Mimecast's now closes it.

    ``pages``: the pages it was cut to hold (its share), or None when the cut had no ``totalCount`` to go by.
    """

    __slots__ = ("start", "end", "open_end", "pages")

    def __init__(self, start, end, open_end=False, pages=None):
        self.start = start
        self.end = end
        self.open_end = open_end
        self.pages = pages

    def request(self, data):
        window = dict(data, start=_text(self.start))
        if self.open_end:
            window.pop("end", None)
        else:
            window["end"] = _text(self.end)
        return window

    def split(self, parts, pages=None):
        """``parts`` windows covering this one, each overlapping the next by OVERLAP seconds, each to hold ``pages``."""
        span = self.end - self.start
        parts = max(1, min(parts, span // MIN_SPAN))
        if parts < 2:
            return [self]
        cuts = [self.start + span * index // parts for index in range(parts + 1)]
        return [Window(max(self.start, cuts[index] - (OVERLAP if index else 0)), cuts[index + 1],
                       open_end=self.open_end and index == parts - 1, pages=pages) for index in range(parts)]


class WindowedPages:
    """The pages of one query with a ``start``, fetched in windows by ``concurrency`` workers, duplicates dropped.

    Iterates like Pages (lists of items); ``truncated`` is always false, since ``max_results`` keeps a query serial.
    """

    def __init__(self, client, endpoint, data, page_size, concurrency, order, now):
        self.client = client
        self.endpoint = endpoint
        self.path = endpoint.path
        self.data = data
        self.page_size = page_size
        self.concurrency = concurrency
        self.order = order
        self.truncated = False
        self.pages = 0
        self.response = None
        start = _epoch(data["start"])
        end = _epoch(data["end"]) if data.get("end") else max(start, int(now))
        self.whole = Window(start, end, open_end=not data.get("end"))
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def answer_error(self, message):
        """A MimecastResponseError about the last page a window answered, with its HTTP status and request id."""
        response = self.response
        return MimecastResponseError(message, status=response.status if response else None,
                                     request_id=response.request_id if response else None, path=self.path)

    def __iter__(self):
        seen = set()
        first = Pages(self.client, self.endpoint, self.whole.request(self.data), self.page_size, None)
        pages = iter(first)
        items = next(pages, [])  # Pages hands out at least one page, even an empty one
        self._count(first)
        yield self._new(items, seen)
        if not first.more:
            return
        if not items:
            next(pages, None)  # an empty page with a next token: Pages stops with its clear error, as serially
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="mimecast-window") as workers:
            pending = set(workers.submit(self._fetch, window) for window in self._first_cut(first, len(items)))
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        items, children = future.result()
                        pending.update(workers.submit(self._fetch, child) for child in children)
                        yield self._new(items, seen)
            finally:
                # An error, or a consumer that stopped reading: the other windows stop after their current page.
                self._stop.set()
                for future in pending:
                    future.cancel()

    def _first_cut(self, first, page_length):
        if first.total_count is None:
            return self.whole.split(2 * self.concurrency)
        # One long chain of pages a worker, rather than many short ones: each window costs its own first page, and
        # ends on a part-filled page. A share of the pages each, the whole range's first page fetched again.
        pages = math.ceil(first.total_count / float(max(1, page_length)))
        parts = max(2, min(math.ceil(pages / float(PAGES_PER_WINDOW)), WINDOWS_PER_WORKER * self.concurrency))
        return self.whole.split(parts, pages=pages / float(parts))

    def _fetch(self, window):
        """All the items of ``window`` (run by a worker), or its first page and the windows it was cut into."""
        pages = Pages(self.client, self.endpoint, window.request(self.data), self.page_size, None)
        items = []
        for index, page in enumerate(pages):
            items.extend(page)
            if self._stop.is_set():
                break
            # An empty first page tells nothing of the window's pages: the loop goes on, and Pages stops with its error.
            if index == 0 and page and pages.more and pages.total_count is not None:
                window_pages = math.ceil(pages.total_count / float(max(1, len(page))))
                share = window.pages or PAGES_PER_WINDOW
                if window_pages > max(2 * PAGES_PER_WINDOW, RECUT_FACTOR * share):
                    # Children of half a share: the spike's own, narrower, may be cut again in its turn.
                    child = max(PAGES_PER_WINDOW, share / 2.0)
                    parts = min(math.ceil(window_pages / child), MAX_WINDOWS_PER_WORKER * self.concurrency)
                    children = window.split(parts, pages=child)
                    if len(children) > 1:
                        self._count(pages)
                        return items, children
        self._count(pages)
        return items, []

    def _count(self, pages):
        with self._lock:
            self.pages += pages.pages
            self.response = pages.response

    @staticmethod
    def _new(items, seen):
        """The items not seen before; an item without a usable id cannot be matched, and is kept."""
        fresh = []
        for item in items:
            identifier = item.get("id")
            if isinstance(identifier, str):
                if identifier in seen:
                    continue
                seen.add(identifier)
            fresh.append(item)
        return fresh
