"""Make ``ansible_collections.mimecast.gateway`` importable under plain pytest.

`make unit` creates the same link; this covers `pytest tests/unit` run from the
repository root without make.
"""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_COLLECTIONS = os.path.join(_ROOT, ".build", "collections")
_LINK = os.path.join(_COLLECTIONS, "ansible_collections", "mimecast", "gateway")

if not os.path.lexists(_LINK):
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    try:
        os.symlink(os.path.join("..", "..", "..", ".."), _LINK)
    except FileExistsError:  # created concurrently
        pass

if _COLLECTIONS not in sys.path:
    sys.path.insert(0, _COLLECTIONS)
