// The player's rules (src/cmacourse/player/static/rules.js) on hand-made course data; run by tests/player/test_rules_js.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const rules = require("../../../src/cmacourse/player/static/rules.js");

// A response is right when it is the string "right"; every question is worth its points.
const grade = (question, response) => response === "right";

function assessment(points, extra) {
  return Object.assign({title: "A", kind: "module_quiz", mastery: 80, maxAttempts: null, shuffle: false, seeded: false,
    points: points.reduce((a, b) => a + b, 0), questions: points.map((p, i) => ({id: "q" + i, points: p}))}, extra);
}

function answered(def, responses, attempt) {
  return {attempt: attempt || 1, seed: null, responses: responses.concat(def.questions.slice(responses.length).map(() => null))};
}

test("an attempt is finished only when every question has a response", () => {
  const def = assessment([1, 1, 1]);
  const result = rules.outcome(def, answered(def, ["right", "right"]), grade);
  assert.equal(result.finished, false);
  assert.equal(result.points, 2);
  assert.equal(result.passed, false);
  assert.equal(result.canRetry, false);
  assert.equal(result.usedUp, false);
});

test("points are weighted and the pass mark is met despite floating point", () => {
  const def = assessment([0.1, 0.1, 0.7, 0.1], {mastery: 90, points: 1});
  const result = rules.outcome(def, answered(def, ["right", "right", "right", "wrong"]), grade);
  assert.ok(result.percent < 90 && 90 - result.percent < 1e-9, "0.1 + 0.1 + 0.7 is 0.8999999999999999 in floating point");
  assert.equal(result.passed, true);
  const weighted = assessment([2, 1, 1], {mastery: 75});
  const half = rules.outcome(weighted, answered(weighted, ["wrong", "right", "right"]), grade);
  assert.deepEqual([half.points, half.maxPoints, half.percent, half.passed], [2, 4, 50, false]);
});

test("without a pass mark any finished attempt passes; without points the score is 100%", () => {
  const def = assessment([1, 1], {mastery: null});
  assert.equal(rules.outcome(def, answered(def, ["wrong", "wrong"]), grade).passed, true);
  const empty = assessment([], {mastery: 50});
  assert.equal(rules.outcome(empty, answered(empty, []), grade).percent, 100);
});

test("attempts: retry while some are left, used up after the last one fails", () => {
  const def = assessment([1], {mastery: 100, maxAttempts: 2});
  const first = rules.outcome(def, answered(def, ["wrong"], 1), grade);
  assert.deepEqual([first.attemptsLeft, first.canRetry, first.usedUp], [1, true, false]);
  const last = rules.outcome(def, answered(def, ["wrong"], 2), grade);
  assert.deepEqual([last.attemptsLeft, last.canRetry, last.usedUp], [0, false, true]);
  const passedLast = rules.outcome(def, answered(def, ["right"], 2), grade);
  assert.deepEqual([passedLast.passed, passedLast.canRetry, passedLast.usedUp], [true, false, false]);
  const unlimited = rules.outcome(assessment([1], {mastery: 100}), answered(def, ["wrong"], 40), grade);
  assert.deepEqual([unlimited.attemptsLeft, unlimited.canRetry, unlimited.usedUp], [Infinity, true, false]);
});

test("the first answer starts attempt 1 with the shown order; a retry starts an empty attempt", () => {
  const plain = assessment([1, 1]);
  const fresh = rules.freshState(plain);
  assert.deepEqual(fresh, {attempt: 0, seed: null, responses: [null, null]});
  const one = rules.recordAnswer(plain, fresh, 1, "right", 1234);
  assert.deepEqual(one, {attempt: 1, seed: null, responses: [null, "right"]});
  assert.deepEqual(fresh.responses, [null, null], "the old state is left as it was");
  const shuffled = assessment([1, 1], {shuffle: true, seeded: true});
  const started = rules.recordAnswer(shuffled, rules.freshState(shuffled), 0, "wrong", 1234);
  assert.equal(started.seed, 1234);
  assert.equal(rules.recordAnswer(shuffled, started, 1, "right", 999).seed, 1234, "the seed stays for the attempt");
  assert.deepEqual(rules.nextAttempt(shuffled, started, 77), {attempt: 2, seed: 77, responses: [null, null]});
  assert.deepEqual(rules.nextAttempt(plain, one, 77), {attempt: 2, seed: null, responses: [null, null]});
});

// A course of two modules (the second requires the first) and a final exam, in one launch.
function course(examExtra) {
  return {
    finalExam: "exam",
    modules: {
      m1: {title: "One", requires: [], viewAll: true, pages: ["p1", "p2"], assessments: ["check"]},
      m2: {title: "Two", requires: ["m1"], viewAll: false, pages: ["p3"], assessments: []},
    },
    assessments: {check: assessment([1], {mastery: 100, kind: "knowledge_check"}), exam: assessment([1, 1], Object.assign({mastery: 50, maxAttempts: 2}, examExtra))},
  };
}
const LAUNCH = {
  modules: ["m1", "m2"], assessments: ["check", "exam"], scored: ["exam"], mastery: 50, locks: true,
  screens: [{id: "home", kind: "home"}, {id: "p1", kind: "page", module: "m1"}, {id: "p2", kind: "page", module: "m1"},
    {id: "check", kind: "quiz", module: "m1", assessment: "check"}, {id: "p3", kind: "page", module: "m2"},
    {id: "exam", kind: "quiz", assessment: "exam"}, {id: "results", kind: "results"}],
};

function progress(viewed, states) { return {viewed: new Set(viewed), states: states || {}}; }

test("screens are numbered by page; locks follow prerequisites and the final exam waits for every module", () => {
  const data = course();
  const launch = rules.launchRules(data, LAUNCH, grade);
  assert.deepEqual(launch.screens.map((s) => s.pageIndex), [null, 0, 1, null, 2, null, null]);
  assert.equal(launch.pageCount, 3);
  const start = progress([]);
  assert.deepEqual(launch.blockers(launch.screens[4], start), ["m1"]);
  assert.deepEqual(launch.blockers(launch.screens[5], start), ["m1"], "m2 asks for nothing, so it is complete already");
  assert.deepEqual(launch.blockers({module: "m2"}, start), ["m1"]);
  const viewedOnly = progress([0, 1]);
  assert.equal(launch.moduleComplete("m1", viewedOnly), false, "the check is not passed yet");
  const m1Done = progress([0, 1], {check: answered(data.assessments.check, ["right"])});
  assert.equal(launch.moduleComplete("m1", m1Done), true);
  assert.equal(launch.moduleComplete("m2", m1Done), true, "m2 does not ask for its pages to be viewed");
  assert.deepEqual(launch.blockers(launch.screens[5], m1Done), []);
  assert.equal(launch.percentDone(m1Done), 60);
  const unlocked = rules.launchRules(data, Object.assign({}, LAUNCH, {locks: false}), grade);
  assert.deepEqual(unlocked.blockers(unlocked.screens[5], start), []);
});

test("the launch's score waits for the exam, and its pass decides the status", () => {
  const data = course();
  const launch = rules.launchRules(data, LAUNCH, grade);
  const ready = {check: answered(data.assessments.check, ["right"])};
  const before = progress([0, 1, 2], ready);
  assert.equal(launch.score(before), null);
  assert.deepEqual(launch.status(before), {completed: false, passed: null});
  assert.equal(launch.exit(before), "suspend");
  const half = progress([0, 1, 2], Object.assign({exam: answered(data.assessments.exam, ["right", "wrong"])}, ready));
  assert.deepEqual(launch.score(half), {raw: 1, min: 0, max: 2, scaled: 0.5});
  assert.deepEqual(launch.status(half), {completed: true, passed: true});
  assert.equal(launch.exit(half), "normal");
});

test("a failed exam with attempts left keeps the launch open; the last failed attempt ends it as failed", () => {
  const data = course();
  const launch = rules.launchRules(data, LAUNCH, grade);
  const ready = {check: answered(data.assessments.check, ["right"])};
  const first = progress([0, 1, 2], Object.assign({exam: answered(data.assessments.exam, ["wrong", "wrong"], 1)}, ready));
  assert.deepEqual(launch.status(first), {completed: false, passed: false});
  assert.deepEqual(launch.usedUp(first), []);
  assert.equal(launch.exit(first), "suspend");
  const last = progress([0, 1, 2], Object.assign({exam: answered(data.assessments.exam, ["wrong", "wrong"], 2)}, ready));
  assert.deepEqual(launch.usedUp(last), ["exam"]);
  assert.deepEqual(launch.status(last), {completed: true, passed: false});
  assert.deepEqual(launch.score(last), {raw: 0, min: 0, max: 2, scaled: 0});
  assert.equal(launch.exit(last), "normal");
});

test("a used-up check that a module needs settles the launch as failed before the exam", () => {
  const data = course();
  data.assessments.check.maxAttempts = 1;
  const launch = rules.launchRules(data, LAUNCH, grade);
  const stuck = progress([0, 1], {check: answered(data.assessments.check, ["wrong"], 1)});
  assert.deepEqual(launch.blockers(launch.screens[5], stuck), ["m1"], "the exam stays locked");
  assert.deepEqual(launch.status(stuck), {completed: true, passed: false});
  assert.equal(launch.exit(stuck), "normal");
});

test("without a launch pass mark every scored assessment must pass by its own", () => {
  const data = course();
  const launch = rules.launchRules(data, Object.assign({}, LAUNCH, {mastery: null, scored: ["check", "exam"]}), grade);
  const states = {check: answered(data.assessments.check, ["right"]), exam: answered(data.assessments.exam, ["right", "wrong"])};
  assert.deepEqual(launch.score(progress([0, 1, 2], states)), {raw: 2, min: 0, max: 3, scaled: 0.6667});
  assert.deepEqual(launch.status(progress([0, 1, 2], states)), {completed: true, passed: true});
  assert.equal(launch.result("elsewhere", progress([])), null, "an assessment of another launch has no result here");
});
