/* SCORM 2004 4th Edition tracking adapter: the player's tracking calls, written to the LMS's API_1484_11 (RTE 3-4),
   over the SCORM core (scorm-api.js, loaded before it). */
(function () {
  "use strict";

  const S = window.cmaScorm;
  const STRING_LIMIT = 250;     // localized_string_type(250), short identifiers
  const MAX_PATTERNS = { "fill-in": 5 };  // correct_responses SPM per type (RTE 4.2.9.1); 1 for the others

  /* timeinterval (second,10,2): an ISO 8601 duration such as PT1H2M3.45S. */
  function duration(ms) {
    const cs = Math.max(0, Math.round((ms || 0) / 10));
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + String(s) + "S";
  }

  /* time (second,10,0): YYYY-MM-DDThh:mm:ss.s with a zone, which the format only allows after the fraction. */
  function timestamp(value) {
    let date = new Date(value);
    if (isNaN(date.getTime())) date = new Date();
    return date.toISOString().replace(/(\.\d\d)\dZ$/, "$1Z");
  }

  /* short_identifier_type: URI characters, at most 250. */
  function shortId(value) {
    const text = String(value == null ? "" : value);
    return /^[\w\-()+.:=@;$!*'%/#]{1,250}$/.test(text) && /\w/.test(text) ? text : null;
  }

  /* localized_string_type / characterstring: no reserved delimiter, no leading "{", at most 250. */
  function plain(value, limit) {
    const text = String(value == null ? "" : value).replace(/\[[,.:]\]/g, " ").replace(/^\{+/, "");
    return text.slice(0, limit || STRING_LIMIT);
  }

  /* localized_string_type with the page's language in its {lang=} delimiter (RTE 4.1.1.7), which the 250
     characters do not count: without it an LMS takes the text for English. */
  function described(value) {
    const lang = document.documentElement.lang;
    const text = plain(value);
    return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(lang) && text ? "{lang=" + lang + "}" + text : text;
  }

  function pair(value) {
    const parts = String(value).split(".");
    return parts.length === 2 && shortId(parts[0]) && shortId(parts[1]) ? parts[0] + "[.]" + parts[1] : null;
  }

  /* [learner_response, [patterns]] in the formats of RTE 4.2.9, or nulls where a value cannot fit. */
  function responses(answer) {
    const response = answer.response || [], pattern = answer.correctPattern;
    switch (answer.type) {
      case "single_choice": case "multiple_response": case "ordering":
        return [S.joined(response, shortId, "[,]"), [S.joined(pattern || [], shortId, "[,]")]];
      case "true_false": {
        const tf = (v) => (String(v) === "true" || String(v) === "false" ? String(v) : null);
        return [tf(response[0]), [tf((pattern || [])[0])]];
      }
      case "matching":
        return [S.joined(response, pair, "[,]"), [S.joined(pattern || [], pair, "[,]")]];
      case "fill_blank":
        return [plain(response[0]), (pattern || []).map((p) => (String(p).length <= STRING_LIMIT ? plain(p) : null))];
      case "numeric": {
        if (!pattern) return [S.decimal(response[0]), []];
        const tolerance = Math.abs(Number(pattern.tolerance) || 0);
        const low = S.decimal(Number(pattern.answer) - tolerance), high = S.decimal(Number(pattern.answer) + tolerance);
        return [S.decimal(response[0]), [low != null && high != null ? low + "[:]" + high : null]];
      }
      case "open_answer":
        return [plain(response[0], 4000), []];  // "other": a characterstring (SPM 4000)
      default:
        return [null, []];
    }
  }

  const dialect = {
    name: "scorm2004",
    apiName: "API_1484_11",
    maxParents: 500,           // RTE 3.3.6.1: a bounded search, 500 levels in ADL's reference algorithm
    stateLimit: 64000,         // cmi.suspend_data SPM (4th Edition)
    locationLimit: 1000,       // cmi.location, characterstring SPM 1000
    quietError: "403",         // "not initialized" is how a first launch reads cmi.location (RTE 3.1.7.6)
    transient: ["0", "101", "351", "391"],  // no reason given, general exception, general set and commit failures
    calls: { initialize: "Initialize", terminate: "Terminate", commit: "Commit", get: "GetValue", set: "SetValue",
      lastError: "GetLastError", errorString: "GetErrorString", diagnostic: "GetDiagnostic" },
    elements: { mode: "cmi.mode", location: "cmi.location", suspend: "cmi.suspend_data", learnerName: "cmi.learner_name",
      entry: "cmi.entry", sessionTime: "cmi.session_time", exit: "cmi.exit" },
    sessionTime: duration,
    exitValue: (exit) => (exit === "normal" ? "normal" : "suspend"),
    begin(session) {
      // The interactions an earlier session recorded, by id, so a re-answer updates its own record.
      session.next = parseInt(session.get("cmi.interactions._count"), 10) || 0;
      for (let n = 0; n < session.next; n++) session.indexOf[session.get("cmi.interactions." + n + ".id")] = n;
      const completion = session.get("cmi.completion_status");
      if (completion === "not attempted" || completion === "unknown" || completion === "") {
        session.set("cmi.completion_status", "incomplete", true);
      }
    },
    interactions: {
      type: (kind) => kind,
      id: (text) => plain(text, 4000) || null,
      responses,
      maxPatterns: (type) => MAX_PATTERNS[type] || 1,
      rewrite: false,
      time: "timestamp",
      clock: timestamp,
      response: "learner_response",
      wrong: "incorrect",
      description: (text) => described(text)
    },
    scored(session, scaled) {
      // raw on 0-100 like 1.2: Moodle grades SCORM 2004 on cmi.score.raw against a maximum grade of 100.
      session.set("cmi.score.min", "0", true);
      session.set("cmi.score.max", "100", true);
      session.set("cmi.score.raw", S.decimal(Math.round(scaled * 10000) / 100), true);
      session.set("cmi.score.scaled", S.decimal(Math.round(scaled * 10000) / 10000), true);
    },
    status(session, s) {
      session.set("cmi.completion_status", s.completed ? "completed" : "incomplete", true);
      session.set("cmi.success_status", s.passed === true ? "passed" : s.passed === false ? "failed" : "unknown", true);
    }
  };

  window.cmaTracking = (context) => S.connect(dialect, context);
})();
