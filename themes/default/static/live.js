/* followshift live updates (docs/live.md). The page is complete without this file: while a live
 * shift's tab is visible it polls live.json, holds new posts behind an "N new posts" button,
 * updates corrected posts, drops retracted ones and keeps what the reader reads in place. A
 * reader who turns notifications on ("Meldingen aan", the page's #live-notify template) gets a
 * browser notification for each new highlight, also while the tab is hidden (then it polls
 * 6 times less often). Every string it shows comes from the page's data-msg-* attributes. */
(() => {
  "use strict";
  const timeline = document.querySelector(".timeline[data-live]");
  if (!timeline || !window.fetch || !window.Map || !window.URL || !timeline.after ||
      !("visibilityState" in document) || !("content" in document.createElement("template"))) {
    return; // an old browser: the static page is all there is
  }

  const data = timeline.dataset;
  const source = new URL(data.live, document.baseURI);
  const newestFirst = data.order !== "oldest-first";
  const lang = document.documentElement.lang || undefined;
  const hook = window.FOLLOWSHIFT_POLL_MS; // tests: a fixed interval in ms
  const baseTitle = document.title;
  const time = Date.parse;
  const dayOf = (el) => el.dataset.time.slice(0, 10); // the site's local date
  const articles = () => Array.from(timeline.children).filter((el) => el.matches("article.post"));
  const count = (n) => (n === 1 ? data.msgOne : (data.msgMany || "").replace("{n}", n)) || "";

  const HIDDEN = 6; // a hidden tab with notifications on polls 6 times less often
  let interval = typeof hook === "number" ? hook : 10000;
  let failures = 0, timer = 0, busy = false, stopped = false;
  // The newest post time of the shift this page has seen (on the page or in a live.json): a
  // live.json whose window starts later may have left out posts the page never got.
  let seen = Math.max(-Infinity, ...articles().map((a) => time(a.dataset.time)));
  // A team page shows only its team's posts; the shift's last update when it was built says
  // how far the whole shift had come (partials/live_tools.html).
  const built = document.getElementById("live-notify");
  if (built && built.dataset.updated) seen = Math.max(seen, time(built.dataset.updated));
  let behind = false; // then the button reloads the page instead of inserting
  let notify = { on: false, arrived() {}, end() {} }; // notifications(), below
  let etag = ""; // the validator of the live.json last applied, when the host sends one
  let held = []; // posts of the last live.json that belong here but are not shown yet
  let announced = 0; // how many of them the reader has been told about

  // The button sits in a zero-height sticky bar (showing it moves nothing); a polite status.
  const make = (tag, className) => Object.assign(document.createElement(tag), { className });
  const bar = make("div", newestFirst ? "live-bar" : "live-bar live-bar-end");
  const button = make("button", "live-new");
  const status = make("div", "live-status visually-hidden");
  bar.hidden = true;
  button.type = "button";
  bar.append(button);
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  if (newestFirst) timeline.before(bar, status); else timeline.after(bar, status);

  function say(parts) {
    const text = parts.filter(Boolean).join(" ");
    // The same words again are news again: vary them invisibly so they are read out.
    if (text) status.textContent = text === status.textContent ? `${text}\u00a0` : text;
  }
  function render() {
    bar.hidden = !held.length;
    if (held.length) button.textContent = count(held.length);
    document.title = held.length ? `(${held.length}) ${baseTitle}` : baseTitle;
  }

  // -- polling: while visible (hidden: only with notifications on, HIDDEN times slower),
  // ±20 % jitter, exponential back-off up to 5 min after errors
  const visible = () => document.visibilityState === "visible";
  const wanted = () => !stopped && (visible() || notify.on);
  function schedule(ms) {
    clearTimeout(timer);
    if (wanted()) {
      timer = setTimeout(poll, ms * (visible() ? 1 : HIDDEN) * (0.8 + Math.random() * 0.4));
    }
  }
  async function poll() {
    clearTimeout(timer);
    if (busy || !wanted()) return;
    busy = true;
    let wait = interval;
    try {
      // no-store: never a stale copy from the browser's cache, even from a host whose
      // Last-Modified has 1 s resolution. Only an ETag (a bucket's or a CDN's: the bytes'
      // hash) is sent back, as If-None-Match: "304 Not Modified" is a few hundred bytes
      // instead of the whole live.json, so a CDN answers a crowd polling every few seconds
      // cheaply (docs/publishing.md). A request that hangs on a bad mobile connection is
      // given up after 15 s (an error).
      const abort = window.AbortController && new AbortController();
      const signal = abort && abort.signal, give = abort && setTimeout(() => abort.abort(), 15000);
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(source.href, { cache: "no-store", headers, signal });
      if (response.status === 304) {
        clearTimeout(give);
        failures = 0;
        preserving(() => ages(false)); // nothing new; "3 min. ago" moves on all the same
      } else {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const doc = await response.json();
        clearTimeout(give);
        if (!doc || !Array.isArray(doc.posts)) throw new Error("not a live.json");
        failures = 0;
        if (typeof hook !== "number" && doc.poll > 0) interval = wait = doc.poll * 1000;
        apply(doc);
        etag = response.headers.get("ETag") || "";
        if (doc.poll === 0) stop(doc.status); // the shift is over: nothing more to fetch
      }
    } catch (error) {
      failures += 1;
      wait = Math.min(300000, interval * 2 ** failures);
    }
    busy = false;
    schedule(wait);
  }
  function onVisibility() {
    if (visible()) poll(); else schedule(interval);
  }
  function stop(state) {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("online", onVisibility);
    notify.end();
    preserving(() => ages(true)); // relative times would go stale
    if (state === "ended") say([data.msgEnded]);
  }

  // -- one live.json
  function apply(doc) {
    const mine = (p) => p && p.id && p.html && (!data.team || p.team === data.team);
    const posts = doc.posts.filter(mine);
    const byId = new Map(posts.map((p) => [p.id, p]));
    const shown = articles();
    const since = doc.since ? time(doc.since) : Infinity;
    // A post at exactly `since` may be just outside the window, unless it holds every post.
    const whole = doc.count <= doc.posts.length;
    // Posts between the newest one seen and the window's start were never in a live.json this
    // page got (a tab hidden for long, polls that failed): offer a reload rather than a hole.
    if (!whole && since > seen && seen > -Infinity) behind = true;
    for (const p of doc.posts) seen = Math.max(seen, time(p.time));
    let changed = 0, removed = 0;
    preserving(() => {
      for (const a of shown) {
        const post = byId.get(a.id), t = time(a.dataset.time);
        if (post && time(post.modified) !== time(a.dataset.modified)) {
          const fresh = build(post);
          if (fresh) changed += replace(a, fresh);
        } else if (!post && (t > since || (t === since && whole))) {
          removed += replace(a, null);
        }
      }
      ages(false);
    });
    // New here: not shown, not older than everything shown (that is an older page's), and the
    // page is not an oldest-first index whose later posts are on other pages (data-partial).
    const ids = new Set(shown.map((a) => a.id));
    const oldest = shown.length ? Math.min(...shown.map((a) => time(a.dataset.time))) : -Infinity;
    held = "partial" in data ? [] : posts.filter((p) => !ids.has(p.id) && time(p.time) >= oldest);
    notify.arrived(posts);
    const notes = [];
    if (held.length && !behind && newestFirst && timeline.getBoundingClientRect().top >= 0) {
      notes.push(count(insert(held.splice(0)).length)); // the reader is at the top: show them
    } else if (held.length > announced) {
      notes.push(count(held.length));
    }
    announced = held.length;
    say(notes.concat(changed ? data.msgUpdated : "", removed ? data.msgRemoved : ""));
    render();
  }

  button.addEventListener("click", () => {
    if (behind) { // the page lacks posts live.json no longer holds: load it again, at the top
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      window.location.reload();
      return;
    }
    const added = insert(held.splice(0));
    const first = added[newestFirst ? added.length - 1 : 0];
    announced = 0;
    render();
    if (first) { // show the first new post and move focus there: the button is gone
      first.tabIndex = -1;
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  });

  // -- the DOM
  /** A post's article; its links are relative to live.json, so they are made absolute. */
  function build(post) {
    const template = document.createElement("template");
    template.innerHTML = post.html;
    const article = template.content.querySelector("article");
    if (!article || article.id !== post.id) return null;
    const abs = (url) => (url[0] === "#" ? url : new URL(url, source).href);
    for (const el of article.querySelectorAll("[href], [src], [srcset]")) {
      for (const name of ["href", "src"]) {
        if (el.hasAttribute(name)) el.setAttribute(name, abs(el.getAttribute(name)));
      }
      const set = el.getAttribute("srcset");
      if (set) {
        el.setAttribute("srcset", set.split(",").map((item) => {
          const [url, ...size] = item.trim().split(/\s+/);
          return [abs(url), ...size].join(" ");
        }).join(", "));
      }
    }
    return article;
  }

  /** Inserts posts where their time puts them, with day lines on multi-day shifts. */
  function insert(posts) {
    const added = [];
    for (const post of posts.sort((a, b) => time(a.time) - time(b.time))) {
      const article = !document.getElementById(post.id) && build(post);
      if (!article) continue;
      const t = time(post.time), day = dayOf(article), list = articles();
      const i = list.findIndex((a) => (time(a.dataset.time) - t) * (newestFirst ? 1 : -1) < 0);
      const next = list[i], prev = i < 0 ? list[list.length - 1] : list[i - 1];
      // Not on `next`'s day: go before the line that starts its day, with a line of our own
      // unless `prev` is on our day.
      const apart = "days" in data && !(next && dayOf(next) === day);
      const nodes = apart && !(prev && dayOf(prev) === day) ? [dayLine(day), article] : [article];
      const ref = apart && next ? next.previousElementSibling : next;
      if (ref) ref.before(...nodes); else timeline.append(...nodes);
      article.classList.add("is-new");
      added.push(article);
    }
    const empty = added.length && timeline.querySelector(".empty");
    if (empty) empty.remove();
    ages(false);
    return added;
  }
  function dayLine(day) {
    const line = make("p", "day"), span = make("span", "");
    const noon = new Date(`${day}T12:00:00Z`);
    span.textContent = noon.toLocaleDateString(lang, { dateStyle: "full", timeZone: "UTC" });
    line.append(span);
    return line;
  }
  /** Replaces (or with null removes) an article; focus inside it moves along. Returns 1. */
  function replace(old, fresh) {
    const list = articles(), i = list.indexOf(old), line = old.previousElementSibling;
    const focus = old.contains(document.activeElement) && (fresh || list[i + 1] || list[i - 1]);
    if (fresh) old.replaceWith(fresh); else old.remove();
    // A day line left without posts goes too.
    const after = line && line.nextElementSibling;
    if (line && line.matches(".day") && (!after || after.matches(".day"))) line.remove();
    if (focus) { focus.tabIndex = -1; focus.focus({ preventScroll: true }); }
    return 1;
  }

  /** Runs `change`, then scrolls so that the first article in view stays where it was. */
  function preserving(change) {
    const seen = [], end = timeline.getBoundingClientRect().bottom;
    for (const a of articles()) {
      const box = a.getBoundingClientRect();
      if (box.top >= window.innerHeight) break;
      if (box.bottom > 0) seen.push([a.id, box.top]);
    }
    change();
    const el = seen.map(([id]) => document.getElementById(id)).find(Boolean);
    const dy = el ? el.getBoundingClientRect().top - seen.find(([id]) => id === el.id)[1] :
      seen.length || end > 0 ? 0 : timeline.getBoundingClientRect().bottom - end; // below it
    // Chromium anchors scrolling itself (then dy is 0); Safari does not.
    if (Math.abs(dy) >= 0.5) window.scrollBy(0, dy);
  }

  // "3 min. ago" beside the clock time of posts less than an hour old (title keeps the date).
  const relative = window.Intl && Intl.RelativeTimeFormat &&
    new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" });
  function ages(off) {
    for (const a of relative ? articles() : []) {
      const link = a.querySelector(".post-time");
      let label = a.querySelector(".post-ago");
      const min = (Date.now() - time(a.dataset.time)) / 60000;
      const text = off || !link || !(min > -1 && min < 60) ? "" :
        min < 1 ? relative.format(0, "second") : relative.format(-Math.floor(min), "minute");
      if (!text && label) label.remove();
      if (!text) continue;
      if (!label) link.after((label = make("span", "post-ago")));
      if (label.textContent !== text) label.textContent = text;
    }
  }

  // -- notifications of new highlights, while the tab is open (nothing leaves the browser)
  function notifications() {
    const template = document.getElementById("live-notify");
    const api = window.Notification;
    const off = { on: false, arrived() {}, end() {} };
    if (!template || !api || !template.content || !api.requestPermission) return off;
    const msg = template.dataset;
    const bodyOf = (el, selector) => ((el && el.querySelector(selector)) || {}).textContent || "";
    const place = template.content.firstElementChild.cloneNode(true);
    const toggle = place.querySelector("button");
    const known = new Set(articles().filter((a) => a.matches(".is-pinned")).map((a) => a.id));
    // The first live.json also holds posts older than the page (on a team page or an oldest-
    // first page, posts that are simply elsewhere): only those newer than it are news.
    const loaded = seen;
    let first = true;
    let key = "";
    try { key = `followshift-notify:${source.pathname}`; } catch (e) { /* no URL */ }
    const self = {
      on: false,
      set(on, words) {
        self.on = on;
        toggle.setAttribute("aria-pressed", String(on));
        try { if (on) localStorage.setItem(key, "1"); else localStorage.removeItem(key); } catch (e) {
          // storage blocked: remembered until the page closes
        }
        if (words) say([words]);
        schedule(interval);
      },
      /** Shows a notification for each post that is a highlight and was not one before. */
      arrived(posts) {
        const was = first;
        first = false;
        for (const p of posts) {
          if (!p.pinned || known.has(p.id)) continue;
          known.add(p.id);
          if (was && time(p.time) <= loaded) continue;
          if (!self.on || api.permission !== "granted") continue;
          if (visible() && document.hasFocus()) continue; // the reader is looking at it
          const article = build(p);
          const title = bodyOf(article, ".post-title").trim();
          const body = bodyOf(article, ".post-body").trim().replace(/\s+/g, " ");
          try {
            const shown = new api(`${msg.msgTitle}: ${title}`,
              { body: body.length > 160 ? `${body.slice(0, 159)}…` : body, tag: p.id, lang });
            shown.onclick = () => {
              window.focus();
              const el = document.getElementById(p.id);
              if (el) el.scrollIntoView({ block: "start" }); else if (!bar.hidden) button.click();
              shown.close();
            };
          } catch (e) {
            // Android Chrome has no `new Notification()` (only a service worker's): no push,
            // so no notification there; the page itself still updates.
          }
        }
      },
      end() { place.remove(); },
    };
    toggle.addEventListener("click", async () => {
      if (self.on) { self.set(false, msg.msgOff); return; }
      const answer = api.permission === "granted" ? "granted" : await api.requestPermission();
      if (answer === "granted") self.set(true, msg.msgOn); else self.set(false, msg.msgDenied);
    });
    (newestFirst ? bar : timeline).before(place);
    let remembered = false;
    try { remembered = localStorage.getItem(key) === "1"; } catch (e) { /* storage blocked */ }
    if (remembered && api.permission === "granted") self.set(true);
    return self;
  }
  notify = notifications();

  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("online", onVisibility); // back on the network: poll at once
  preserving(() => ages(false));
  schedule(typeof hook === "number" ? hook : 1500); // soon: a cached page may be a minute old
})();
