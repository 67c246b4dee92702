"""Publishing: the only code that writes the site folder (site/) or, later, a bucket.

Every generated file goes through an Output (local.py), which stages it and publishes the whole
build in one commit: a failed build publishes nothing, a reader never sees a half-written file,
and every link works at every moment of a commit. followshift owns the folder through its
manifest (manifest.py): it prunes only files the previous manifest lists and refuses a
non-empty folder without one. files.py holds the file operations, model.py the errors and the
values that pass between render workers and the writer, lock.py the one-writer-per-folder lock.

Nothing is re-exported here: import from the module that defines a name.
"""
