// The player's rules on the data the build writes for real courses (player/course.js), graded by questions.js.
// tests/player/test_rules_js.py builds the courses and names their data scripts in CMACOURSE_COURSE_DATA.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const STATIC = path.join(__dirname, "..", "..", "..", "src", "cmacourse", "player", "static");
const files = (process.env.CMACOURSE_COURSE_DATA || "").split(path.delimiter).filter(Boolean);

/** window.cmaCourse and window.cmaPlayerLib as a launch document would have them (the scripts load without a DOM). */
function load(dataFile) {
  const sandbox = {window: {}};
  vm.createContext(sandbox);
  for (const file of [dataFile, path.join(STATIC, "numbers.js"), path.join(STATIC, "questions.js"), path.join(STATIC, "rules.js")]) {
    vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, {filename: file});
  }
  return {course: sandbox.window.cmaCourse, lib: sandbox.window.cmaPlayerLib};
}

// Values made in the vm context have that context's prototypes; strict deep equality needs them plain.
const plain = (value) => JSON.parse(JSON.stringify(value));

/** A right or a wrong response to a question, made from its key in the course data. */
function response(q, right) {
  switch (q.type) {
    case "single_choice": return right ? q.correct[0] : q.choices.findIndex((_, i) => q.correct.indexOf(i) < 0);
    case "multiple_response": return right ? q.correct.slice() : [q.choices.findIndex((_, i) => q.correct.indexOf(i) < 0)];
    case "true_false": return right ? q.correct : !q.correct;
    case "matching": return q.accept.map((accepted, i) => (right || i > 0 ? accepted[0] : q.targets.findIndex((_, j) => accepted.indexOf(j) < 0)));
    case "ordering": return q.choices.map((_, i) => (right ? i : q.choices.length - 1 - i));
    case "fill_blank": return right ? q.answers[0] : "\u2014 not an answer \u2014";
    case "numeric": return String(right ? q.answer : q.answer + q.tolerance + 10);
    default: throw new Error("no response for a " + q.type + " question");
  }
}

/** One finished attempt after ``state``, every response right or every response wrong. */
function attempt(lib, def, state, right) {
  let next = state.attempt && state.responses.every((r) => r !== null) ? lib.rules.nextAttempt(def, state, 5) : state;
  def.questions.forEach((q, i) => { next = lib.rules.recordAnswer(def, next, i, response(q, right), 5); });
  return next;
}

/** Everything a learner can do in a launch before its final exam: every page viewed, every other assessment passed. */
function readyForExam(lib, course, launch) {
  const progress = {viewed: new Set(), states: {}};
  const rules = lib.rules.launchRules(course, launch, lib.questions.grade);
  rules.screens.forEach((s) => { if (s.pageIndex !== null) progress.viewed.add(s.pageIndex); });
  launch.assessments.filter((id) => id !== course.finalExam).forEach((id) => {
    progress.states[id] = attempt(lib, course.assessments[id], lib.rules.freshState(course.assessments[id]), true);
  });
  return {rules: rules, progress: progress};
}

test("the data of at least one course is given", () => {
  assert.ok(files.length > 0, "run through pytest: tests/player/test_rules_js.py sets CMACOURSE_COURSE_DATA");
});

for (const file of files) {
  test(path.basename(path.dirname(path.dirname(file))) + ": a learner who answers everything right completes and passes", () => {
    const {course, lib} = load(file);
    for (const launch of Object.values(course.launches)) {
      const {rules, progress} = readyForExam(lib, course, launch);
      if (launch.assessments.indexOf(course.finalExam) >= 0) {
        const exam = course.assessments[course.finalExam];
        progress.states[course.finalExam] = attempt(lib, exam, lib.rules.freshState(exam), true);
      }
      assert.deepEqual(plain(rules.status(progress)), {completed: true, passed: launch.scored.length ? true : null}, launch.id);
      assert.equal(rules.exit(progress), "normal");
      assert.equal(rules.percentDone(progress), 100);
    }
  });

  test(path.basename(path.dirname(path.dirname(file))) + ": failing the final exam on every attempt ends the launch as failed", () => {
    const {course, lib} = load(file);
    const launch = Object.values(course.launches).find((l) => l.assessments.indexOf(course.finalExam) >= 0);
    assert.ok(launch, "the course has a final exam");
    const exam = course.assessments[course.finalExam];
    assert.ok(exam.maxAttempts, "the final exam has a limited number of attempts");
    const {rules, progress} = readyForExam(lib, course, launch);
    let state = lib.rules.freshState(exam);
    for (let n = 1; n <= exam.maxAttempts; n++) {
      state = attempt(lib, exam, state, false);
      progress.states[course.finalExam] = state;
      const result = rules.result(course.finalExam, progress);
      assert.deepEqual([result.attempt, result.finished, result.passed, result.usedUp], [n, true, false, n === exam.maxAttempts]);
      assert.deepEqual(plain(rules.status(progress)), n < exam.maxAttempts ? {completed: false, passed: false} : {completed: true, passed: false});
      assert.equal(rules.exit(progress), n < exam.maxAttempts ? "suspend" : "normal");
    }
    assert.deepEqual(plain(rules.usedUp(progress)), [course.finalExam]);
    assert.equal(rules.score(progress).raw, 0);
  });
}
