# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Mimecast endpoints the collection calls, each with what the client must know about it.

The client reads ``permission`` for its hint when Mimecast refuses a role, and ``changes_state``
to decide what a lost answer means: a read is simply asked again; an action may already have been
applied, so the client reports it (MimecastOutcomeUnknown) instead of repeating it blindly.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class Endpoint:
    """One API path: the permission it needs, where its items sit, and whether it changes state."""

    __slots__ = ("path", "permission", "items_key", "changes_state")

    def __init__(self, path, permission, items_key=None, changes_state=False):
        self.path = path
        self.permission = permission
        # data[0][items_key] holds the items; None means data is the flat list of items.
        self.items_key = items_key
        self.changes_state = changes_state

    def __repr__(self):
        return "Endpoint(%r)" % self.path


PROCESSING_QUEUE = Endpoint("/api/gateway/find-processing-messages", "Monitoring | Processing | Read", items_key="messages")
MESSAGE_TRACKING = Endpoint("/api/message-finder/search", "Gateway | Tracking | Read", items_key="trackedEmails")
HOLD_LIST = Endpoint("/api/gateway/get-hold-message-list", "Account | Dashboard | Read")
HOLD_RELEASE = Endpoint("/api/gateway/hold-release", "Account | Monitoring | Held | Edit", changes_state=True)
HOLD_REJECT = Endpoint("/api/gateway/hold-reject", "Account | Monitoring | Held | Edit", changes_state=True)

ENDPOINTS = (PROCESSING_QUEUE, MESSAGE_TRACKING, HOLD_LIST, HOLD_RELEASE, HOLD_REJECT)
