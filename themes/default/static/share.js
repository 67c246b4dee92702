/* followshift share buttons (docs/live.md, "Share"). Each post has a link to its own page,
 * `a.share[data-share]`, which is all there is without JavaScript. With it, a tap opens the
 * system's share sheet (the Web Share API: phones, Safari, Edge), else copies the post's link
 * to the clipboard and says so ("Link gekopieerd", from data-msg-copied) beside the button.
 * Nothing is sent anywhere: no third-party script, no request. One listener on the document,
 * so posts that live.js inserts later work too. */
(() => {
  "use strict";
  if (!window.URL || !document.addEventListener) return;

  function confirm(link) {
    const note = link.parentNode.querySelector(".share-done") ||
      Object.assign(document.createElement("span"), { className: "share-done" });
    note.setAttribute("role", "status");
    // Set after the region is in the document, so that screen readers read it out.
    if (!note.isConnected) link.after(note);
    note.textContent = link.dataset.msgCopied || "";
    clearTimeout(note.timer);
    note.timer = setTimeout(() => note.remove(), 4000);
  }

  async function share(link) {
    const url = new URL(link.getAttribute("href"), document.baseURI).href;
    const heading = link.closest("article") && link.closest("article").querySelector(".post-title");
    const title = (heading && heading.textContent.trim()) || document.title;
    if (navigator.share) {
      try {
        await navigator.share({ title, url });
        return true;
      } catch (error) {
        // The reader closed the share sheet: done. Not allowed here (an iframe without
        // allow="web-share", no user gesture): copy instead.
        if (error && error.name === "AbortError") return true;
      }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      try {
        await navigator.clipboard.writeText(url);
        confirm(link);
        return true;
      } catch (error) {
        // no permission (an iframe without allow="clipboard-write"): follow the link
      }
    }
    return false;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.share[data-share]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey || link.dataset.follow ||
        !(navigator.share || (navigator.clipboard && navigator.clipboard.writeText))) {
      return; // a new tab, or nothing to share with: the link to the post's own page
    }
    event.preventDefault();
    share(link).then((done) => {
      if (done) return;
      link.dataset.follow = "1"; // neither worked after all: follow the link
      link.click();
      delete link.dataset.follow;
    });
  });
})();
