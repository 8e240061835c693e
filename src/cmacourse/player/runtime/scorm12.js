/* SCORM 1.2 tracking adapter: the player's tracking calls, written to the LMS's SCORM 1.2 API (RTE 3), over the
   SCORM core (scorm-api.js, loaded before it). */
(function () {
  "use strict";

  const S = window.cmaScorm;
  const TEXT_LIMIT = 255;       // CMIString255 / CMIFeedback / CMIIdentifier
  const SOURCES = "0123456789abcdefghijklmnopqrstuvwxyz";  // single characters of 1.2 response formats
  const TARGETS = "abcdefghijklmnopqrstuvwxyz0123456789";
  /* CMITimespan: HHHH:MM:SS.SS, hours from two to four digits. */
  function timespan(ms) {
    const cs = Math.min(Math.max(0, Math.round((ms || 0) / 10)), 9999 * 360000 + 359999);
    return S.pad(Math.floor(cs / 360000), 2) + ":" + S.pad(Math.floor(cs / 6000) % 60, 2) + ":" +
      S.pad(Math.floor(cs / 100) % 60, 2) + "." + S.pad(cs % 100, 2);
  }

  /* CMITime: the time of day, HH:MM:SS. */
  function clock(value) {
    let date = new Date(value);
    if (isNaN(date.getTime())) date = new Date();
    return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => S.pad(n, 2)).join(":");
  }

  /* CMIIdentifier: printable characters, no white space, at most 255. */
  function identifier(value) {
    const text = String(value == null ? "" : value).replace(/[^\x21-\x7e]/g, "_");
    return text && text.length <= TEXT_LIMIT ? text : null;
  }

  /* Option ids as the single characters 1.2 requires: the ids themselves when they already are. */
  function characters(choices) {
    const ids = (choices || []).map((c) => String(c.id));
    const single = ids.every((id) => /^[0-9a-z]$/.test(id));
    const map = {};
    ids.forEach((id, i) => { map[id] = single ? id : TARGETS.charAt(i); });
    return (id) => map[String(id)] || null;
  }

  function pair(value) {
    const parts = String(value).split(".");
    const source = SOURCES.charAt(Number(parts[0])), target = TARGETS.charAt(Number(parts[1]));
    return parts.length === 2 && source && target ? source + "." + target : null;
  }

  function text(value) {
    return String(value == null ? "" : value).slice(0, TEXT_LIMIT);
  }

  /* [student_response, [patterns]] in the 1.2 formats (RTE 3.4.2.7), or nulls where a value cannot fit. */
  function responses(answer) {
    const response = answer.response || [], pattern = answer.correctPattern;
    switch (answer.type) {
      case "single_choice": case "multiple_response": case "ordering": {
        const code = characters(answer.choices);
        return [S.joined(response, code, ","), [S.joined(pattern || [], code, ",")]];
      }
      case "true_false": {
        const tf = (v) => (String(v) === "true" ? "t" : String(v) === "false" ? "f" : null);
        return [tf(response[0]), [tf((pattern || [])[0])]];
      }
      case "matching":
        return [S.joined(response, pair, ","), [S.joined(pattern || [], pair, ",")]];
      case "fill_blank":
        return [text(response[0]), (pattern || []).slice(0, 10).map((p) => (String(p).length <= TEXT_LIMIT ? String(p) : null))];
      case "numeric":
        return [S.decimal(response[0]), [pattern ? S.decimal(pattern.answer) : null]];
      case "open_answer":
        return [text(response[0]), []];
      default:
        return [null, []];
    }
  }

  function statusOf(s, mode) {
    if (mode === "browse") return "browsed";
    if (s.passed === true) return s.completed ? "passed" : "incomplete";
    if (s.passed === false) return "failed";
    return s.completed ? "completed" : "incomplete";
  }

  const dialect = {
    name: "scorm12",
    apiName: "API",
    maxParents: 7,             // RTE 1.2, 3.3.6.1: the discovery algorithm gives up after 7 parents
    stateLimit: 4096,          // cmi.suspend_data is a CMIString4096
    locationLimit: TEXT_LIMIT,
    quietError: null,
    transient: ["0", "101"],  // no reason given, general exception
    calls: { initialize: "LMSInitialize", terminate: "LMSFinish", commit: "LMSCommit", get: "LMSGetValue", set: "LMSSetValue",
      lastError: "LMSGetLastError", errorString: "LMSGetErrorString", diagnostic: "LMSGetDiagnostic" },
    elements: { mode: "cmi.core.lesson_mode", location: "cmi.core.lesson_location", suspend: "cmi.suspend_data",
      learnerName: "cmi.core.student_name", entry: "cmi.core.entry", sessionTime: "cmi.core.session_time", exit: "cmi.core.exit" },
    sessionTime: timespan,
    // "" is a normal exit; "suspend" keeps the attempt open for resume (RTE 3.4.2.1.5).
    exitValue: (exit) => (exit === "normal" ? "" : "suspend"),
    begin(session) {
      session.interactionsRecorded = session.get("cmi.interactions._children") !== "";
      session.next = parseInt(session.get("cmi.interactions._count"), 10) || 0;
      const status = session.get("cmi.core.lesson_status");
      if (status === "not attempted" || status === "") session.set("cmi.core.lesson_status", statusOf({ completed: false, passed: null }, session.mode), true);
    },
    // 1.2 interactions are write-only journal entries: the whole record is written at every answer.
    interactions: {
      // 1.2 has no "other" type: a typed answer with nothing to compare is recorded as fill-in (RTE 3.4.2.7.4).
      type: (kind) => (kind === "other" ? "fill-in" : kind),
      id: identifier,
      responses,
      maxPatterns: (type) => (type === "fill-in" ? 10 : 1),
      rewrite: true,
      time: "time",
      clock,
      response: "student_response",
      wrong: "wrong",
      description: null
    },
    scored(session, scaled) {
      // 1.2 scores are 0-100 (RTE 3.4.2.2.2), which is also what Moodle's grade and masteryscore compare.
      session.set("cmi.core.score.min", "0", true);
      session.set("cmi.core.score.max", "100", true);
      session.set("cmi.core.score.raw", S.decimal(Math.round(scaled * 10000) / 100), true);
    },
    status(session, s) { session.set("cmi.core.lesson_status", statusOf(s, session.mode), true); }
  };

  window.cmaTracking = (context) => S.connect(dialect, context);
})();
