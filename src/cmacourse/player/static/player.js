/* cmacourse player: navigation, locks, progress, assessments and tracking for one launch document.
 * Contract with the adapters: docs/tracking-adapters.md. Without this script the page reads as a document. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib;
  const data = window.cmaCourse;
  const body = document.body;
  const launch = data && lib && data.launches[body.getAttribute("data-launch")];
  if (!launch) return;

  const $$ = (selector, root) => Array.prototype.slice.call((root || document).querySelectorAll(selector));
  const EPSILON = 1e-9;

  // ---------------------------------------------------------------- the launch's structure
  const screens = launch.screens.map((s) => Object.assign({el: document.getElementById("s-" + s.id)}, s));
  const byId = {};
  let pageCount = 0;
  screens.forEach((s, i) => {
    byId[s.id] = i;
    if (s.kind === "page") s.pageIndex = pageCount++;
  });
  const quizzes = launch.assessments.map((id) => {
    const def = data.assessments[id];
    const screen = screens.find((s) => s.assessment === id);
    const root = screen.el.querySelector("[data-assessment]");
    const items = $$(".question", root);
    return {
      id: id, def: def, root: root, items: items, shownAt: Date.now(), pendingSeed: null,
      initialOrders: items.map((item) => $$("[data-order] > [data-item]", item).map((li) => Number(li.getAttribute("data-item")))),
      state: fresh(def),
    };
  });
  const stateLayout = {
    fingerprint: launch.fingerprint, pages: pageCount, screens: screens.length,
    assessments: quizzes.map((q) => ({questions: q.def.questions.map(lib.state.slotOf), maxAttempts: q.def.maxAttempts, seeded: q.def.seeded})),
  };

  function fresh(def) { return {attempt: 0, seed: null, responses: def.questions.map(() => null)}; }

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

  // ---------------------------------------------------------------- rules
  const quizOf = (id) => quizzes.find((q) => q.id === id) || null;
  const complete = (quiz) => quiz.state.responses.every((r) => r !== null);
  const pointsOf = (quiz) => quiz.def.questions.reduce((sum, q, i) => {
    const r = quiz.state.responses[i];
    return sum + (r !== null && lib.questions.grade(q, r) ? q.points : 0);
  }, 0);
  const percentOf = (quiz) => (quiz.def.points ? (100 * pointsOf(quiz)) / quiz.def.points : 100);
  const passed = (quiz) => complete(quiz) && (quiz.def.mastery === null || percentOf(quiz) >= quiz.def.mastery - EPSILON);
  const attemptsLeft = (quiz) => (quiz.def.maxAttempts ? Math.max(0, quiz.def.maxAttempts - quiz.state.attempt) : Infinity);
  const canRetry = (quiz) => !readOnly && complete(quiz) && !passed(quiz) && attemptsLeft(quiz) > 0;
  const inLaunch = (moduleId) => launch.modules.indexOf(moduleId) >= 0;
  const pagesOf = (moduleId) => screens.filter((s) => s.kind === "page" && s.module === moduleId);

  function moduleComplete(moduleId) {
    if (!inLaunch(moduleId)) return true; // another launch's module: the LMS sequences it
    const module = data.modules[moduleId];
    const pagesDone = !module.viewAll || pagesOf(moduleId).every((s) => viewed.has(s.pageIndex));
    return pagesDone && module.assessments.every((id) => !quizOf(id) || passed(quizOf(id)));
  }

  /** Ids of the modules that must be completed before a screen opens. */
  function blockers(screen) {
    if (!launch.locks) return [];
    if (screen.module) return data.modules[screen.module].requires.filter((id) => inLaunch(id) && !moduleComplete(id));
    if (screen.assessment && screen.assessment === data.finalExam) return launch.modules.filter((id) => !moduleComplete(id));
    return [];
  }

  /** The launch's score once every assessment it adds up has a finished attempt; null before. */
  function launchScore() {
    const scored = launch.scored.map(quizOf).filter(Boolean);
    if (!scored.length || !scored.every(complete)) return null;
    const raw = scored.reduce((sum, q) => sum + pointsOf(q), 0);
    const max = scored.reduce((sum, q) => sum + q.def.points, 0);
    return {raw: round(raw, 2), min: 0, max: round(max, 2), scaled: max ? round(raw / max, 4) : 1};
  }

  function launchStatus() {
    const exam = data.finalExam ? quizOf(data.finalExam) : null;
    const score = launchScore();
    let pass = null;
    if (score) {
      pass = launch.mastery !== null ? score.scaled * 100 >= launch.mastery - EPSILON
        : launch.scored.every((id) => passed(quizOf(id)));
    }
    return {completed: launch.modules.every(moduleComplete) && (!exam || passed(exam)), passed: pass};
  }

  function round(value, digits) { return Math.round(value * Math.pow(10, digits)) / Math.pow(10, digits); }

  // ---------------------------------------------------------------- progress and saving
  const viewed = new Set();
  let current = -1;
  let returnTo = null;
  let lastState = null;
  let lastScore = null;
  let lastStatus = null;

  function snapshot() { return {viewed: viewed, bookmark: current, assessments: quizzes.map((q) => q.state)}; }

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
    const score = launchScore();
    if (score && JSON.stringify(score) !== lastScore) {
      lastScore = JSON.stringify(score);
      track("scored", score);
    }
    const status = launchStatus();
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
    snap.viewed.forEach((i) => viewed.add(i));
    quizzes.forEach((quiz, i) => {
      quiz.state = snap.assessments[i];
      arrange(quiz);
      quiz.items.forEach((item, k) => {
        const response = quiz.state.responses[k];
        if (response !== null) showAnswered(quiz, item, k, response, false);
      });
    });
    return snap;
  }

  // ---------------------------------------------------------------- navigation
  function go(index, focus) {
    const screen = screens[index];
    if (!screen) return false;
    const waiting = blockers(screen);
    if (waiting.length) {
      say(lockMessage(screen, waiting), true);
      return false;
    }
    if (current >= 0) screens[current].el.classList.remove("current");
    current = index;
    screen.el.classList.add("current");
    if (screen.kind === "page") viewed.add(screen.pageIndex);
    if (screen.kind === "quiz") enterQuiz(quizOf(screen.assessment));
    if (screen.kind !== "glossary") hideBack();
    track("pageViewed", {id: screen.id, title: screen.title, index: index, moduleId: screen.module || null});
    track("bookmark", screen.id);
    closeMenu(false);
    refresh();
    persist();
    if (focus) screen.el.querySelector(".screen-title").focus();
    else window.scrollTo(0, 0);
    return true;
  }

  function lockMessage(screen, waiting) {
    const titles = waiting.map((id) => "\u201c" + data.modules[id].title + "\u201d").join(", ");
    return "\u201c" + screen.title + "\u201d opens when you complete " + titles + ".";
  }

  function say(message, visible) {
    const announcer = document.querySelector("[data-announcer]");
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 50);
    const note = document.querySelector("[data-lock-note]");
    if (visible) {
      note.textContent = message;
      note.hidden = false;
    }
  }

  function hideBack() { $$("[data-back]").forEach((b) => { b.hidden = true; }); }

  function openTerm(termId) {
    const glossary = byId.glossary;
    if (glossary === undefined) return;
    if (current !== glossary) returnTo = current;
    go(glossary, false);
    $$("[data-back]").forEach((b) => { b.hidden = returnTo === null; });
    const term = document.getElementById("g-" + termId);
    if (term) term.focus();
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
    if (quiz.def.seeded && !quiz.state.attempt && quiz.pendingSeed === null) {
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
    const seed = quiz.state.attempt ? quiz.state.seed : quiz.pendingSeed;
    const seeded = seed !== null && seed !== undefined;
    const order = quiz.def.shuffle && seeded ? lib.questions.permutation(quiz.items.length, seed, 0) : quiz.items.map((_, i) => i);
    if (seeded) quiz.items.forEach((item, i) => lib.questions.arrange(item, quiz.def.questions[i], seed, i + 1));
    const list = quiz.root.querySelector(".questions");
    order.forEach((i, position) => {
      list.appendChild(quiz.items[i]);
      quiz.items[i].querySelector("[data-number]").textContent = "Question " + (position + 1);
    });
  }

  function submit(event) {
    const form = event.target.closest(".question-form");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("[data-question]");
    const quiz = quizzes.find((q) => q.root.contains(item));
    const index = Number(item.getAttribute("data-question"));
    if (!started || readOnly || quiz.state.responses[index] !== null || complete(quiz)) return;
    const q = quiz.def.questions[index];
    const read = lib.questions.read(item, q);
    const error = item.querySelector("[data-error]");
    error.textContent = read.error || "";
    error.hidden = !read.error;
    if (read.error) return;
    if (!quiz.state.attempt) quiz.state = {attempt: 1, seed: quiz.def.seeded ? quiz.pendingSeed : null, responses: quiz.state.responses};
    quiz.state.responses[index] = read.response;
    const correct = showAnswered(quiz, item, index, read.response, true);
    const now = Date.now();
    track("answered", Object.assign({
      id: q.id, type: q.type, description: q.text, objectiveIds: q.objectives.slice(),
      result: correct ? "correct" : "incorrect", points: correct ? q.points : 0, maxPoints: q.points,
      latencyMs: Math.max(0, now - quiz.shownAt), timestamp: new Date(now).toISOString(),
      assessmentId: quiz.id, attempt: quiz.state.attempt,
    }, lib.questions.describe(q, read.response)));
    quiz.shownAt = now;
    refresh();
    persist();
    if (complete(quiz)) say(quizResult(quiz), false);
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
    line.textContent = !q.scored ? "Your answer is saved. This question is not scored."
      : (correct ? "Correct. " : "Incorrect. ") + "You earn " + number(correct ? q.points : 0) + " of " + points(q.points) + ".";
    line.className = "feedback-result " + (correct ? "is-correct" : "is-incorrect");
    line.hidden = false;
    item.classList.add("answered");
    if (live) {
      feedback.setAttribute("tabindex", "-1");
      feedback.focus();
    }
    return correct;
  }

  function number(value) { return lib.numbers.text(value, 2); }
  function points(value) { return number(value) + (value === 1 ? " point" : " points"); }

  function retry(quiz) {
    if (!canRetry(quiz)) return;
    quiz.state = {attempt: quiz.state.attempt + 1, seed: quiz.def.seeded ? randomSeed() : null, responses: quiz.def.questions.map(() => null)};
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
    say("Attempt " + quiz.state.attempt + " started.", false);
  }

  function quizResult(quiz) {
    const parts = ["You scored " + number(pointsOf(quiz)) + " of " + points(quiz.def.points) + " (" + Math.round(percentOf(quiz)) + "%)."];
    const mark = quiz.def.mastery === null ? null : "The pass mark is " + quiz.def.mastery + "%.";
    if (passed(quiz)) {
      parts.push(mark === null ? "You have finished." : "You passed.", mark);
    } else {
      const left = attemptsLeft(quiz);
      parts.push("You have not passed yet.", mark, left === 0 ? "You have no attempts left."
        : left === Infinity ? "Try again when you are ready." : "You have " + left + " attempt" + (left === 1 ? "" : "s") + " left.");
    }
    return parts.filter(Boolean).join(" ");
  }

  // ---------------------------------------------------------------- showing the state
  function refresh() {
    $$("[data-go]").forEach((link) => {
      const index = byId[link.getAttribute("data-go")];
      const locked = blockers(screens[index]).length > 0;
      link.classList.toggle("is-locked", locked);
      if (locked) link.setAttribute("aria-disabled", "true");
      else link.removeAttribute("aria-disabled");
      if (index === current && link.closest(".menu")) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
      const screen = screens[index];
      link.classList.toggle("is-done", screen.kind === "page" ? viewed.has(screen.pageIndex)
        : screen.kind === "quiz" ? passed(quizOf(screen.assessment)) : false);
    });
    launch.modules.forEach((id) => {
      const text = moduleText(id);
      $$("[data-module-status='" + id + "']").forEach((el) => { el.textContent = text; });
    });
    const units = pageCount + quizzes.length;
    const done = viewed.size + quizzes.filter(passed).length;
    const percent = units ? Math.round((100 * done) / units) : 100;
    $$("#progress").forEach((bar) => { bar.value = percent; });
    $$("#progress-text").forEach((el) => { el.textContent = percent + "%"; });
    const prev = document.querySelector("[data-pager='prev']");
    const next = document.querySelector("[data-pager='next']");
    prev.disabled = current <= 0;
    const following = screens[current + 1];
    const waiting = following ? blockers(following) : [];
    next.disabled = !following || waiting.length > 0;
    const note = document.querySelector("[data-lock-note]");
    note.hidden = !(following && waiting.length);
    if (following && waiting.length) note.textContent = lockMessage(following, waiting);
    document.querySelector("[data-position]").textContent = "Page " + (current + 1) + " of " + screens.length;
    quizzes.forEach(refreshQuiz);
    refreshResults();
  }

  function moduleText(id) {
    const waiting = blockers({module: id});
    if (waiting.length) return "Locked until you complete " + waiting.map((w) => data.modules[w].title).join(", ") + ".";
    if (moduleComplete(id)) return "Complete.";
    const pages = pagesOf(id);
    const seen = pages.filter((s) => viewed.has(s.pageIndex)).length;
    return seen ? "In progress: " + seen + " of " + pages.length + " pages viewed." : "Not started.";
  }

  function refreshQuiz(quiz) {
    const max = quiz.def.maxAttempts;
    const attempt = Math.max(1, quiz.state.attempt);
    quiz.root.querySelector("[data-attempt]").textContent = "Attempt " + attempt + (max ? " of " + max : "") + ".";
    const box = quiz.root.querySelector("[data-quiz-result]");
    box.hidden = !complete(quiz);
    if (complete(quiz)) {
      box.querySelector("[data-quiz-score]").textContent = quizResult(quiz);
      box.querySelector("[data-retry]").hidden = !canRetry(quiz);
    }
  }

  function refreshResults() {
    const status = launchStatus();
    const score = launchScore();
    const done = launch.modules.filter(moduleComplete).length;
    let text = status.completed ? "You have completed this course." : "In progress: " + done + " of " + launch.modules.length + " modules complete.";
    if (!launch.modules.length && !status.completed) text = "In progress.";
    if (score) text += " Your score: " + Math.round(score.scaled * 100) + "%" + (status.passed === null ? "." : status.passed ? ", passed." : ", not passed yet.");
    $$("[data-course-status]").forEach((el) => { el.textContent = text; });
    $$("[data-results-module]").forEach((row) => {
      const id = row.getAttribute("data-results-module");
      const pages = pagesOf(id);
      row.querySelector("[data-cell='pages']").textContent = pages.filter((s) => viewed.has(s.pageIndex)).length + " of " + pages.length;
      row.querySelector("[data-cell='status']").textContent = moduleText(id);
    });
    $$("[data-results-assessment]").forEach((row) => {
      const quiz = quizOf(row.getAttribute("data-results-assessment"));
      const finished = complete(quiz);
      row.querySelector("[data-cell='score']").textContent = finished
        ? number(pointsOf(quiz)) + " of " + number(quiz.def.points) + " (" + Math.round(percentOf(quiz)) + "%)" : "Not finished";
      row.querySelector("[data-cell='result']").textContent = !finished ? (quiz.state.attempt ? "Attempt " + quiz.state.attempt + " in progress" : "Not started")
        : passed(quiz) ? "Passed" : attemptsLeft(quiz) ? "Not passed yet" : "Not passed";
    });
  }

  /** Give an inspecting adapter (the preview's) everything an LMS would hold. */
  function inspect() {
    if (!adapter || typeof adapter.inspect !== "function") return;
    const answers = [];
    quizzes.forEach((quiz) => quiz.state.responses.forEach((r, k) => {
      if (r === null) return;
      const q = quiz.def.questions[k];
      answers.push({assessment: quiz.id, question: q.id, type: q.type, response: lib.questions.describe(q, r).response,
        result: lib.questions.grade(q, r) ? "correct" : "incorrect", attempt: quiz.state.attempt});
    }));
    track("inspect", {status: launchStatus(), score: launchScore(), bookmark: screens[current].id, answers: answers,
      state: lastState, stateSize: lastState ? lastState.length : 0, stateLimit: adapter.stateLimit || null,
      worstCase: launch.stateWorstCase});
  }

  // ---------------------------------------------------------------- events
  document.addEventListener("click", (event) => {
    const target = event.target.closest("a, button");
    if (!target) return;
    const goTo = target.getAttribute("data-go");
    if (goTo !== null) {
      event.preventDefault();
      go(byId[goTo], true);
    } else if (target.classList.contains("gloss")) {
      event.preventDefault();
      openTerm(target.getAttribute("data-term"));
    } else if (target.hasAttribute("data-pager")) {
      go(current + (target.getAttribute("data-pager") === "next" ? 1 : -1), true);
    } else if (target.hasAttribute("data-start")) {
      go(Math.min(1, screens.length - 1), true);
    } else if (target.hasAttribute("data-back")) {
      if (returnTo !== null) go(returnTo, true);
    } else if (target.hasAttribute("data-retry")) {
      retry(quizzes.find((q) => q.root.contains(target)));
    } else if (target.hasAttribute("data-move")) {
      if (target.getAttribute("aria-disabled") === "true" || target.disabled) return;
      const position = lib.questions.move(target);
      const total = target.closest("[data-order]").children.length;
      if (position) say("Moved to position " + position + " of " + total + ".", false);
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
  window.addEventListener("pagehide", finish);

  /** "normal" when the launch is completed and not failed, else "suspend". */
  function exitKind() {
    const status = launchStatus();
    return status.completed && status.passed !== false ? "normal" : "suspend";
  }

  /** End the launch: commit, then finish, once; nothing is tracked after it. */
  function finish() {
    if (finished) return undefined;
    track("commit");
    const result = track("finish", exitKind());
    finished = true;
    return result;
  }

  /** The Exit and Finish buttons: finish now, then say the window can close (or let the adapter leave). */
  function exitCourse() {
    if (!started || finished) return;
    const completed = exitKind() === "normal";
    const result = finish();
    closeMenu(false);
    body.classList.add("is-finished");
    const note = document.querySelector("[data-finished]");
    const text = note.querySelector("[data-finished-text]");
    note.querySelector("[data-finished-title]").textContent = completed ? "You have finished the course" : "You have left the course";
    text.textContent = "Saving your progress\u2026";
    note.hidden = false;
    note.focus();
    const done = (leaving) => {
      text.textContent = leaving === true ? "Returning you to the course list\u2026"
        : "Your progress is saved. You can close this window.";
      say(text.textContent, false);
    };
    Promise.resolve(result).then(done, () => done(false));
  }

  // ---------------------------------------------------------------- start
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
      if (blockers(screens[target]).length) target = 0;
      if (snap) $$("[data-start]").forEach((b) => { b.textContent = "Continue"; });
      if (readOnly) quizzes.forEach((q) => q.items.forEach((item) => lib.questions.setLocked(item, true)));
      go(target, false);
      document.documentElement.classList.add("player-ready");
      return api;
    });

  const api = {
    ready: ready,
    go: (id) => go(byId[id], true),
    snapshot: () => ({
      screen: screens[current].id, state: lastState, status: launchStatus(), score: launchScore(),
      viewed: Array.from(viewed).sort((a, b) => a - b), adapter: adapter ? adapter.name : null,
    }),
  };
  window.cmaPlayer = api;
})();
