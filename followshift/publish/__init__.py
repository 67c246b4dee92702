"""Publishing: the only code that writes the site folder (site/) or a bucket.

Every generated file goes through an Output (local.py), which stages it and publishes the whole
build in one commit: a failed build publishes nothing, a reader never sees a half-written file,
and every link works at every moment of a commit. followshift owns the folder through its
manifest (manifest.py): it prunes only files the previous manifest lists and refuses a
non-empty folder without one. files.py holds the file operations, model.py the errors and the
values that pass between render workers and the writer, lock.py the one-writer-per-folder lock.

`followshift publish` sends a built site/ to an S3-compatible bucket: bucket.py (the
Publisher: plan, then apply) over target.py (target, client, credentials kept out of
messages), remote.py (the bucket's own record and the listing it is checked against), plan.py
(the diff and the refusals), rules.py (headers and order groups by kind) and upload.py.

Nothing is re-exported here: import from the module that defines a name.
"""
