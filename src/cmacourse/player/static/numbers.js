/* cmacourse player: numbers as pages show them (cmacourse/numbers.py is the same rule in Python; the
 * outputs both must give are in tests/numbers.json), and numbers as learners type them (the one rule every
 * format that scores in the player uses; its cases are in tests/numbers.json too). Its messages are the
 * player's words (words.js, loaded first). Loads in the browser as cmaPlayerLib.numbers and in Node as a module. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory(require("./words.js"));
  else (root.cmaPlayerLib = root.cmaPlayerLib || {}).numbers = factory(root.cmaPlayerLib.words);
})(typeof self !== "undefined" ? self : this, function (words) {
  "use strict";

  /** Significant digits kept (numbers.py: SIGNIFICANT): 0.1 + 0.2 is written 0.3. */
  const SIGNIFICANT = 15;

  /** Add one to a string of decimal digits: "199" -> "200", "99" -> "100". */
  function increment(digits) {
    const out = digits.split("");
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i] !== "9") {
        out[i] = String(Number(out[i]) + 1);
        return out.join("");
      }
      out[i] = "0";
    }
    return "1" + out.join("");
  }

  /** A finite number as a plain decimal, never an exponent: 0.3, 1234567.5, -2; at most `places` decimals
   * (rounded half away from zero) when given. */
  function text(value, places) {
    if (typeof value !== "number" || !isFinite(value)) throw new RangeError(value + " is not a finite number");
    if (value === 0) return "0";
    const negative = value < 0;
    const parts = Math.abs(value).toExponential(SIGNIFICANT - 1).split("e");
    let digits = parts[0].replace(".", "");
    let point = Number(parts[1]) + 1; // digits before the decimal point
    if (places !== undefined && places !== null && point + places < digits.length) {
      const keep = point + places;
      if (keep < 0) return "0";
      const up = digits[keep] >= "5";
      digits = digits.slice(0, keep);
      if (up) {
        const longer = increment(digits || "0");
        if (longer.length > digits.length || !digits) point += 1;
        digits = digits ? longer : "1";
      }
    }
    digits = digits.replace(/0+$/, "");
    if (!digits) return "0";
    let out;
    if (point <= 0) out = "0." + "0".repeat(-point) + digits;
    else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
    else out = digits.slice(0, point) + "." + digits.slice(point);
    return (negative ? "-" : "") + out;
  }

  /** "1 point", "2 points", "1.5 points". */
  function points(value) { return text(value) + (value === 1 ? " point" : " points"); }

  /** A number as a language writes it on a page (numbers.py shown_number): text() with the language's decimal
   * mark, and its group separator between each three digits of the whole part. marks: {decimal, group}. */
  function shown(value, marks, places) {
    const plain = text(value, places);
    const negative = plain.charAt(0) === "-";
    const parts = (negative ? plain.slice(1) : plain).split(".");
    const whole = parts[0];
    const head = whole.length % 3 || 3;
    const groups = [whole.slice(0, head)];
    for (let i = head; i < whole.length; i += 3) groups.push(whole.slice(i, i + 3));
    return (negative ? "-" : "") + groups.join(marks.group) + (parts.length > 1 ? marks.decimal + parts[1] : "");
  }

  // ------------------------------------------------------------------ reading what a learner typed

  /** What a separator is called in the rule the learner is told. */
  function markName(say, mark) {
    if (mark === ",") return say.t("a comma");
    if (mark === ".") return say.t("a point");
    if (mark === " ") return say.t("a space");
    return say.t("an apostrophe");
  }
  const SPACES = /[\s\u00a0\u202f\u2009\u2007]/g;
  const MINUS = /[\u2212\u2012\u2013\ufe63\uff0d]/g;
  const CURRENCY = /\p{Sc}/u;

  /** The decimal mark and the thousands separator of a language (BCP 47), from the platform's CLDR data. */
  function separators(language) {
    let decimal = ".";
    let group = ",";
    try {
      new Intl.NumberFormat(language || "en").formatToParts(1234567.5).forEach((part) => {
        if (part.type === "decimal") decimal = part.value;
        if (part.type === "group") group = part.value;
      });
    } catch (error) { /* an unknown language: English */ }
    if (SPACES.test(group)) group = " ";
    SPACES.lastIndex = 0;
    return {decimal: decimal, group: group};
  }

  function example(say, marks) {
    const group = marks.group === " " ? "\u00a0" : marks.group;
    return say.t("{whole} or {fraction}", {whole: "12" + group + "500", fraction: "3" + marks.decimal + "5"});
  }

  /** The marks to read by: those given (the course data's, from Babel's CLDR data), else the platform's. */
  function marksOf(options) {
    const given = options && options.marks;
    if (!given) return separators(options && options.language);
    return {decimal: given.decimal, group: /^[\s\u00a0\u202f\u2009\u2007]$/.test(given.group) ? " " : given.group};
  }

  /** Whether digit groups read as thousands: 1 to 3 digits, then groups of 3 (or the Indian 2s before the last 3). */
  function grouped(groups) {
    if (groups.length === 1) return true;
    if (!/^\d{1,3}$/.test(groups[0]) || !/^\d{3}$/.test(groups[groups.length - 1])) return false;
    const middle = groups.slice(1, -1);
    return middle.every((g) => /^\d{3}$/.test(g)) || middle.every((g) => /^\d{2}$/.test(g));
  }

  /** A number as people type it, read by the rules of the course's language: {value} (as JavaScript prints it)
   * or {error} saying what to type instead. Thousands separators, spaces, a currency sign, a Unicode minus and
   * the question's unit after the number are understood; a separator that could mean two things is never guessed.
   * options: {language, unit, marks: {decimal, group} (else the language's by Intl), words (words.js; else English)}. */
  function parse(typed, options) {
    const unit = options && options.unit ? String(options.unit).trim() : "";
    const marks = marksOf(options);
    const say = (options && options.words) || words.create(null, null);
    const plain = say.t("Type a number, for example {example}.", {example: example(say, marks)});
    let rest = String(typed).normalize("NFKC").replace(MINUS, "-").trim();
    if (!rest) return {error: plain};
    if (unit) {
      const lower = rest.toLowerCase();
      const names = [unit.toLowerCase(), unit.toLowerCase().replace(/s$/, ""), unit.toLowerCase() + "s"];
      const found = names.find((name) => name && lower.endsWith(name) && /[\d\s.%\p{Sc}]$/u.test(lower.slice(0, -name.length) || "x"));
      if (found) rest = rest.slice(0, -found.length).trim();
    }
    let sign = "";
    if (/^[+-]/.test(rest)) { sign = rest[0] === "-" ? "-" : ""; rest = rest.slice(1).trim(); }
    if (CURRENCY.test(rest[0] || "")) rest = rest.slice(1).trim();
    else if (CURRENCY.test(rest[rest.length - 1] || "")) rest = rest.slice(0, -1).trim();
    if (!sign && /^[+-]/.test(rest)) { sign = rest[0] === "-" ? "-" : ""; rest = rest.slice(1).trim(); }
    let exponent = "";
    const power = /^(.*\d)[eE]([+-]?\d+)$/.exec(rest);
    if (power) { rest = power[1]; exponent = "e" + power[2]; }
    if (!/^[\d.,'\u2019\s\u00a0\u202f\u2009\u2007]+$/.test(rest) || !/\d/.test(rest)) {
      return {error: unit ? say.t("Type the number in {unit}, for example {example}.", {unit: unit, example: example(say, marks)}) : plain};
    }
    // Any space groups thousands, in every language; so does the language's own separator.
    const body = rest.replace(SPACES, " ");
    const groupMarks = new Set([" ", marks.group]);
    if (marks.group === "'" || marks.group === "\u2019") { groupMarks.add("'"); groupMarks.add("\u2019"); }
    const foreign = [",", ".", "'", "\u2019"].filter((c) => c !== marks.decimal && !groupMarks.has(c));
    const stray = foreign.find((c) => body.indexOf(c) >= 0);
    const rule = say.t("In this course {decimal} marks decimals and {group} or a space groups thousands: type it as, for example, {example}.",
      {decimal: markName(say, marks.decimal), group: markName(say, marks.group), example: example(say, marks)});
    const said = {typed: String(typed).trim(), rule: rule};
    const ambiguous = {error: say.t("\u201c{typed}\u201d could be read two ways. {rule}", said)};
    if (stray) return ambiguous;
    const halves = body.split(marks.decimal);
    if (halves.length > 2) {
      return {error: marks.decimal === "," ? say.t("\u201c{typed}\u201d has more than one comma. {rule}", said)
        : say.t("\u201c{typed}\u201d has more than one point. {rule}", said)};
    }
    const groups = halves[0].split(new RegExp("[" + Array.from(groupMarks).map((c) => "\\" + c).join("") + "]"));
    const fraction = halves.length === 2 ? halves[1] : "";
    if (groups.some((g) => g === "") && !(groups.length === 1 && halves.length === 2)) return ambiguous;
    if (!grouped(groups) || !/^\d*$/.test(fraction) || (!groups.join("") && !fraction)) return ambiguous;
    const value = Number(sign + (groups.join("") || "0") + (fraction ? "." + fraction : "") + exponent);
    return isFinite(value) ? {value: String(value)} : {error: plain};
  }

  return {text: text, points: points, shown: shown, parse: parse, separators: separators, SIGNIFICANT: SIGNIFICANT};
});
