"""Privacy checks at the desk and in `check`: faces in photos (faces.py)."""
