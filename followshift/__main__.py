"""`python -m followshift` runs the command line."""

from followshift.cli import main

main()
