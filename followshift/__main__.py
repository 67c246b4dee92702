"""`python -m followshift` runs the command line."""

from followshift.cli import entry

entry()
