"""Files shipped inside the package: JSON Schemas, worksheet templates, message catalogues.

They are read by their path next to this module (``importlib.resources`` costs more start-up
than the files themselves), so a plain checkout runs with ``python -m gk``.
"""

from __future__ import annotations

import os

FOLDER = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(FOLDER, "schemas")
TEMPLATES = os.path.join(FOLDER, "templates")
LOCALE = os.path.join(FOLDER, "locale")
