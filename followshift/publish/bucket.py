"""Publishing site/ to an S3-compatible bucket: the entry point for `publish` (and for `watch
--publish`, which keeps one Publisher for its whole run).

    publisher = Publisher(parse_target("s3://bucket/prefix/"))
    plan = publisher.plan(Path("site"))       # reads the bucket, sends nothing
    result = publisher.apply(plan)            # uploads, in order; removals last

A Publisher keeps its client (connections stay open) and, after a publish that went through,
what the bucket holds: the next `plan(verify=False)` then compares with that instead of
listing the bucket again, which is what a watch cycle wants (a cycle after a failure lists
again). The parts: target.py (the target, the client, credentials kept out of messages),
remote.py (the bucket's manifest, the listing, the mark on each object), plan.py (the diff, the
order, the refusals), rules.py (headers and order groups by kind), upload.py (carrying out a
plan). Holding the output folder's lock (lock.py) is the caller's part, as for a build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from followshift.publish.client import Client, make_client
from followshift.publish.plan import MAX_DELETES, Plan, Step, make_plan, read_site
from followshift.publish.remote import Listed, Remote, RemoteView
from followshift.publish.target import WORKERS, Target
from followshift.publish.upload import Result, apply


class Publisher:
    """One target, one client, and what the bucket held after the last publish."""

    def __init__(
        self, target: Target, client: Client | None = None, workers: int = WORKERS
    ) -> None:
        self.target = target
        self.remote = Remote(client or make_client(target), target, workers)
        self._view: RemoteView | None = None

    @property
    def client(self) -> Client:
        return self.remote.client

    def close(self) -> None:
        """Closes the client's connections (a Publisher made with a client of its own)."""
        self.remote.client.close()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def plan(self, site: Path, max_deletes: int = MAX_DELETES, verify: bool = True) -> Plan:
        """What publishing `site` would do. Reads the bucket's manifest and listing, unless
        `verify` is False and the last publish of this Publisher went through. Raises
        RefusedError (the site or the bucket may not be published: exit 2) or RemoteError."""
        local = read_site(site)
        view = self._view if (self._view is not None and not verify) else self.remote.view()
        return make_plan(local, self.target, view, self.remote.heads, max_deletes)

    def apply(self, plan: Plan, progress: Callable[[Step], None] | None = None) -> Result:
        """Carries out the plan (see upload.apply)."""
        self._view = None
        result = apply(plan, self.remote, progress)
        if result.ok:
            listing = {
                rel: seen
                for rel, seen in plan.view.listing.items()
                if rel not in plan.site.files and rel not in plan.deletes
            }
            listing.update({rel: Listed(e.etag, e.size) for rel, e in result.entries.items()})
            self._view = RemoteView(dict(result.entries), set(), listing)
        return result
