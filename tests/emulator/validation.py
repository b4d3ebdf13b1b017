# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Request validation: each validator takes data[0] of a request and returns a
# normalised query, or raises the 400 the service would answer with.

try:
    from . import dataset
    from .protocol import MAX_REQUEST_PAGE_SIZE, bad_request
except ImportError:  # run as a script: the script's own directory is on sys.path
    import dataset
    from protocol import MAX_REQUEST_PAGE_SIZE, bad_request

TRACKING_MAX_AGE = 30 * 86400  # message-finder refuses older start dates
ROUTES = ("all", "internal", "outbound", "inbound", "external")
TRACK_ROUTES = ("internal", "outbound", "inbound")
# searchBy.fieldName of the hold list as the live service takes it. Mimecast's page says
# `reason_code`, but the service filters only on `reasonCode` (and takes `senderIP` too):
# the documented spelling is refused here, so a client sending it finds out at once.
HOLD_SEARCH_FIELDS = ("all", "subject", "sender", "recipient", "reasonCode", "senderIP")


def check_keys(obj, allowed, where="data[0]"):
    for key in obj:
        if key not in allowed:
            raise bad_request("err_validation_invalid_value", "Unknown field '%s' in %s" % (key, where))


def get_field(obj, name, kind=str, required=False, choices=None, label=None):
    """Fetch and type-check one field; None when it is absent and optional."""
    label = label or name
    if name not in obj:
        if required:
            raise bad_request("err_validation_blank", "Field '%s' is required" % label)
        return None
    value = obj[name]
    if value is None:
        raise bad_request("err_validation_null", "Field '%s' must not be null" % label)
    if kind is int:
        valid = isinstance(value, int) and not isinstance(value, bool)
    else:
        valid = isinstance(value, kind)
    if not valid:
        raise bad_request("err_validation_invalid_value", "Field '%s' must be of type %s" % (label, kind.__name__))
    if required and value in ("", [], {}):
        raise bad_request("err_validation_blank", "Field '%s' must not be blank" % label)
    if choices is not None and value not in choices:
        raise bad_request("err_validation_invalid_value", "Field '%s' must be one of: %s" % (label, ", ".join(choices)))
    return value


def date_window(item):
    """start/end in exactly YYYY-MM-DDTHH:MM:SS+0000; a trailing Z is refused, as by Mimecast."""
    bounds = []
    for name in ("start", "end"):
        value = get_field(item, name)
        if value is not None:
            try:
                value = dataset.parse_api_time(value)
            except ValueError:
                raise bad_request("err_validation_invalid_value",
                                  "Field '%s' must be formatted YYYY-MM-DDTHH:MM:SS+0000" % name) from None
        bounds.append(value)
    if None not in bounds and bounds[0] > bounds[1]:
        raise bad_request("err_validation_invalid_value", "Field 'start' must not be after 'end'")
    return bounds[0], bounds[1]


def validate_processing(item, now):
    check_keys(item, ("start", "end", "sortOrder", "searchBy", "type", "filterBy", "sortBy"))
    if not item:
        raise bad_request("err_validation_blank", "At least one field must be supplied in data[0]")
    start, end = date_window(item)
    query = {
        # Documented defaults: the last 7 days, the processing queue, newest first.
        "start": now - 7 * 86400 if start is None else start,
        "end": now if end is None else end,
        "queue": get_field(item, "type", choices=("processing", "bulk_processing")) or "processing",
        "descending": get_field(item, "sortOrder", choices=("ascending", "descending")) != "ascending",
        "search": None, "route": None, "attachments": None,
    }
    get_field(item, "sortBy")  # in Mimecast's sample, undocumented: accepted, results always sort by date
    search_by = get_field(item, "searchBy", dict)
    if search_by is not None:
        check_keys(search_by, ("fieldName", "value"), "searchBy")
        field = get_field(search_by, "fieldName", required=True, label="searchBy.fieldName",
                          choices=("ALL", "fromAddress", "toAddress", "subject", "info", "remoteIp"))
        query["search"] = (field, get_field(search_by, "value", required=True, label="searchBy.value"))
    for entry in get_field(item, "filterBy", list) or []:
        if not isinstance(entry, dict):
            raise bad_request("err_validation_invalid_value", "Field 'filterBy' must be a list of objects")
        check_keys(entry, ("fieldName", "value"), "filterBy")
        field = get_field(entry, "fieldName", required=True, choices=("route", "attachments"), label="filterBy.fieldName")
        if field == "route":
            query["route"] = get_field(entry, "value", required=True, choices=ROUTES, label="filterBy.value")
            continue
        value = entry.get("value")
        if value not in (True, False, "true", "false"):
            raise bad_request("err_validation_invalid_value", "Field 'filterBy.value' for attachments must be true or false")
        query["attachments"] = value in (True, "true")
    return query


def validate_tracking(item, now):
    check_keys(item, ("start", "end", "searchReason", "messageId", "advancedTrackAndTraceOptions"))
    start, end = date_window(item)
    if start is not None and start < now - TRACKING_MAX_AGE:
        raise bad_request("err_track_and_trace_invalid_start_date", "Field 'start' must not be more than 30 days ago")
    get_field(item, "searchReason")
    if ("messageId" in item) == ("advancedTrackAndTraceOptions" in item):
        raise bad_request("err_validation_invalid_value", "Exactly one of 'messageId' or 'advancedTrackAndTraceOptions' is required")
    query = {"start": start, "end": end, "messageId": get_field(item, "messageId", required="messageId" in item)}
    options = get_field(item, "advancedTrackAndTraceOptions", dict)
    if options is not None:
        where = "advancedTrackAndTraceOptions"
        check_keys(options, ("from", "to", "subject", "senderIP", "route"), where)
        for name in ("from", "to", "subject", "senderIP"):
            query[name] = get_field(options, name, label=where + "." + name)
        routes = get_field(options, "route", list, label=where + ".route") or []
        for route in routes:
            if route not in TRACK_ROUTES:
                raise bad_request("err_validation_invalid_value", "Field '%s.route' entries must be one of: %s" % (where, ", ".join(TRACK_ROUTES)))
        query["routes"] = routes
    return query


def validate_hold(item, now):
    del now  # no defaults depend on the clock here
    check_keys(item, ("admin", "start", "end", "searchBy"))
    start, end = date_window(item)
    query = {"start": start, "end": end, "admin": bool(get_field(item, "admin", bool)), "search": None}
    search_by = get_field(item, "searchBy", dict)
    if search_by is not None:
        check_keys(search_by, ("fieldName", "value"), "searchBy")
        field = get_field(search_by, "fieldName", label="searchBy.fieldName", choices=HOLD_SEARCH_FIELDS) or "all"
        value = get_field(search_by, "value", label="searchBy.value")
        if value:
            query["search"] = (field, value)
    return query


def validate_pagination(body):
    """(pageSize or None, pageToken or None).  Only camelCase keys count: a snake_case
    `page_size` is silently ignored, which is exactly the real service's trap."""
    meta = body.get("meta")
    if meta is None:
        return None, None
    if not isinstance(meta, dict):
        raise bad_request("err_validation_invalid_value", "Field 'meta' must be an object")
    pagination = meta.get("pagination")
    if pagination is None:
        return None, None
    if not isinstance(pagination, dict):
        raise bad_request("err_validation_invalid_value", "Field 'meta.pagination' must be an object")
    size = pagination.get("pageSize")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_REQUEST_PAGE_SIZE):
        raise bad_request("err_validation_invalid_value", "Field 'meta.pagination.pageSize' must be an integer from 1 to %d" % MAX_REQUEST_PAGE_SIZE)
    token = pagination.get("pageToken")
    if token is not None and (not isinstance(token, str) or not token):
        raise bad_request("err_invalid_page_token", "Field 'meta.pagination.pageToken' is not a valid page token")
    return size, token
