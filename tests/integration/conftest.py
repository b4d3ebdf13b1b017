# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from harness import ansible_playbook, emulator, fresh_emulator, tls_emulator  # noqa: F401 pylint: disable=unused-import
