"""gk: checks and reports for the data repositories of 'Gemeinsam klappt's'."""

__version__ = "0.1.0"
