# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report as one self-contained HTML page: pass/fail tables and inline SVG charts, nothing loaded from elsewhere."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import html

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance import model


COLOURS = dict(held="#c05621", processing="#2b6cb0", axis="#4a5568", grid="#e2e8f0")
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;
color:#1a202c;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.5rem;border-bottom:1px solid #cbd5e0;padding-bottom:.3rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:#4a5568;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #cbd5e0;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#edf2f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:.25rem;padding:.05rem .45rem;font-weight:600;font-size:.85rem;white-space:nowrap}
.passed{background:#c6f6d5;color:#22543d}.failed{background:#fed7d7;color:#822727}
.error{background:#feebc8;color:#7b341e}.skipped{background:#e2e8f0;color:#4a5568}
tr.status-failed td,tr.status-error td{background:#fff5f5}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.chart{border:1px solid #e2e8f0;border-radius:.4rem;padding:.5rem;background:#fff}
svg text{font-family:inherit;font-size:12px;fill:#2d3748}
"""


def _e(text):
    return html.escape(str(text), quote=True)


def _badge(status, text=None):
    return '<span class="badge %s">%s</span>' % (status, _e(text or model.MARK[status]))


def _svg_bars_by_reason(held):
    """Horizontal bars: held messages per reason code, largest first."""
    title = "Held messages by reason"
    if not held["read"]:
        return _svg_empty("chart-held-by-reason", title, "The held messages were not read (%s)" % (held["error"] or "no held check is on"))
    items = sorted(held["by_reason_code"].items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return _svg_empty("chart-held-by-reason", title, "Nothing is held")
    label_width, bar_width, row, top = 290, 200, 26, 34
    width, height = label_width + bar_width + 60, top + row * len(items) + 10
    peak = max(count for _code, count in items)
    parts = [_svg_open("chart-held-by-reason", title, width, height),
             '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>' % _e(title)]
    for index, (code, count) in enumerate(items):
        y = top + index * row
        length = max(2, int(round(bar_width * count / float(peak))))
        shown = code if len(code) <= 40 else code[:39] + "\u2026"
        parts.append('<text x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>' % (label_width - 8, y + 15, _e(code), _e(shown)))
        parts.append('<rect class="bar" data-label="%s" data-count="%d" x="%d" y="%d" width="%d" height="%d" fill="%s" rx="2">'
                     '<title>%s: %d</title></rect>' % (_e(code), count, label_width, y + 3, length, row - 8, COLOURS["held"], _e(code), count))
        parts.append('<text x="%d" y="%d">%d</text>' % (label_width + length + 6, y + 15, count))
    parts.append("</svg>")
    return "".join(parts)


def _svg_age_histogram(report):
    """Grouped vertical bars: how old the held and processing messages are, per age bucket."""
    title = "Age of held and processing messages"
    series = [(name, report[name]) for name in ("held", "processing") if report[name]["read"]]
    if not series:
        return _svg_empty("chart-age-histogram", title, "Neither queue was read")
    buckets = report["age_buckets"]
    left, top, plot_w, plot_h, bottom = 44, 46, 460, 200, 40
    width, height = left + plot_w + 20, top + plot_h + bottom
    peak = max([max(section["age_histogram"] or [0]) for _name, section in series] + [1])
    step = max(1, -(-peak // 5))
    ceiling = step * -(-peak // step)
    group_w = plot_w / float(len(buckets))
    bar_w = (group_w - 16) / len(series)
    parts = [_svg_open("chart-age-histogram", title, width, height),
             '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>' % _e(title)]
    for index, (name, _section) in enumerate(series):
        x = left + index * 120
        parts.append('<rect x="%d" y="24" width="12" height="12" fill="%s"></rect><text x="%d" y="34">%s</text>'
                     % (x, COLOURS[name], x + 17, name))
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / float(ceiling)
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"></line>' % (left, left + plot_w, y, y, COLOURS["grid"]))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y + 4, tick))
    for bucket, label in enumerate(buckets):
        x0 = left + bucket * group_w + 8
        for index, (name, section) in enumerate(series):
            count = section["age_histogram"][bucket]
            bar_h = plot_h * count / float(ceiling)
            x = x0 + index * bar_w
            parts.append('<rect class="bar" data-series="%s" data-label="%s" data-count="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                         'fill="%s"><title>%s, %s: %d</title></rect>' % (name, _e(label), count, x, top + plot_h - bar_h, bar_w - 2,
                                                                         bar_h, COLOURS[name], name, _e(label), count))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (left + (bucket + 0.5) * group_w, top + plot_h + 18, _e(label)))
    parts.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"></line>' % (left, left + plot_w, top + plot_h, top + plot_h, COLOURS["axis"]))
    parts.append('<text x="%d" y="%d" text-anchor="middle">message age</text>' % (left + plot_w // 2, top + plot_h + 36))
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(css_class, title, width, height):
    return ('<svg class="%s" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" width="%d" height="%d" '
            'viewBox="0 0 %d %d"><title>%s</title>' % (css_class, _e(title), width, height, width, height, _e(title)))


def _svg_empty(css_class, title, text):
    return (_svg_open(css_class, title, 420, 70) + '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>'
            '<text class="empty" x="0" y="46">%s</text></svg>' % (_e(title), _e(text)))


def _html_account(report):
    out = ['<section class="account" id="account-%s">' % _e(report["file_stem"]),
           '<h2>%s %s</h2>' % (_e(report["account"]), _badge(report["status"], model.WORD[report["status"]])),
           '<p class="meta">%s. Generated %s.</p>' % (_e(model.summary_line(report)), _e(report["generated"]))]
    if report.get("stopped"):
        return "\n".join(out + ['<p class="stopped">%s %s</p>' % (_badge("error"), _e(model.account_error(report))), "</section>"])
    out += ['<table class="checks"><thead><tr><th>Result</th><th>Check</th><th>Observed</th><th>Limit</th><th>Details</th></tr></thead><tbody>']
    for check in report["checks"]:
        out.append('<tr class="status-%s" data-check="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            check["status"], _e(check["id"]), _badge(check["status"]), _e(check["name"]), _e(check["observed_text"]),
            _e(check["limit_text"]), _e(check["message"])))
    out.append("</tbody></table>")
    held, processing = report["held"], report["processing"]
    facts = []
    if held["read"]:
        facts.append("<li>Held: %d; by route: %s</li>" % (held["count"], _e(model.tally(held["by_route"]))))
    if processing["read"]:
        facts.append("<li>Processing: %d; by route: %s; most delivery attempts: %s</li>" % (
            processing["count"], _e(model.tally(processing["by_route"])), _e(processing["max_attempts"])))
    if facts:
        out.append("<ul>%s</ul>" % "".join(facts))
    out.append('<div class="charts"><div class="chart">%s</div><div class="chart">%s</div></div>'
               % (_svg_bars_by_reason(held), _svg_age_histogram(report)))
    out.append("</section>")
    return "\n".join(out)


def _overview(doc):
    """The aggregate's table: a row per account, linking to its section."""
    rows = ['<table class="accounts"><thead><tr><th>Account</th><th>Result</th><th>Passed</th><th>Failed</th>'
            '<th>Errors</th><th>Off</th><th>Failing checks or error</th></tr></thead><tbody>']
    for report in doc["accounts"]:
        counts = report["counts"]
        rows.append('<tr class="status-%s" data-account="%s"><td><a href="#account-%s">%s</a></td><td>%s</td><td class="num">%d</td>'
                    '<td class="num">%d</td><td class="num">%d</td><td class="num">%d</td><td>%s</td></tr>' % (
                        report["status"], _e(report["account"]), _e(report["file_stem"]), _e(report["account"]),
                        _badge(report["status"], model.WORD[report["status"]]), counts["passed"], counts["failed"], counts["error"],
                        counts["skipped"], _e(model.problems(report))))
    rows.append("</tbody></table>")
    return rows


def render_html(doc):
    """The aggregate opens with its overview table; every document has a section per account."""
    status = doc["status"]
    body = ['<h1>%s %s</h1>' % (_e(model.TITLE), _badge(status, model.WORD[status])),
            '<p class="meta">%s. Generated %s.</p>' % (_e(doc["summary"]), _e(doc["generated"]))]
    if doc["overview"]:
        body += _overview(doc)
    body += [_html_account(report) for report in doc["accounts"]]
    # The CSP forbids every external load: the page must stay readable as a CI artifact or an e-mail attachment.
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>%s: %s</title>\n<style>%s</style>\n</head>\n<body>\n%s\n</body>\n</html>\n'
            % (_e(model.TITLE), _e(model.WORD[status]), CSS, "\n".join(body)))
