/* cmacourse player: one launch document's screens, menu, assessments, results and tracking, on the page.
 * The rules it applies are in rules.js; addresses, scrolling and notes in navigation.js.
 * Contract with the adapters: docs/tracking-adapters.md. Without this script the page reads as a document. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib;
  const data = window.cmaCourse;
  const body = document.body;
  const launch = data && lib && data.launches[body.getAttribute("data-launch")];
  if (!launch) return;

  const $$ = (selector, root) => Array.prototype.slice.call((root || document).querySelectorAll(selector));
  const nav = lib.navigation;
  const say = lib.words.create(data.words, lib.numbers);
  const rules = lib.rules.launchRules(data, launch, lib.questions.grade);

  // ---------------------------------------------------------------- the launch's structure
  const screens = rules.screens.map((s) => Object.assign({el: document.getElementById("s-" + s.id)}, s));
  const byId = {};
  screens.forEach((s, i) => { byId[s.id] = i; });
  // What the learner has done: pages viewed (by page index) and each assessment's state (rules.js).
  const progress = {viewed: new Set(), states: {}};
  const quizzes = launch.assessments.map((id) => {
    const def = data.assessments[id];
    const screen = screens.find((s) => s.assessment === id);
    const root = screen.el.querySelector("[data-assessment]");
    const items = $$(".question", root);
    progress.states[id] = lib.rules.freshState(def);
    return {
      id: id, def: def, root: root, items: items, shownAt: Date.now(), pendingSeed: null,
      initialOrders: items.map((item) => $$("[data-order] > [data-item]", item).map((li) => Number(li.getAttribute("data-item")))),
    };
  });
  const stateLayout = {
    fingerprint: launch.fingerprint, pages: rules.pageCount, screens: screens.length,
    assessments: quizzes.map((q) => ({questions: q.def.questions.map(lib.state.slotOf), maxAttempts: q.def.maxAttempts, seeded: q.def.seeded})),
  };
  const quizOf = (id) => quizzes.find((q) => q.id === id) || null;
  const stateOf = (quiz) => progress.states[quiz.id];
  const resultOf = (quiz) => rules.result(quiz.id, progress);

  // ---------------------------------------------------------------- the adapter
  function log(message) {
    try { window.console.warn("cmacourse: " + message); } catch (error) { /* no console: nothing to do */ }
  }
  const context = {courseId: data.id, courseTitle: data.title, launchId: launch.id, masteryScore: launch.mastery, log: log};
  let adapter = null;
  try {
    adapter = typeof window.cmaTracking === "function" ? window.cmaTracking(context) : null;
  } catch (error) {
    log("the tracking adapter failed to load: " + error);
  }
  if (!adapter && typeof window.cmaStandalone === "function") adapter = window.cmaStandalone(context);

  let started = false;
  let finished = false;
  let readOnly = false;

  /** Call an adapter member; an adapter's failure is logged, never shown to the learner. */
  function track(name) {
    const args = Array.prototype.slice.call(arguments, 1);
    if (!started || finished || !adapter || typeof adapter[name] !== "function") return undefined;
    try {
      return adapter[name].apply(adapter, args);
    } catch (error) {
      log("adapter." + name + " failed: " + error);
      return undefined;
    }
  }

  // ---------------------------------------------------------------- progress and saving
  let current = -1;
  let startScreen = 0; // the screen an address without a screen fragment stands for
  let returnTo = null;
  let lastState = null;
  let lastScore = null;
  let lastStatus = null;

  function snapshot() { return {viewed: progress.viewed, bookmark: current, assessments: quizzes.map(stateOf)}; }

  /** Save the state and report score and status when they changed; then commit the batch. */
  function persist() {
    if (!started || readOnly) return;
    const text = lib.state.encode(stateLayout, snapshot());
    if (text !== lastState) {
      const limit = adapter && adapter.stateLimit;
      if (limit && text.length > limit) log("state of " + text.length + " characters exceeds the adapter's " + limit + "; not saved");
      else track("saveState", text);
      lastState = text;
    }
    const score = rules.score(progress);
    if (score && JSON.stringify(score) !== lastScore) {
      lastScore = JSON.stringify(score);
      track("scored", score);
    }
    const status = rules.status(progress);
    if (JSON.stringify(status) !== lastStatus) {
      lastStatus = JSON.stringify(status);
      track("status", status);
    }
    track("commit");
    inspect();
  }

  /** The restored snapshot, applied; null when there is none or it belongs to another version of the course. */
  function restore(text) {
    let snap;
    try {
      snap = lib.state.decode(stateLayout, text);
      quizzes.forEach((quiz, i) => snap.assessments[i].responses.forEach((r, k) => {
        if (r !== null) lib.questions.describe(quiz.def.questions[k], r); // throws on an index out of range
      }));
    } catch (error) {
      log("saved progress ignored: " + error.message);
      return null;
    }
    snap.viewed.forEach((i) => progress.viewed.add(i));
    quizzes.forEach((quiz, i) => {
      progress.states[quiz.id] = snap.assessments[i];
      arrange(quiz);
      quiz.items.forEach((item, k) => {
        const response = stateOf(quiz).responses[k];
        if (response !== null) showAnswered(quiz, item, k, response, false);
      });
    });
    return snap;
  }

  // ---------------------------------------------------------------- navigation
  /** Show screen ``index``. ``how.history``: "push" (a new entry), "replace" or "none" (the address already
   * names it); ``how.focus``: start at the top with focus on the title; ``how.from``: the control used. */
  function go(index, how) {
    const screen = screens[index];
    if (!screen || finished) return false;
    const waiting = rules.blockers(screen, progress);
    if (waiting.length) {
      refuse(screen, waiting, how);
      return false;
    }
    hideLockedNote();
    if (current >= 0) screens[current].el.classList.remove("current");
    current = index;
    screen.el.classList.add("current");
    if (screen.kind === "page") progress.viewed.add(screen.pageIndex);
    if (screen.kind === "quiz") enterQuiz(quizOf(screen.assessment));
    if (screen.kind !== "glossary") hideBack();
    if (how.history !== "none") nav.record({screen: screen.id}, how.history === "replace");
    track("pageViewed", {id: screen.id, title: screen.title, index: index, moduleId: screen.module || null});
    track("bookmark", screen.id);
    closeMenu(false);
    refresh();
    persist();
    if (how.focus) nav.showFromTop(screen.el.querySelector(".screen-title"));
    else window.scrollTo(0, 0);
    return true;
  }

  /** A locked screen was asked for: say why, next to the control used (else under the current title). */
  function refuse(screen, waiting, how) {
    const message = lockMessage(screen, waiting);
    announce(message);
    const anchor = how.from && !how.from.closest("[hidden]") ? how.from : screens[current].el.querySelector(".screen-title");
    nav.placeNote(document.querySelector("[data-locked-note]"), anchor, message);
    // The address named the locked screen (typed, or a link from outside): put back the one on show.
    if (how.history === "none") nav.record({screen: screens[current].id}, true);
  }

  function hideLockedNote() { $$("[data-locked-note]").forEach((note) => { note.hidden = true; }); }

  function lockMessage(screen, waiting) {
    const titles = waiting.map((id) => "\u201c" + data.modules[id].title + "\u201d").join(", ");
    return say.t("\u201c{screen}\u201d opens when you complete {modules}.", {screen: screen.title, modules: titles});
  }

  /** Announce a message to screen readers (a polite live region, emptied first so a repeat is heard). */
  function announce(message) {
    const announcer = document.querySelector("[data-announcer]");
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 50);
  }

  function hideBack() { $$("[data-back]").forEach((b) => { b.hidden = true; }); }

  /** Open the glossary on a term, remembering the screen to come back to. */
  function openTerm(termId, history) {
    const glossary = byId.glossary;
    if (glossary === undefined || finished) return;
    if (current !== glossary) returnTo = current;
    go(glossary, {history: "none", focus: true});
    if (history !== "none") nav.record({term: termId}, history === "replace");
    $$("[data-back]").forEach((b) => { b.hidden = returnTo === null; });
    const term = document.getElementById("g-" + termId);
    if (term) term.focus();
  }

  /** Show what the address names (Back, Forward, an edited address); an address without a fragment is the first screen shown. */
  function followAddress() {
    if (!started || finished) return;
    const target = nav.parse(window.location.hash);
    if (!target && window.location.hash.length > 1) return; // "#main" and other fragments name no screen
    if (target && target.term) {
      if (current !== byId.glossary || !document.activeElement || document.activeElement.id !== "g-" + target.term) openTerm(target.term, "none");
      return;
    }
    const index = target ? byId[target.screen] : startScreen;
    if (index !== undefined && index !== current) go(index, {history: "none", focus: true});
  }

  function setMenu(open) {
    body.classList.toggle("menu-open", open);
    $$(".menu-toggle").forEach((b) => b.setAttribute("aria-expanded", String(open)));
  }

  function closeMenu(returnFocus) {
    if (!body.classList.contains("menu-open")) return;
    setMenu(false);
    if (returnFocus) document.querySelector(".menu-toggle").focus();
  }

  // ---------------------------------------------------------------- assessments
  function enterQuiz(quiz) {
    quiz.shownAt = Date.now();
    if (quiz.def.seeded && !stateOf(quiz).attempt && quiz.pendingSeed === null) {
      quiz.pendingSeed = randomSeed();
      arrange(quiz);
    }
  }

  function randomSeed() {
    const limit = Math.pow(36, 4);
    if (window.crypto && window.crypto.getRandomValues) return window.crypto.getRandomValues(new Uint32Array(1))[0] % limit;
    return Math.floor(Math.random() * limit);
  }

  /** Put the questions, and each question's answers, in the attempt's order (a seeded shuffle); number them as shown. */
  function arrange(quiz) {
    const state = stateOf(quiz);
    const seed = state.attempt ? state.seed : quiz.pendingSeed;
    const seeded = seed !== null && seed !== undefined;
    const order = quiz.def.shuffle && seeded ? lib.questions.permutation(quiz.items.length, seed, 0) : quiz.items.map((_, i) => i);
    if (seeded) quiz.items.forEach((item, i) => lib.questions.arrange(item, quiz.def.questions[i], seed, i + 1));
    const list = quiz.root.querySelector(".questions");
    order.forEach((i, position) => {
      list.appendChild(quiz.items[i]);
      quiz.items[i].querySelector("[data-number]").textContent = say.t("Question {number} of {total}", {number: position + 1, total: order.length});
    });
  }

  function submit(event) {
    const form = event.target.closest(".question-form");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("[data-question]");
    const quiz = quizzes.find((q) => q.root.contains(item));
    const index = Number(item.getAttribute("data-question"));
    if (!started || readOnly || stateOf(quiz).responses[index] !== null || resultOf(quiz).finished) return;
    const q = quiz.def.questions[index];
    const read = lib.questions.read(item, q);
    const error = item.querySelector("[data-error]");
    error.textContent = read.error || "";
    error.hidden = !read.error;
    if (read.error) return;
    progress.states[quiz.id] = lib.rules.recordAnswer(quiz.def, stateOf(quiz), index, read.response, quiz.pendingSeed);
    const correct = showAnswered(quiz, item, index, read.response, true);
    const now = Date.now();
    track("answered", Object.assign({
      id: q.id, type: q.type, description: q.text, objectiveIds: q.objectives.slice(),
      result: correct ? "correct" : "incorrect", points: correct ? q.points : 0, maxPoints: q.points,
      latencyMs: Math.max(0, now - quiz.shownAt), timestamp: new Date(now).toISOString(),
      assessmentId: quiz.id, attempt: stateOf(quiz).attempt,
    }, lib.questions.describe(q, read.response)));
    quiz.shownAt = now;
    refresh();
    persist();
    if (resultOf(quiz).finished) announce(quizResult(quiz));
  }

  /** Show a response as answered: locked, marked, with its feedback. Returns whether it is correct. */
  function showAnswered(quiz, item, index, response, live) {
    const q = quiz.def.questions[index];
    const correct = lib.questions.grade(q, response);
    lib.questions.show(item, q, response);
    lib.questions.setLocked(item, true);
    const keys = lib.questions.mark(item, q, response, correct, quiz.def.kind === "knowledge_check");
    const feedback = item.querySelector("[data-feedback]");
    $$("[data-fb]", feedback).forEach((el) => { el.hidden = keys.indexOf(el.getAttribute("data-fb")) < 0; });
    const line = item.querySelector("[data-result]");
    const earned = {points: number(correct ? q.points : 0), total: number(q.points)};
    line.textContent = !q.scored ? say.t("Your answer is saved. This question is not scored.")
      : (correct ? say.t("Correct.") : say.t("Incorrect.")) + " " +
        say.n("You earn {points} of {total} point.", "You earn {points} of {total} points.", q.points, earned);
    line.className = "feedback-result " + (correct ? "is-correct" : "is-incorrect");
    line.hidden = false;
    item.classList.add("answered");
    if (live) {
      feedback.setAttribute("tabindex", "-1");
      feedback.focus();
    }
    return correct;
  }

  function number(value) { return say.number(value, 2); }
  function percent(value) { return say.percent(value); }

  function retry(quiz) {
    if (readOnly || !resultOf(quiz).canRetry) return;
    progress.states[quiz.id] = lib.rules.nextAttempt(quiz.def, stateOf(quiz), quiz.def.seeded ? randomSeed() : null);
    quiz.items.forEach((item, i) => {
      lib.questions.reset(item, quiz.def.questions[i], quiz.initialOrders[i]);
      lib.questions.setLocked(item, false);
      $$("[data-fb], [data-result], [data-error]", item).forEach((el) => { el.hidden = true; });
      item.classList.remove("answered");
    });
    arrange(quiz);
    quiz.shownAt = Date.now();
    refresh();
    persist();
    const first = quiz.root.querySelector(".question .question-number");
    first.setAttribute("tabindex", "-1");
    first.focus();
    announce(say.t("Attempt {number} started.", {number: stateOf(quiz).attempt}));
  }

  function quizResult(quiz) {
    const result = resultOf(quiz);
    const scored = {points: number(result.points), total: number(result.maxPoints), percent: percent(result.percent)};
    const parts = [say.n("You scored {points} of {total} point ({percent}).", "You scored {points} of {total} points ({percent}).",
      result.maxPoints, scored)];
    const mark = quiz.def.mastery === null ? null : say.t("The pass mark is {percent}.", {percent: say.percent(quiz.def.mastery, null)});
    if (result.passed) parts.push(mark === null ? say.t("You have finished.") : say.t("You passed."), mark);
    else if (result.usedUp) parts.push(say.t("You did not pass."), mark, say.t("You have no attempts left."));
    else {
      const left = result.attemptsLeft;
      parts.push(say.t("You have not passed yet."), mark, left === Infinity ? say.t("Try again when you are ready.")
        : say.n("You have {count} attempt left.", "You have {count} attempts left.", left, {count: say.number(left)}));
    }
    return parts.filter(Boolean).join(" ");
  }

  // ---------------------------------------------------------------- showing the state
  function refresh() {
    $$("[data-go]").forEach((link) => {
      const index = byId[link.getAttribute("data-go")];
      const screen = screens[index];
      const locked = rules.blockers(screen, progress).length > 0;
      link.classList.toggle("is-locked", locked);
      if (locked) link.setAttribute("aria-disabled", "true");
      else link.removeAttribute("aria-disabled");
      if (index === current && link.closest(".menu")) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
      link.classList.toggle("is-done", screen.kind === "page" ? progress.viewed.has(screen.pageIndex)
        : screen.kind === "quiz" ? resultOf(quizOf(screen.assessment)).passed : false);
    });
    launch.modules.forEach((id) => {
      const text = moduleText(id);
      $$("[data-module-status='" + id + "']").forEach((el) => { el.textContent = text; });
    });
    const done = rules.percentDone(progress);
    $$("#progress").forEach((bar) => { bar.value = done; });
    $$("#progress-text").forEach((el) => { el.textContent = percent(done); });
    const prev = document.querySelector("[data-pager='prev']");
    const next = document.querySelector("[data-pager='next']");
    prev.disabled = current <= 0;
    const following = screens[current + 1];
    const waiting = following ? rules.blockers(following, progress) : [];
    next.disabled = !following || waiting.length > 0;
    const note = document.querySelector("[data-lock-note]");
    note.hidden = !(following && waiting.length);
    if (following && waiting.length) note.textContent = lockMessage(following, waiting);
    document.querySelector("[data-position]").textContent = say.t("Page {number} of {total}", {number: current + 1, total: screens.length});
    quizzes.forEach(refreshQuiz);
    refreshResults();
  }

  function moduleText(id) {
    const waiting = rules.blockers({module: id}, progress);
    if (waiting.length) return say.t("Locked until you complete {modules}.", {modules: waiting.map((w) => data.modules[w].title).join(", ")});
    if (rules.moduleComplete(id, progress)) return say.t("Complete.");
    const pages = rules.pagesOf(id);
    const seen = pages.filter((s) => progress.viewed.has(s.pageIndex)).length;
    return seen ? say.n("In progress: {seen} of {total} page viewed.", "In progress: {seen} of {total} pages viewed.", pages.length,
      {seen: say.number(seen), total: say.number(pages.length)}) : say.t("Not started.");
  }

  function refreshQuiz(quiz) {
    const max = quiz.def.maxAttempts;
    const result = resultOf(quiz);
    const attempt = {number: Math.max(1, result.attempt), total: max};
    quiz.root.querySelector("[data-attempt]").textContent = max ? say.t("Attempt {number} of {total}.", attempt) : say.t("Attempt {number}.", attempt);
    const box = quiz.root.querySelector("[data-quiz-result]");
    box.hidden = !result.finished;
    if (result.finished) {
      box.querySelector("[data-quiz-score]").textContent = quizResult(quiz);
      box.querySelector("[data-retry]").hidden = readOnly || !result.canRetry;
    }
  }

  /** The results screen's summary: completed, in progress, or plainly not passed with no attempts left. */
  function courseText() {
    const status = rules.status(progress);
    const score = rules.score(progress);
    const scored = score ? {percent: percent(score.scaled * 100)} : null;
    const usedUp = rules.usedUp(progress);
    if (usedUp.length) {
      const titles = usedUp.map((id) => "\u201c" + data.assessments[id].title + "\u201d")
        .reduce((first, second) => say.t("{first} and {second}", {first: first, second: second}));
      const text = say.t("You did not pass this course: you have no attempts left at {assessments}.", {assessments: titles});
      if (!scored) return text;
      return text + " " + (launch.mastery === null ? say.t("Your score: {percent}.", scored)
        : say.t("Your score: {percent}; the pass mark is {mark}.", {percent: scored.percent, mark: say.percent(launch.mastery, null)}));
    }
    const done = launch.modules.filter((id) => rules.moduleComplete(id, progress)).length;
    const total = launch.modules.length;
    let text = status.completed ? say.t("You have completed this course.")
      : total ? say.n("In progress: {done} of {total} module complete.", "In progress: {done} of {total} modules complete.", total,
        {done: say.number(done), total: say.number(total)}) : say.t("In progress.");
    if (scored) {
      text += " " + (status.passed === null ? say.t("Your score: {percent}.", scored) : status.passed ? say.t("Your score: {percent}, passed.", scored)
        : status.completed ? say.t("Your score: {percent}, not passed.", scored) : say.t("Your score: {percent}, not passed yet.", scored));
    }
    return text;
  }

  function refreshResults() {
    const text = courseText();
    $$("[data-course-status]").forEach((el) => { el.textContent = text; });
    $$("[data-results-module]").forEach((row) => {
      const id = row.getAttribute("data-results-module");
      const pages = rules.pagesOf(id);
      row.querySelector("[data-cell='pages']").textContent = say.t("{seen} of {total}",
        {seen: say.number(pages.filter((s) => progress.viewed.has(s.pageIndex)).length), total: say.number(pages.length)});
      row.querySelector("[data-cell='status']").textContent = moduleText(id);
    });
    $$("[data-results-assessment]").forEach((row) => {
      const quiz = quizOf(row.getAttribute("data-results-assessment"));
      const result = resultOf(quiz);
      row.querySelector("[data-cell='score']").textContent = result.finished
        ? say.t("{points} of {total} ({percent})", {points: number(result.points), total: number(result.maxPoints), percent: percent(result.percent)})
        : say.t("Not finished");
      row.querySelector("[data-cell='result']").textContent = !result.finished
        ? (result.attempt ? say.t("Attempt {number} in progress", {number: result.attempt}) : say.t("Not started"))
        : result.passed ? say.t("Passed") : result.usedUp ? say.t("Not passed, no attempts left") : say.t("Not passed yet");
    });
  }

  /** Give an inspecting adapter (the preview's) everything an LMS would hold. */
  function inspect() {
    if (!adapter || typeof adapter.inspect !== "function") return;
    const answers = [];
    quizzes.forEach((quiz) => stateOf(quiz).responses.forEach((r, k) => {
      if (r === null) return;
      const q = quiz.def.questions[k];
      answers.push({assessment: quiz.id, question: q.id, type: q.type, response: lib.questions.describe(q, r).response,
        result: lib.questions.grade(q, r) ? "correct" : "incorrect", attempt: stateOf(quiz).attempt});
    }));
    track("inspect", {status: rules.status(progress), score: rules.score(progress), bookmark: screens[current].id, answers: answers,
      state: lastState, stateSize: lastState ? lastState.length : 0, stateLimit: adapter.stateLimit || null,
      worstCase: launch.stateWorstCase});
  }

  // ---------------------------------------------------------------- events
  /** The screen (or glossary term) a link's own fragment names in this document, or null. */
  function linkTarget(link) {
    const href = link.getAttribute("href");
    if (!href || href.charAt(0) !== "#") return null;
    const target = nav.parse(href);
    if (target && target.screen !== undefined && byId[target.screen] === undefined) return null;
    return target;
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("a, button");
    if (!target || finished) return;
    const goTo = target.getAttribute("data-go");
    const named = target.tagName === "A" ? linkTarget(target) : null;
    if (goTo !== null || (named && named.screen !== undefined)) {
      event.preventDefault();
      go(byId[goTo !== null ? goTo : named.screen], {history: "push", focus: true, from: target});
    } else if (named && named.term !== undefined) {
      event.preventDefault();
      openTerm(named.term, "push");
    } else if (target.hasAttribute("data-pager")) {
      go(current + (target.getAttribute("data-pager") === "next" ? 1 : -1), {history: "push", focus: true, from: target});
    } else if (target.hasAttribute("data-start")) {
      go(Math.min(1, screens.length - 1), {history: "push", focus: true, from: target});
    } else if (target.hasAttribute("data-back")) {
      if (returnTo !== null) go(returnTo, {history: "push", focus: true, from: target});
    } else if (target.hasAttribute("data-retry")) {
      retry(quizzes.find((q) => q.root.contains(target)));
    } else if (target.hasAttribute("data-move")) {
      if (target.getAttribute("aria-disabled") === "true" || target.disabled) return;
      const position = lib.questions.move(target);
      const total = target.closest("[data-order]").children.length;
      if (position) announce(say.t("Moved to position {position} of {total}.", {position: position, total: total}));
    } else if (target.hasAttribute("data-exit")) {
      exitCourse();
    } else if (target.classList.contains("menu-toggle")) {
      setMenu(!body.classList.contains("menu-open"));
    }
  });
  document.addEventListener("submit", submit);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeMenu(true);
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") track("commit");
  });
  // Back and Forward fire popstate; an address edited by hand (or the fallback without the History API) fires hashchange.
  window.addEventListener("popstate", followAddress);
  window.addEventListener("hashchange", followAddress);
  window.addEventListener("pagehide", finish);

  /** End the launch: commit, then finish, once; nothing is tracked after it. */
  function finish() {
    if (finished) return undefined;
    track("commit");
    const result = track("finish", rules.exit(progress));
    finished = true;
    return result;
  }

  /** The Exit and Finish buttons: finish now, then say the window can close (or let the adapter leave). */
  function exitCourse() {
    if (!started || finished) return;
    const status = rules.status(progress);
    const result = finish();
    closeMenu(false);
    body.classList.add("is-finished");
    const note = document.querySelector("[data-finished]");
    const text = note.querySelector("[data-finished-text]");
    note.querySelector("[data-finished-title]").textContent = !status.completed ? say.t("You have left the course")
      : status.passed === false ? say.t("You have finished the course without passing") : say.t("You have finished the course");
    text.textContent = say.t("Saving your progress\u2026");
    note.hidden = false;
    note.focus();
    const done = (leaving) => {
      text.textContent = leaving === true ? say.t("Returning you to the course list\u2026")
        : say.t("Your progress is saved. You can close this window.");
      announce(text.textContent);
    };
    Promise.resolve(result).then(done, () => done(false));
  }

  // ---------------------------------------------------------------- start
  nav.followTopBar(document.querySelector(".topbar"));
  screens[0].el.classList.add("current");
  current = 0;
  refresh();
  const ready = Promise.resolve()
    .then(() => (adapter ? adapter.start() : null))
    .catch((error) => {
      log("the tracking adapter did not start: " + error);
      return null;
    })
    .then((result) => {
      result = result || {};
      started = true;
      readOnly = result.mode === "review";
      const snap = result.state ? restore(result.state) : null;
      let target = 0;
      if (result.bookmark && byId[result.bookmark] !== undefined) target = byId[result.bookmark];
      else if (snap && snap.bookmark !== null && snap.bookmark < screens.length) target = snap.bookmark;
      if (rules.blockers(screens[target], progress).length) target = 0;
      if (snap) $$("[data-start]").forEach((b) => { b.textContent = say.t("Continue"); });
      if (readOnly) quizzes.forEach((q) => q.items.forEach((item) => lib.questions.setLocked(item, true)));
      // A screen named in the address (a link to it, a reload) wins over the bookmark unless it is locked.
      const asked = nav.parse(window.location.hash);
      const askedIndex = asked && asked.screen !== undefined ? byId[asked.screen] : undefined;
      const refused = askedIndex !== undefined && rules.blockers(screens[askedIndex], progress).length > 0;
      if (askedIndex !== undefined && !refused) target = askedIndex;
      startScreen = target;
      go(target, {history: "none", focus: false});
      // Until the page has loaded the browser may still scroll to the element the fragment names (the section).
      if (asked && document.readyState !== "complete") {
        window.addEventListener("load", () => { if (current === startScreen) window.scrollTo(0, 0); });
      }
      if (refused) go(askedIndex, {history: "none"});
      else if (asked && asked.term) openTerm(asked.term, "replace");
      document.documentElement.classList.add("player-ready");
      return api;
    });

  const api = {
    ready: ready,
    go: (id) => go(byId[id], {history: "push", focus: true}),
    snapshot: () => ({
      screen: screens[current].id, state: lastState, status: rules.status(progress), score: rules.score(progress),
      viewed: Array.from(progress.viewed).sort((a, b) => a - b), adapter: adapter ? adapter.name : null,
    }),
  };
  window.cmaPlayer = api;
})();
