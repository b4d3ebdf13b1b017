# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mail flow compliance, behind the ``compliance_settings``, ``compliance_evaluate`` and ``compliance_render``
filters and the ``compliance_report`` action of the ``mimecast.gateway.mail_flow_compliance`` role. Private to the
collection.

Kept free of Ansible objects so the unit tests can call it directly:

- ``variables``: the role's variable names, read from its ``meta/argument_specs.yml``;
- ``settings`` (with ``ages`` and ``probes``): the role's variables checked and normalised;
- ``checks`` (with ``guards``): one account's report from the modules' results;
- ``model``: the one model every renderer reads, an aggregate of one account or of several;
- ``render``: JSON, JUnit XML, Markdown and text (``text_renderers``), and HTML (``html_renderer``);
- ``report_files``: a report's files on the controller, written when changed, other formats removed.
"""
