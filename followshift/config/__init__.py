"""The typed schema of the three YAML files a site has: site.yaml (site.py), a shift's
shift.yaml (shift.py) and teams.yaml (teams.py).

Each module reads its file into frozen values and reports every problem as a diagnostic.
Nothing here is re-exported: import from the module that owns the name.
"""
