/* cmacourse player: the compact state string. The grammar is documented in cmacourse/player/state.py,
 * whose Python codec mirrors this one and computes the longest string at build time. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib = window.cmaPlayerLib || {};

  const VERSION = "1";
  const BITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  const ATTEMPT_CAP = 36 * 36 - 1;
  const SEED_LIMIT = Math.pow(36, 4);
  // Typed text keeps delimiters, markup, quotes and controls out of the string as %XX (state.py: ESCAPED).
  const ESCAPED = /[%|,<>"'&\\\x00-\x1f\x7f]/g;

  function bits(members, size, minimum) {
    const chars = new Array(Math.ceil(size / 6)).fill(0);
    members.forEach((index) => { chars[Math.floor(index / 6)] |= 1 << (index % 6); });
    while (chars.length > minimum && chars[chars.length - 1] === 0) chars.pop();
    return chars.map((c) => BITS[c]).join("");
  }

  function hasBit(chars, index) {
    const position = Math.floor(index / 6);
    if (position >= chars.length) return false;
    const value = BITS.indexOf(chars[position]);
    if (value < 0) throw new Error("bad bit character " + chars[position]);
    return Boolean((value >> (index % 6)) & 1);
  }

  function width(slot) { return slot.size <= BITS.length ? 1 : 2; }

  /* Each codec (state.py's grammar): encode(slot, response) -> text; decode(slot, text) -> response or throws.
   * A question's slot {codec, size, places} comes from its type's answer_slot() in the course data. */
  const CODECS = {
    index: {
      encode: (slot, response) => response.toString(36),
      decode: (slot, text) => base36(text, slot.size),
    },
    bits: {
      encode: (slot, response) => bits(response, slot.size, 1),
      decode(slot, text) {
        const chosen = [];
        for (let i = 0; i < slot.size; i++) if (hasBit(text, i)) chosen.push(i);
        return chosen;
      },
    },
    boolean: {
      encode: (slot, response) => (response ? "t" : "f"),
      decode(slot, text) {
        if (text !== "t" && text !== "f") throw new Error("not t or f: " + text);
        return text === "t";
      },
    },
    indexes: {
      encode: (slot, response) => response.map((i) => fixed(i, width(slot))).join(""),
      decode(slot, text) {
        const w = width(slot);
        const values = [];
        for (let i = 0; i < text.length; i += w) {
          const digits = text.slice(i, i + w).split("").map((c) => BITS.indexOf(c));
          if (digits.some((d) => d < 0)) throw new Error("bad index " + text);
          values.push(digits.reduce((sum, d) => sum * BITS.length + d, 0));
        }
        if (values.length !== slot.places || values.some((v) => v >= slot.size)) throw new Error("bad answer " + text);
        return values;
      },
    },
    text: {
      encode: (slot, response) => String(response).replace(ESCAPED,
        (ch) => "%" + (ch.charCodeAt(0) < 16 ? "0" : "") + ch.charCodeAt(0).toString(16).toUpperCase()),
      decode: (slot, text) => text.replace(/%([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
    },
    number: {
      encode: (slot, response) => String(response),
      decode(slot, text) {
        if (!isFinite(Number(text))) throw new Error("not a number: " + text);
        return text;
      },
    },
  };

  function codec(slot) {
    const found = CODECS[slot.codec];
    if (!found) throw new Error("no state codec " + slot.codec);
    return found;
  }

  function fixed(value, w) {
    return w === 1 ? BITS[value] : BITS[Math.floor(value / BITS.length)] + BITS[value % BITS.length];
  }

  function base36(text, limit) {
    if (!/^[0-9a-z]+$/.test(text)) throw new Error("bad number " + text);
    const value = parseInt(text, 36);
    if (value >= limit) throw new Error(value + " is out of range");
    return value;
  }

  function encodeAssessment(slot, state) {
    if (!state.attempt) return "";
    let head = Math.min(state.attempt, slot.maxAttempts || ATTEMPT_CAP).toString(36);
    if (slot.seeded && state.seed !== null && state.seed !== undefined) head += "." + state.seed.toString(36);
    const answers = slot.questions.map((q, i) => {
      const response = state.responses[i];
      return response === null || response === undefined ? "" : codec(q).encode(q, response);
    });
    while (answers.length && !answers[answers.length - 1]) answers.pop();
    return head + "~" + answers.join(",");
  }

  /** The state string of a snapshot {viewed: Set of page indexes, bookmark, assessments: [{attempt, seed, responses}]}. */
  function encode(layout, snapshot) {
    const parts = [
      VERSION + layout.fingerprint,
      bits(Array.from(snapshot.viewed), layout.pages, 0),
      snapshot.bookmark === null || snapshot.bookmark === undefined ? "" : snapshot.bookmark.toString(36),
    ];
    layout.assessments.forEach((slot, i) => parts.push(encodeAssessment(slot, snapshot.assessments[i])));
    while (parts.length > 3 && !parts[parts.length - 1]) parts.pop();
    return parts.join("|");
  }

  function decodeAssessment(slot, text) {
    const empty = {attempt: 0, seed: null, responses: slot.questions.map(() => null)};
    if (!text) return empty;
    const tilde = text.indexOf("~");
    if (tilde < 0) throw new Error("assessment without answers: " + text);
    const head = text.slice(0, tilde).split(".");
    const body = text.slice(tilde + 1);
    const answers = body ? body.split(",") : [];
    if (answers.length > slot.questions.length) throw new Error("more answers than questions");
    return {
      attempt: base36(head[0], ATTEMPT_CAP + 1),
      seed: head.length > 1 ? base36(head[1], SEED_LIMIT) : null,
      responses: slot.questions.map((q, i) => (answers[i] ? codec(q).decode(q, answers[i]) : null)),
    };
  }

  /** The snapshot a state string holds; throws when it belongs to another structure or is malformed. */
  function decode(layout, text) {
    const parts = String(text).split("|");
    if (parts[0] !== VERSION + layout.fingerprint) throw new Error("state of another course version: " + parts[0]);
    if (parts.length < 3 || parts.length > 3 + layout.assessments.length) throw new Error("state has " + parts.length + " parts");
    const viewed = new Set();
    for (let i = 0; i < layout.pages; i++) if (hasBit(parts[1], i)) viewed.add(i);
    return {
      viewed: viewed,
      bookmark: parts[2] ? base36(parts[2], layout.screens) : null,
      assessments: layout.assessments.map((slot, i) => decodeAssessment(slot, parts[3 + i] || "")),
    };
  }

  /** The slot of a question of the course data: how its answers are saved. */
  function slotOf(question) { return question.slot; }

  lib.state = {encode: encode, decode: decode, slotOf: slotOf, ATTEMPT_CAP: ATTEMPT_CAP};
})();
