/* SCORM 1.2 tracking adapter: the player's tracking calls, written to the LMS's SCORM 1.2 API (RTE 3). */
(function () {
  "use strict";

  var API_NAME = "API";
  var MAX_PARENTS = 7;        // RTE 1.2, 3.3.6.1: the discovery algorithm gives up after 7 parents
  var STATE_LIMIT = 4096;     // cmi.suspend_data is a CMIString4096
  var TEXT_LIMIT = 255;       // CMIString255 / CMIFeedback / CMIIdentifier
  var SOURCES = "0123456789abcdefghijklmnopqrstuvwxyz";  // single characters of 1.2 response formats
  var TARGETS = "abcdefghijklmnopqrstuvwxyz0123456789";
  var TYPES = {
    single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    matching: "matching", ordering: "sequencing", fill_blank: "fill-in", numeric: "numeric"
  };

  function read(win, name) {
    try { return win[name] || null; } catch (e) { return null; }  // another origin's frame throws
  }

  function search(win) {
    for (var tries = 0; win; tries++) {
      var api = read(win, API_NAME);
      if (api) return api;
      var parent = read(win, "parent");
      if (!parent || parent === win || tries >= MAX_PARENTS) return null;
      win = parent;
    }
    return null;
  }

  /* The specification's algorithm: this window and its parents, then the opener and its parents. */
  function findApi(win) {
    var opener = read(win, "opener");
    return search(win) || (opener ? search(opener) : null);
  }

  function pad(n, width) {
    var text = String(n);
    while (text.length < width) text = "0" + text;
    return text;
  }

  /* CMITimespan: HHHH:MM:SS.SS, hours from two to four digits. */
  function timespan(ms) {
    var cs = Math.min(Math.max(0, Math.round((ms || 0) / 10)), 9999 * 360000 + 359999);
    return pad(Math.floor(cs / 360000), 2) + ":" + pad(Math.floor(cs / 6000) % 60, 2) + ":" +
      pad(Math.floor(cs / 100) % 60, 2) + "." + pad(cs % 100, 2);
  }

  /* CMITime: the time of day, HH:MM:SS. */
  function clock(value) {
    var date = new Date(value);
    if (isNaN(date.getTime())) date = new Date();
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  /* CMIDecimal, without exponent notation; null for what the standard cannot hold. */
  function decimal(x) {
    x = Number(x);
    if (!isFinite(x) || Math.abs(x) >= 1e10) return null;
    var text = (Math.round(x * 1e7) / 1e7).toFixed(7).replace(/\.?0+$/, "");
    return text === "-0" ? "0" : text;
  }

  /* CMIIdentifier: printable characters, no white space, at most 255. */
  function identifier(value) {
    var text = String(value == null ? "" : value).replace(/[^\x21-\x7e]/g, "_");
    return text && text.length <= TEXT_LIMIT ? text : null;
  }

  /* Option ids as the single characters 1.2 requires: the ids themselves when they already are. */
  function characters(choices) {
    var ids = (choices || []).map(function (c) { return String(c.id); });
    var single = ids.every(function (id) { return /^[0-9a-z]$/.test(id); });
    var map = {};
    ids.forEach(function (id, i) { map[id] = single ? id : TARGETS.charAt(i); });
    return function (id) { return map[String(id)] || null; };
  }

  function joined(list, encode) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var code = encode(list[i]);
      if (!code) return null;
      out.push(code);
    }
    return out.join(",");
  }

  function pair(value) {
    var parts = String(value).split(".");
    var source = SOURCES.charAt(Number(parts[0])), target = TARGETS.charAt(Number(parts[1]));
    return parts.length === 2 && source && target ? source + "." + target : null;
  }

  function text(value) {
    var s = String(value == null ? "" : value);
    return s.length <= TEXT_LIMIT ? s : s.slice(0, TEXT_LIMIT);
  }

  /* [student_response, [patterns]] in the 1.2 formats (RTE 3.4.2.7), or nulls where a value cannot fit. */
  function responses(answer) {
    var response = answer.response || [], pattern = answer.correctPattern;
    switch (answer.type) {
      case "single_choice": case "multiple_response": case "ordering":
        var code = characters(answer.choices);
        return [joined(response, code), [joined(pattern || [], code)]];
      case "true_false":
        var tf = function (v) { return String(v) === "true" ? "t" : String(v) === "false" ? "f" : null; };
        return [tf(response[0]), [tf((pattern || [])[0])]];
      case "matching":
        return [joined(response, pair), [joined(pattern || [], pair)]];
      case "fill_blank":
        return [text(response[0]), (pattern || []).slice(0, 10).map(function (p) {
          return String(p).length <= TEXT_LIMIT ? String(p) : null;
        })];
      case "numeric":
        return [decimal(response[0]), [pattern ? decimal(pattern.answer) : null]];
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

  function memoryAdapter() {
    return {
      name: "scorm12", stateLimit: STATE_LIMIT, connected: false,
      start: function () { return Promise.resolve({ state: null, bookmark: null, mode: "normal", learnerName: null }); },
      pageViewed: function () {}, bookmark: function () {}, answered: function () {}, scored: function () {},
      saveState: function () {}, status: function () {}, commit: function () {}, finish: function () {}
    };
  }

  function lmsAdapter(api, log) {
    var running = false, ended = false, readOnly = false, interactions = false, mode = "normal";
    var startedAt = Date.now(), next = 0, indexOf = {}, written = {}, dirty = false;

    function call(name, a, b) {
      try { return String(api[name](a, b)); } catch (e) { log(name + " threw " + e); return ""; }
    }

    /* Log GetLastError/GetErrorString/GetDiagnostic; never throw at the learner. */
    function failed(what) {
      var code = call("LMSGetLastError");
      if (code === "0" || code === "") return false;
      log(what + ": error " + code + " " + call("LMSGetErrorString", code) + " (" + call("LMSGetDiagnostic", code) + ")");
      return true;
    }

    function get(element) {
      var value = call("LMSGetValue", element);
      return failed("LMSGetValue(" + element + ")") ? "" : value;
    }

    function set(element, value, once) {
      if (!running || ended || readOnly || value == null) return false;
      value = String(value);
      if (once && written[element] === value) return true;
      if (call("LMSSetValue", element, value) !== "true") {
        if (!failed("LMSSetValue(" + element + ")")) log("LMSSetValue(" + element + ") returned false");
        return false;
      }
      written[element] = value;
      dirty = true;
      return true;
    }

    function guarded(action) {
      try { action(); } catch (e) { log("leaving the page: " + e); }
    }

    function commit() {
      if (!running || ended || !dirty) return;
      if (call("LMSCommit", "") !== "true") failed("LMSCommit");
      dirty = false;
    }

    function finish(exit) {
      if (!running || ended) return;
      if (!readOnly) {
        set("cmi.core.session_time", timespan(Date.now() - startedAt));
        // "" is a normal exit; "suspend" keeps the attempt open for resume (RTE 3.4.2.1.5).
        set("cmi.core.exit", exit === "normal" ? "" : "suspend");
      }
      commit();
      ended = true;
      if (call("LMSFinish", "") !== "true") failed("LMSFinish");
    }

    function answered(answer) {
      if (!interactions) return;
      var type = TYPES[answer.type], id = identifier(answer.id);
      if (!type || !id) { log("interaction " + answer.id + " of type " + answer.type + " cannot be recorded"); return; }
      var fresh = !(id in indexOf), n = fresh ? next : indexOf[id];
      var base = "cmi.interactions." + n + ".";
      if (!set(base + "id", id)) return;
      if (fresh) { indexOf[id] = n; next += 1; }
      (answer.objectiveIds || []).forEach(function (objective, m) {
        set(base + "objectives." + m + ".id", identifier(objective));
      });
      set(base + "time", clock(answer.timestamp));
      set(base + "type", type);
      var values = responses(answer);
      values[1].forEach(function (p, m) { set(base + "correct_responses." + m + ".pattern", p); });
      set(base + "weighting", decimal(answer.maxPoints));
      set(base + "student_response", values[0]);
      set(base + "result", answer.result === "correct" ? "correct" : "wrong");
      set(base + "latency", timespan(answer.latencyMs));
    }

    return {
      name: "scorm12",
      stateLimit: STATE_LIMIT,
      connected: true,
      start: function () {
        if (call("LMSInitialize", "") !== "true") {
          failed("LMSInitialize");
          return Promise.resolve({ state: null, bookmark: null, mode: "normal", learnerName: null });
        }
        running = true;
        startedAt = Date.now();
        // Added now, after the player's own pagehide listener, so that its finish(exit) runs first;
        // these only commit and terminate (exactly once) what it left open.
        window.addEventListener("beforeunload", function () { guarded(commit); });
        window.addEventListener("pagehide", function () { guarded(function () { finish("suspend"); }); });
        mode = get("cmi.core.lesson_mode") || "normal";
        readOnly = mode === "review";
        interactions = get("cmi.interactions._children") !== "";
        next = parseInt(get("cmi.interactions._count"), 10) || 0;
        var status = get("cmi.core.lesson_status");
        if (status === "not attempted" || status === "") set("cmi.core.lesson_status", statusOf({ completed: false, passed: null }, mode), true);
        return Promise.resolve({
          state: get("cmi.suspend_data") || null,
          bookmark: get("cmi.core.lesson_location") || null,
          mode: mode,
          learnerName: get("cmi.core.student_name") || null,
          entry: get("cmi.core.entry")
        });
      },
      pageViewed: function () {},
      bookmark: function (pageId) {
        if (String(pageId).length <= TEXT_LIMIT) set("cmi.core.lesson_location", pageId, true);
        else log("bookmark " + pageId + " is longer than 255 characters");
      },
      answered: function (answer) {
        try { answered(answer); } catch (e) { log("answered: " + e); }
      },
      scored: function (score) {
        // 1.2 scores are 0-100 (RTE 3.4.2.2.2), which is also what Moodle's grade and masteryscore compare.
        var scaled = score.scaled != null ? score.scaled : (score.max ? score.raw / score.max : null);
        if (scaled == null || !isFinite(scaled)) return;
        set("cmi.core.score.min", "0", true);
        set("cmi.core.score.max", "100", true);
        set("cmi.core.score.raw", decimal(Math.min(100, Math.max(0, Math.round(scaled * 10000) / 100))), true);
      },
      saveState: function (state) {
        if (String(state).length <= STATE_LIMIT) set("cmi.suspend_data", state, true);
        else log("state of " + String(state).length + " characters exceeds 4096; not saved");
      },
      status: function (s) { set("cmi.core.lesson_status", statusOf(s, mode), true); },
      commit: commit,
      finish: finish
    };
  }

  window.cmaTracking = function (context) {
    var log = function (message) {
      try { if (context && context.log) context.log("scorm12: " + message); } catch (e) { /* logging must not break */ }
    };
    var api = findApi(window);
    if (!api) {
      log("no SCORM 1.2 API found; running standalone");
      return typeof window.cmaStandalone === "function" ? window.cmaStandalone(context) : memoryAdapter();
    }
    return lmsAdapter(api, log);
  };
})();
