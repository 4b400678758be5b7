"""``python -m gk``."""

import sys

from gk.cli import main

sys.exit(main())
