"""The commands of the command line, one module each (Click only; the work is elsewhere).

options.py holds what they share: the option groups, the checks of --now, --base-url and
SOURCE_DATE_EPOCH, the one place where flags become BuildOptions, and the exit codes.
"""
