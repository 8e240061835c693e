/* cmacourse player navigation: each screen's fragment in the address and the history, a new screen shown
 * from its top, the top bar's height for the sticky layout, and notes shown where the learner is looking.
 * Fragments are the ids the launch document already has ("#s-<screen>", "#g-<term>"), so the same links
 * work when the page is read without script. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib = window.cmaPlayerLib || {};
  const SCREEN = "s-";
  const TERM = "g-";

  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return text; // a malformed escape in a typed address names nothing
    }
  }

  /** What a fragment names: {screen: id}, {term: id} or null ("#main", "", anything else). */
  function parse(hash) {
    const name = decoded(String(hash || "").replace(/^#/, ""));
    if (name.indexOf(SCREEN) === 0 && name.length > SCREEN.length) return {screen: name.slice(SCREEN.length)};
    if (name.indexOf(TERM) === 0 && name.length > TERM.length) return {term: name.slice(TERM.length)};
    return null;
  }

  function fragment(target) {
    return "#" + (target.term ? TERM + encodeURIComponent(target.term) : SCREEN + encodeURIComponent(target.screen));
  }

  /** Put a screen's (or a term's) fragment in the address, as a new history entry or in place of the current one. */
  function record(target, replace) {
    const hash = fragment(target);
    if (window.location.hash === hash) return;
    try {
      if (replace) window.history.replaceState(null, "", hash);
      else window.history.pushState(null, "", hash);
    } catch (error) {
      // A frame may refuse the History API; a fragment navigation of one's own document is allowed everywhere.
      if (replace) window.location.replace(hash);
      else window.location.hash = hash;
    }
  }

  /** Start a screen at the top of the page with focus on its title; never smooth, so the title is in view at once. */
  function showFromTop(title) {
    try {
      window.scrollTo({top: 0, left: 0, behavior: "instant"});
    } catch (error) {
      window.scrollTo(0, 0);
    }
    title.focus({preventScroll: true});
  }

  // Each screen starts at its top, also after Back and Forward; the browser would restore the old screen's offset.
  if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";

  /** Keep the CSS variable --topbar-height equal to the sticky top bar's height (it wraps on small screens). */
  function followTopBar(bar) {
    const root = document.documentElement;
    const update = () => root.style.setProperty("--topbar-height", bar.offsetHeight + "px");
    update();
    if (typeof window.ResizeObserver === "function") new window.ResizeObserver(update).observe(bar);
    else window.addEventListener("resize", update);
  }

  // A note goes inside these elements, after the control; after any other block (a paragraph, a heading).
  const HOLDS_NOTE = /^(LI|DD|TD|TH|FIGCAPTION)$/;

  /** Show ``note`` with ``text`` right after ``anchor``, the control the learner used, and keep it in view. */
  function placeNote(note, anchor, text) {
    const block = anchor.closest("p, h1, h2, h3, h4, h5, h6, dt, dd, td, th, li, figcaption") || anchor;
    if (HOLDS_NOTE.test(block.tagName)) block.appendChild(note);
    else block.parentNode.insertBefore(note, block.nextSibling);
    note.textContent = text;
    note.hidden = false;
    note.scrollIntoView({block: "nearest", behavior: "instant"});
  }

  lib.navigation = {parse: parse, fragment: fragment, record: record, showFromTop: showFromTop,
    followTopBar: followTopBar, placeNote: placeNote};
})();
