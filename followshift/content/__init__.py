"""Reading content/: files in, a typed model and diagnostics out. Knows nothing about HTML."""
