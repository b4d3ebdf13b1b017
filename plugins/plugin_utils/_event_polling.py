# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the Event-Driven Ansible sources share: their arguments, and a polling loop that survives the network.

- Arguments are checked with the modules' own connection argument spec (same names, same MIMECAST_*
  environment fallbacks, same messages), so a source and a module configured alike behave alike.
- The collection's client blocks, so each poll runs in a worker thread: the event loop is never blocked.
- Failures the client retries (429, 5xx, dropped connections, timeouts), once its retries are used up, and
  answers that cannot be read, are logged and polled again after a back-off: a source that dies ends the
  whole rulebook. Bad arguments, refused credentials and other errors of configuration end the source at
  once, with the message the modules give.
- Cancelling the source closes its HTTP session and ends it without an error.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import logging

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.mimecast.gateway.plugins.module_utils.client import MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    RESULT_ARGUMENT_SPEC,
    ConnectionSettings,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    MimecastAuthenticationError,
    MimecastError,
    MimecastOptionError,
    MimecastResponseError,
)

logger = logging.getLogger("mimecast.gateway.event_source")

# Options of every source, besides the connection options.
POLLING_ARGUMENT_SPEC = dict(
    interval=dict(type="float", default=60),
    page_size=dict(RESULT_ARGUMENT_SPEC["page_size"]),
)
# The longest wait between polls after failures (seconds), unless the interval itself is longer.
MAX_BACKOFF = 900.0


def checked_args(args, source_options, name):
    """The source's arguments, with defaults and MIMECAST_* fallbacks; MimecastOptionError for any bad one."""
    spec = dict(CONNECTION_ARGUMENT_SPEC, **POLLING_ARGUMENT_SPEC)
    spec.update(source_options)
    result = ArgumentSpecValidator(spec).validate(dict(args or {}))
    if result.error_messages:
        # Worded as AnsibleModule words them for the modules.
        messages = [("Unsupported parameters for mimecast.gateway.%s: %s" % (name, error.msg))
                    if isinstance(error, UnsupportedError) else error.msg for error in result.errors]
        raise MimecastOptionError(None, "; ".join(messages))
    params = result.validated_parameters
    if params["interval"] <= 0:
        raise MimecastOptionError("interval", "interval must be more than 0 seconds, got %g" % params["interval"])
    return params


def is_transient(error):
    """Whether polling again later may succeed: not for bad options or refused credentials."""
    if isinstance(error, (MimecastOptionError, MimecastAuthenticationError)):
        return False
    return error.transient or isinstance(error, MimecastResponseError)


def backoff(interval, failures):
    """Seconds to wait after ``failures`` failed polls in a row: doubling from the interval, up to MAX_BACKOFF."""
    return min(interval * 2 ** failures, max(interval, MAX_BACKOFF))


async def run_source(queue, args, source_options, new_poll, name):
    """Poll until cancelled: ``new_poll(params)`` gives a callable ``poll(client)`` returning the events of one poll.

    ``poll`` runs in a worker thread, one at a time, so it may keep state between polls without locks.
    """
    params = checked_args(args, source_options, name)
    settings = ConnectionSettings.from_params(params)
    for warning in settings.warnings:
        logger.warning("%s: %s", name, warning)
    poll = new_poll(params)
    client = MimecastClient(settings)
    failures = 0
    logger.info("%s: polling %s every %g s", name, settings.base_url, params["interval"])
    try:
        while True:
            try:
                events = await asyncio.to_thread(poll, client)
            except MimecastError as error:
                if not is_transient(error):
                    logger.error("%s: stopping: %s", name, error)
                    # The message says all (option, or code, status and request id): ansible-rulebook logs the
                    # traceback of a source that stops, and the client's frames in it would only bury the message.
                    raise error.with_traceback(None)
                failures += 1
                wait = backoff(params["interval"], failures)
                logger.warning("%s: poll %d in a row failed, polling again in %g s: %s", name, failures, wait, error)
                await asyncio.sleep(wait)
                continue
            failures = 0
            for event in events:
                await queue.put(event)
            logger.debug("%s: %d event(s)", name, len(events))
            await asyncio.sleep(params["interval"])
    except asyncio.CancelledError:
        logger.info("%s: cancelled", name)
    finally:
        client.close()
