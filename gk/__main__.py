"""``python -m gk``."""

from gk.cli import main

main()
