"""Carries out a plan: the uploads group by group (each group in parallel on a thread pool; a
group starts when the one before it is complete), then the removals, and the bucket's manifest
before and after.

Order of writes, so that a publish stopped at any moment (a dropped connection, a 503 that
outlasts the retries, Ctrl-C) leaves a bucket in which every link resolves and the next publish
converges: (1) when new keys are about to appear, a small object of its own (remote.PENDING_KEY)
first records them as pending (they are followshift's, whatever happens next; the 2 MB
manifest of a big site is not rewritten for that); (2) the groups, in order, stopping after a
group in which anything failed, since later groups link to it; (3) the removals, only when
everything new is up; (4) the manifest with what is now there (what may or may not be up after
a failure stays pending in it), then the pending object goes. A failure still writes (4), so
the next publish does not send again what did get up.

Each upload reads its file, checks it against the local manifest's sha256 (a file changed
after the build is refused, not published under the old hash) and sends it in one PUT whose
payload SHA-256 is signed (client.py), which the store checks the bytes against. An object
whose headers alone changed is sent again with the new ones (obstore cannot replace an
object's headers in place; a header rule changes with a new followshift, rarely).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from followshift.publish.client import DeleteRefused, StoreError, describe
from followshift.publish.plan import Plan, RefusedError, Step
from followshift.publish.remote import MARK, Entry, Remote
from followshift.publish.target import RemoteError, redact


class ChangedError(Exception):
    """A file of site/ no longer holds what the build wrote."""


@dataclass
class Result:
    uploaded: int = 0
    copied: int = 0  # sent again for new headers only
    deleted: int = 0
    unchanged: int = 0
    sent: int = 0  # bytes uploaded
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one line)
    seconds: float = 0.0
    entries: dict[str, Entry] = field(default_factory=dict)  # the bucket's manifest after it

    @property
    def ok(self) -> bool:
        return not self.failed


def apply(
    plan: Plan,
    remote: Remote,
    progress: Callable[[Step], None] | None = None,
) -> Result:
    """Publishes the plan. Raises RefusedError (nothing done) for a plan over --max-deletes,
    RemoteError when the bucket's manifest cannot be written before anything is sent; every
    other failure is in Result.failed (the bucket is then partly updated, every link intact)."""
    if plan.refusal is not None:
        raise RefusedError(plan.refusal)
    start = time.perf_counter()
    result = Result(unchanged=len(plan.keep) - len(plan.copies))
    entries = dict(plan.keep)
    lock = threading.Lock()
    known = set(plan.view.entries) - set(plan.view.pending)
    fresh = {s.rel for s in plan.uploads if s.rel not in known}
    # Keys that stay followshift's until the final manifest says otherwise (see the docstring).
    pending = fresh | plan.owned | set(plan.view.pending) | set(plan.deletes)
    pending |= {s.rel for s in plan.uploads}
    wrote_pending = bool(fresh or plan.view.manifest != "found" or plan.view.pending)
    if wrote_pending:
        remote.write_pending(pending)

    def run(step: Step) -> None:
        try:
            entry, sent = _send(remote, plan, step)
        except ChangedError as exc:
            with lock:
                result.failed.append((step.rel, str(exc)))
            return
        except Exception as exc:
            with lock:
                result.failed.append((step.rel, describe(exc, remote.client.secrets)))
            return
        with lock:
            entries[step.rel] = entry
            if step.copy:
                result.copied += 1
            else:
                result.uploaded += 1
            result.sent += sent
        if progress is not None:
            progress(step)

    for group in plan.groups():
        _each(group, run, remote.workers)
        if result.failed:
            break  # what comes later links to what failed
    deleted: set[str] = set()
    if not result.failed and plan.deletes:
        deleted, failures = _delete(remote, plan.deletes)
        result.deleted = len(deleted)
        result.failed.extend(failures)
        for rel in deleted:
            entries.pop(rel, None)
    # After a failure, what may be up but is not known exactly stays followshift's (pending).
    leftover = pending - entries.keys() - deleted if result.failed else set()
    view = plan.view
    changed = plan.steps or deleted or result.failed or entries != view.entries
    try:
        if changed or view.manifest != "found" or view.pending:  # else it says this already
            remote.write_manifest(entries, leftover)
        if wrote_pending or view.pending_object:  # the manifest now says what it said
            remote.drop_pending()
    except RemoteError as exc:
        result.failed.append((".followshift/manifest.json", str(exc)))
    result.entries = entries
    result.seconds = time.perf_counter() - start
    return result


def _each(steps: list[Step], run: Callable[[Step], None], workers: int) -> None:
    """`run` on every step, `workers` at a time: plain threads taking the steps from one
    iterator (a thread pool's Future per step cost ~40 us of CPU each, 2-3 % of a first
    publish's). Ctrl-C stops handing out steps at once, not after the group: the record
    written first lists every new key, and each object sent carries its mark, so the next
    publish sorts out the requests that were under way."""
    source = iter(steps)
    lock = threading.Lock()
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            with lock:
                step = next(source, None)
            if step is None:
                return
            run(step)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(workers, len(steps)))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        stop.set()
        raise


def _send(remote: Remote, plan: Plan, step: Step) -> tuple[Entry, int]:
    path = str(plan.site.root) + os.sep + step.rel.replace("/", os.sep)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ChangedError(f"cannot read {path}: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != step.sha:
        raise ChangedError(
            f"{path} changed after the build; run `followshift build` and publish again"
        )
    headers = step.headers
    etag = remote.client.put(
        plan.target.key(step.rel),
        data,
        headers.content_type,
        headers.cache_control,
        {MARK: step.sha},
    )
    if not etag:
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return Entry(step.sha, etag, len(data), headers), len(data)


def _delete(remote: Remote, rels: list[str]) -> tuple[set[str], list[tuple[str, str]]]:
    """DeleteObjects, 1,000 keys a request: the paths deleted, and the failures. A refusal of
    any key fails its whole batch; which of its keys did go is found by the next listing."""
    target, deleted, failed = remote.target, set(), []
    for at in range(0, len(rels), 1000):
        batch = rels[at : at + 1000]
        try:
            remote.client.delete([target.key(rel) for rel in batch])
        except DeleteRefused as exc:  # the store's text, made safe to print like all of it
            rel = exc.key[len(target.prefix) :] if exc.key.startswith(target.prefix) else batch[0]
            text = redact(f"cannot delete: {exc}", remote.client.secrets)
            failed.append((rel if rel in batch else batch[0], text))
            break
        except StoreError as exc:
            failed.append((batch[0], "cannot delete: " + describe(exc, remote.client.secrets)))
            break
        deleted.update(batch)
    return deleted, failed
