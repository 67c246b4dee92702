"""Rendering: the model → a mapping of output paths to bytes. Never touches site/."""
