/* cmacourse player rules: points, pass marks, attempts, module completion, locks and a launch's score and status.
 * No DOM and no globals read: the launch document loads it as a classic script (window.cmaPlayerLib.rules),
 * Node loads it with require() for the tests in tests/player/js/. The meaning of every rule is in
 * docs/tracking-adapters.md ("Page ids and when the player calls the adapter"). */
(function (publish) {
  "use strict";

  // Percentages are compared with a margin so that 4 of 5 points (79.99999999999999 in floating point) meets 80.
  const EPSILON = 1e-9;

  function round(value, digits) {
    const scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  // ------------------------------------------------------------------ one assessment

  /** The state of an assessment no one has answered yet. */
  function freshState(def) {
    return {attempt: 0, seed: null, responses: def.questions.map(() => null)};
  }

  /** The state once ``response`` is recorded for question ``index``; the first answer starts attempt 1
   * with the order ``seed`` the learner was shown (kept when questions or their answers shuffle). */
  function recordAnswer(def, state, index, response, seed) {
    const started = state.attempt ? state : {attempt: 1, seed: def.seeded ? seed : null, responses: state.responses};
    const responses = started.responses.slice();
    responses[index] = response;
    return {attempt: started.attempt, seed: started.seed, responses: responses};
  }

  /** The state of a new, empty attempt after a finished one; ``seed`` orders its questions and answers when they shuffle. */
  function nextAttempt(def, state, seed) {
    return {attempt: state.attempt + 1, seed: def.seeded ? seed : null, responses: def.questions.map(() => null)};
  }

  /** Everything the rules say about an attempt: whether it is finished, its points, whether it passed,
   * the attempts left (Infinity without a limit), whether it may be retried, and whether it is used up:
   * finished, not passed, and no attempt left. ``grade(question, response)`` marks one response. */
  function outcome(def, state, grade) {
    const finished = state.responses.every((r) => r !== null);
    const points = def.questions.reduce((sum, q, i) => {
      const response = state.responses[i];
      return sum + (response !== null && grade(q, response) ? q.points : 0);
    }, 0);
    const percent = def.points ? (100 * points) / def.points : 100;
    const passed = finished && (def.mastery === null || percent >= def.mastery - EPSILON);
    const attemptsLeft = def.maxAttempts ? Math.max(0, def.maxAttempts - state.attempt) : Infinity;
    return {
      attempt: state.attempt, finished: finished, points: points, maxPoints: def.points, percent: percent,
      passed: passed, attemptsLeft: attemptsLeft,
      canRetry: finished && !passed && attemptsLeft > 0,
      usedUp: finished && !passed && attemptsLeft === 0,
    };
  }

  // ------------------------------------------------------------------ one launch

  /** The rules of one launch document. ``course`` is window.cmaCourse, ``launch`` one of its launches.
   * Every method takes ``progress``: {viewed: Set of page indexes, states: {assessmentId: state}}. */
  function launchRules(course, launch, grade) {
    let pageCount = 0;
    const screens = launch.screens.map((s) => Object.assign({pageIndex: s.kind === "page" ? pageCount++ : null}, s));
    const assessmentIds = launch.assessments.slice();
    const inLaunch = (moduleId) => launch.modules.indexOf(moduleId) >= 0;
    const pagesOf = (moduleId) => screens.filter((s) => s.kind === "page" && s.module === moduleId);

    function stateOf(progress, id) { return progress.states[id] || freshState(course.assessments[id]); }

    function result(id, progress) {
      if (assessmentIds.indexOf(id) < 0) return null;
      return outcome(course.assessments[id], stateOf(progress, id), grade);
    }

    const passed = (id, progress) => { const r = result(id, progress); return r !== null && r.passed; };

    function moduleComplete(moduleId, progress) {
      if (!inLaunch(moduleId)) return true; // another launch's module: the LMS sequences it
      const module = course.modules[moduleId];
      const pagesDone = !module.viewAll || pagesOf(moduleId).every((s) => progress.viewed.has(s.pageIndex));
      return pagesDone && module.assessments.every((id) => assessmentIds.indexOf(id) < 0 || passed(id, progress));
    }

    /** Ids of the modules that must be completed before a screen (or {module}) opens. */
    function blockers(screen, progress) {
      if (!launch.locks) return [];
      if (screen.module) return course.modules[screen.module].requires.filter((id) => inLaunch(id) && !moduleComplete(id, progress));
      if (screen.assessment && screen.assessment === course.finalExam) return launch.modules.filter((id) => !moduleComplete(id, progress));
      return [];
    }

    /** The launch's score once every assessment it adds up has a finished attempt; null before. */
    function score(progress) {
      const scored = launch.scored.map((id) => result(id, progress)).filter(Boolean);
      if (!scored.length || !scored.every((r) => r.finished)) return null;
      const raw = scored.reduce((sum, r) => sum + r.points, 0);
      const max = scored.reduce((sum, r) => sum + r.maxPoints, 0);
      return {raw: round(raw, 2), min: 0, max: round(max, 2), scaled: max ? round(raw / max, 4) : 1};
    }

    /** The assessments whose last attempt is used up without a pass. Every assessment of a launch is
     * needed to complete it, so one such assessment settles the launch as failed. */
    function usedUp(progress) {
      return assessmentIds.filter((id) => result(id, progress).usedUp);
    }

    /** {completed, passed}: passed is null until there is a score; a used-up assessment ends the launch
     * as completed and failed, so that an LMS closes an attempt that can no longer be passed. */
    function status(progress) {
      if (usedUp(progress).length) return {completed: true, passed: false};
      const current = score(progress);
      let pass = null;
      if (current) {
        pass = launch.mastery !== null ? current.scaled * 100 >= launch.mastery - EPSILON
          : launch.scored.every((id) => passed(id, progress));
      }
      const exam = course.finalExam && assessmentIds.indexOf(course.finalExam) >= 0 ? course.finalExam : null;
      return {completed: launch.modules.every((id) => moduleComplete(id, progress)) && (!exam || passed(exam, progress)), passed: pass};
    }

    /** How the launch ends: "normal" once it is completed (passed or failed for good), else "suspend". */
    function exit(progress) {
      return status(progress).completed ? "normal" : "suspend";
    }

    /** The share of pages viewed and assessments passed, 0-100. */
    function percentDone(progress) {
      const units = pageCount + assessmentIds.length;
      const done = progress.viewed.size + assessmentIds.filter((id) => passed(id, progress)).length;
      return units ? Math.round((100 * done) / units) : 100;
    }

    return {
      screens: screens, pageCount: pageCount, pagesOf: pagesOf, result: result, moduleComplete: moduleComplete,
      blockers: blockers, score: score, usedUp: usedUp, status: status, exit: exit, percentDone: percentDone,
    };
  }

  publish({
    EPSILON: EPSILON, round: round, freshState: freshState, recordAnswer: recordAnswer, nextAttempt: nextAttempt,
    outcome: outcome, launchRules: launchRules,
  });
})(function (rules) {
  if (typeof module === "object" && module.exports) {
    module.exports = rules;
  } else {
    const lib = window.cmaPlayerLib = window.cmaPlayerLib || {};
    lib.rules = rules;
  }
});
