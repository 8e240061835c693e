// The player's number formatter gives every output of tests/numbers.json (run by tests/test_numbers.py).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");

const numbers = require("../../src/cmacourse/player/static/numbers.js");
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "numbers.json"), "utf8"));

test("every formatting vector", () => {
  for (const {value, places, text} of vectors.format) {
    assert.strictEqual(numbers.text(value, places), text, `text(${value}, ${places})`);
  }
});

test("never an exponent, for any double", () => {
  for (const value of [Number.MAX_VALUE, Number.MIN_VALUE, -1e-300, 1e100, 123e-20]) {
    assert.match(numbers.text(value), /^-?\d+(\.\d+)?$/);
  }
});

test("points", () => {
  assert.strictEqual(numbers.points(1), "1 point");
  assert.strictEqual(numbers.points(0.1 + 0.2), "0.3 points");
  assert.strictEqual(numbers.points(1234567.5), "1234567.5 points");
});

test("refuses what is not a finite number", () => {
  assert.throws(() => numbers.text(NaN), RangeError);
  assert.throws(() => numbers.text(Infinity), RangeError);
});

test("every shown vector", () => {
  for (const {value, places, decimal, group, text} of vectors.shown) {
    assert.strictEqual(numbers.shown(value, {decimal, group}, places), text, `shown(${value}, ${decimal}${group}, ${places})`);
  }
});

test("every reading vector, with the marks the course data gives (Babel's)", () => {
  for (const c of vectors.parse) {
    const marks = vectors.marks[c.language || "en"];
    const read = numbers.parse(c.typed, {language: c.language || "en", unit: c.unit || null, marks: marks});
    if (c.value !== undefined) assert.deepStrictEqual(read, {value: c.value}, `parse(${JSON.stringify(c.typed)}, ${c.language})`);
    else assert.ok(read.error && read.error.includes(c.says), `parse(${JSON.stringify(c.typed)}): ${JSON.stringify(read)}`);
  }
});

test("every reading vector, by the platform's marks when no data gives them", () => {
  for (const c of vectors.parse) {
    const read = numbers.parse(c.typed, {language: c.language || "en", unit: c.unit || null});
    if (c.value !== undefined) assert.deepStrictEqual(read, {value: c.value}, `parse(${JSON.stringify(c.typed)}, ${c.language})`);
    else assert.ok(read.error && read.error.includes(c.says), `parse(${JSON.stringify(c.typed)}): ${JSON.stringify(read)}`);
  }
});

test("separators come from the language's CLDR data", () => {
  assert.deepStrictEqual(numbers.separators("en"), {decimal: ".", group: ","});
  assert.deepStrictEqual(numbers.separators("de"), {decimal: ",", group: "."});
  assert.deepStrictEqual(numbers.separators("fr"), {decimal: ",", group: " "});
  assert.deepStrictEqual(numbers.separators("not a language!"), {decimal: ".", group: ","});
});
