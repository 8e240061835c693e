/* cmacourse player: numbers as pages show them (cmacourse/numbers.py is the same rule in Python; the
 * outputs both must give are in tests/numbers.json). Loads in the browser as cmaPlayerLib.numbers and
 * in Node as a module. */
(function (root, factory) {
  "use strict";
  const numbers = factory();
  if (typeof module === "object" && module.exports) module.exports = numbers;
  else (root.cmaPlayerLib = root.cmaPlayerLib || {}).numbers = numbers;
})(typeof self !== "undefined" ? self : this, function () {
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

  return {text: text, points: points, SIGNIFICANT: SIGNIFICANT};
});
