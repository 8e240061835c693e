/* cmacourse player: its own words in the course's language. The build puts the catalog's words, the CLDR plural
 * rule and the number marks in the course data (cmacourse/player/words.py, Words.script_data); message ids are the
 * English words, so a page without data reads in English. Loads in the browser as cmaPlayerLib.words and in Node
 * as a module. Babel extracts t("...") and n("...", "...") calls into cmacourse/locale/player.pot. */
(function (root, factory) {
  "use strict";
  const words = factory();
  if (typeof module === "object" && module.exports) module.exports = words;
  else (root.cmaPlayerLib = root.cmaPlayerLib || {}).words = words;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /** ``text`` with each {name} replaced by params[name]; an unknown name stays as written. */
  function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
  }

  /** The CLDR operands of a number written as a plain decimal ("1.5"): n i v w f t, and e (never an exponent here). */
  function operands(plain) {
    const text = plain.replace(/^-/, "");
    const parts = text.split(".");
    const fraction = parts[1] || "";
    const trimmed = fraction.replace(/0+$/, "");
    return {n: Number(text), i: Number(parts[0]), v: fraction.length, w: trimmed.length,
      f: Number(fraction || "0"), t: Number(trimmed || "0"), c: 0, e: 0};
  }

  function value(operand, ops) {
    return typeof operand === "string" ? ops[operand] : ops[operand[1]] % operand[2];
  }

  /** Whether a condition of the rule (words.py plural_rule_data) holds for the operands. */
  function holds(condition, ops) {
    const kind = condition[0];
    if (kind === "and") return holds(condition[1], ops) && holds(condition[2], ops);
    if (kind === "or") return holds(condition[1], ops) || holds(condition[2], ops);
    if (kind === "not") return !holds(condition[1], ops);
    const x = value(condition[1], ops);
    // "in" takes whole numbers only; "within" any number in the range (UTS #35).
    if (kind === "in" && x !== Math.floor(x)) return false;
    return condition[2].some((range) => x >= range[0] && x <= range[1]);
  }

  /** The CLDR plural category of a plain decimal by a rule's data; "other" when no condition holds. */
  function category(rule, plain) {
    const ops = operands(plain);
    const found = rule.find((entry) => holds(entry[1], ops));
    return found ? found[0] : "other";
  }

  /** The words of one course: from its data's ``words``, else English as the scripts write it. */
  function create(data, numbers) {
    const source = data || {};
    const messages = source.messages || {};
    const plurals = source.plurals || {};
    const marks = {decimal: source.decimal || ".", group: source.group || ",", percent: source.percent || "{n}%"};
    const plain = (count) => numbers.text(Math.abs(count));
    return {
      language: source.language || "en",
      marks: marks,
      /** A message in the course's language, its {placeholders} filled. */
      t(message, params) { return fill(messages[message] || message, params); },
      /** The form of a plural message that ``count`` takes, its {placeholders} filled. */
      n(singular, plural, count, params) {
        const forms = plurals[singular];
        if (!forms || !source.rule) return fill(count === 1 ? singular : plural, params);
        return fill(forms[category(source.rule, plain(count))] || forms.other, params);
      },
      /** A number as the course's language writes it (numbers.js shown). */
      number(value, places) { return numbers.shown(value, marks, places); },
      /** A percentage (0–100) in the language's pattern: rounded to whole numbers, or as given when ``places`` is null. */
      percent(value, places) { return fill(marks.percent, {n: numbers.shown(value, marks, places === undefined ? 0 : places)}); },
    };
  }

  return {create: create, fill: fill, category: category, operands: operands};
});
