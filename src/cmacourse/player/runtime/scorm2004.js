/* SCORM 2004 4th Edition tracking adapter: the player's tracking calls, written to the LMS's API_1484_11 (RTE 3-4). */
(function () {
  "use strict";

  var API_NAME = "API_1484_11";
  var MAX_PARENTS = 500;      // RTE 3.3.6.1: a bounded search, 500 levels in ADL's reference algorithm
  var STATE_LIMIT = 64000;    // cmi.suspend_data SPM (4th Edition)
  var STRING_LIMIT = 250;     // localized_string_type(250), short identifiers
  var TYPES = {
    single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    matching: "matching", ordering: "sequencing", fill_blank: "fill-in", numeric: "numeric"
  };
  var MAX_PATTERNS = { "fill-in": 5 };  // correct_responses SPM per type (RTE 4.2.9.1); 1 for the others

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

  /* timeinterval (second,10,2): an ISO 8601 duration such as PT1H2M3.45S. */
  function duration(ms) {
    var cs = Math.max(0, Math.round((ms || 0) / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + String(s) + "S";
  }

  /* time (second,10,0): YYYY-MM-DDThh:mm:ss.s with a zone, which the format only allows after the fraction. */
  function timestamp(value) {
    var date = new Date(value);
    if (isNaN(date.getTime())) date = new Date();
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2) +
      "T" + pad(date.getUTCHours(), 2) + ":" + pad(date.getUTCMinutes(), 2) + ":" + pad(date.getUTCSeconds(), 2) +
      "." + pad(Math.floor(date.getUTCMilliseconds() / 10), 2) + "Z";
  }

  /* real(10,7), without exponent notation; null for what the standard cannot hold. */
  function decimal(x) {
    x = Number(x);
    if (!isFinite(x) || Math.abs(x) >= 1e10) return null;
    var text = (Math.round(x * 1e7) / 1e7).toFixed(7).replace(/\.?0+$/, "");
    return text === "-0" ? "0" : text;
  }

  /* short_identifier_type: URI characters, at most 250. */
  function shortId(value) {
    var text = String(value == null ? "" : value);
    return /^[\w\-()+.:=@;$!*'%/#]{1,250}$/.test(text) && /\w/.test(text) ? text : null;
  }

  /* localized_string_type / characterstring: no reserved delimiter, no leading "{", at most 250. */
  function plain(value, limit) {
    var text = String(value == null ? "" : value).replace(/\[[,.:]\]/g, " ").replace(/^\{+/, "");
    return text.slice(0, limit || STRING_LIMIT);
  }

  function joined(list, encode, delimiter) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var code = encode(list[i]);
      if (!code) return null;
      out.push(code);
    }
    return out.length ? out.join(delimiter) : null;
  }

  function pair(value) {
    var parts = String(value).split(".");
    return parts.length === 2 && shortId(parts[0]) && shortId(parts[1]) ? parts[0] + "[.]" + parts[1] : null;
  }

  /* [learner_response, [patterns]] in the formats of RTE 4.2.9, or nulls where a value cannot fit. */
  function responses(answer) {
    var response = answer.response || [], pattern = answer.correctPattern;
    switch (answer.type) {
      case "single_choice": case "multiple_response": case "ordering":
        return [joined(response, shortId, "[,]"), [joined(pattern || [], shortId, "[,]")]];
      case "true_false":
        var tf = function (v) { return String(v) === "true" || String(v) === "false" ? String(v) : null; };
        return [tf(response[0]), [tf((pattern || [])[0])]];
      case "matching":
        return [joined(response, pair, "[,]"), [joined(pattern || [], pair, "[,]")]];
      case "fill_blank":
        return [plain(response[0]), (pattern || []).map(function (p) {
          return String(p).length <= STRING_LIMIT ? plain(p) : null;
        })];
      case "numeric":
        if (!pattern) return [decimal(response[0]), []];
        var tolerance = Math.abs(Number(pattern.tolerance) || 0);
        var low = decimal(Number(pattern.answer) - tolerance), high = decimal(Number(pattern.answer) + tolerance);
        return [decimal(response[0]), [low != null && high != null ? low + "[:]" + high : null]];
      default:
        return [null, []];
    }
  }

  function memoryAdapter() {
    return {
      name: "scorm2004", stateLimit: STATE_LIMIT, connected: false,
      start: function () { return Promise.resolve({ state: null, bookmark: null, mode: "normal", learnerName: null }); },
      pageViewed: function () {}, bookmark: function () {}, answered: function () {}, scored: function () {},
      saveState: function () {}, status: function () {}, commit: function () {}, finish: function () {}
    };
  }

  function lmsAdapter(api, log) {
    var running = false, ended = false, readOnly = false, mode = "normal";
    var startedAt = Date.now(), next = 0, indexOf = {}, written = {}, dirty = false;

    function call(name, a, b) {
      try { return String(api[name](a, b)); } catch (e) { log(name + " threw " + e); return ""; }
    }

    /* Log GetLastError/GetErrorString/GetDiagnostic; never throw at the learner. */
    function failed(what, quiet) {
      var code = call("GetLastError");
      if (code === "0" || code === "") return false;
      if (code === quiet) return true;
      log(what + ": error " + code + " " + call("GetErrorString", code) + " (" + call("GetDiagnostic", code) + ")");
      return true;
    }

    function get(element) {
      var value = call("GetValue", element);
      // 403 "not initialized" is how a first launch reads cmi.location or cmi.suspend_data (RTE 3.1.7.6).
      return failed("GetValue(" + element + ")", "403") ? "" : value;
    }

    function set(element, value, once) {
      if (!running || ended || readOnly || value == null) return false;
      value = String(value);
      if (once && written[element] === value) return true;
      if (call("SetValue", element, value) !== "true") {
        if (!failed("SetValue(" + element + ")")) log("SetValue(" + element + ") returned false");
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
      if (call("Commit", "") !== "true") failed("Commit");
      dirty = false;
    }

    function finish(exit) {
      if (!running || ended) return;
      if (!readOnly) {
        set("cmi.session_time", duration(Date.now() - startedAt));
        set("cmi.exit", exit === "normal" ? "normal" : "suspend");
      }
      commit();
      ended = true;
      if (call("Terminate", "") !== "true") failed("Terminate");
    }

    /* The interactions an earlier session recorded, by id, so a re-answer updates its own record. */
    function loadInteractions() {
      next = parseInt(get("cmi.interactions._count"), 10) || 0;
      for (var n = 0; n < next; n++) indexOf[get("cmi.interactions." + n + ".id")] = n;
    }

    function answered(answer) {
      var type = TYPES[answer.type], id = plain(answer.id, 4000);
      if (!type || !id) { log("interaction " + answer.id + " of type " + answer.type + " cannot be recorded"); return; }
      var fresh = !(id in indexOf), n = fresh ? next : indexOf[id];
      var base = "cmi.interactions." + n + ".";
      if (fresh) {
        // id first and type before any response: the LMS checks responses against the type (RTE 4.2.9).
        if (!set(base + "id", id)) return;
        indexOf[id] = n;
        next += 1;
        set(base + "type", type);
        (answer.objectiveIds || []).forEach(function (objective, m) {
          set(base + "objectives." + m + ".id", plain(objective, 4000) || null);
        });
        responses(answer)[1].slice(0, MAX_PATTERNS[type] || 1).forEach(function (p, m) {
          set(base + "correct_responses." + m + ".pattern", p);
        });
        set(base + "weighting", decimal(answer.maxPoints));
        if (answer.description) set(base + "description", plain(answer.description));
      }
      set(base + "timestamp", timestamp(answer.timestamp));
      set(base + "learner_response", responses(answer)[0]);
      set(base + "result", answer.result === "correct" ? "correct" : "incorrect");
      set(base + "latency", duration(answer.latencyMs));
    }

    return {
      name: "scorm2004",
      stateLimit: STATE_LIMIT,
      connected: true,
      start: function () {
        if (call("Initialize", "") !== "true") {
          failed("Initialize");
          return Promise.resolve({ state: null, bookmark: null, mode: "normal", learnerName: null });
        }
        running = true;
        startedAt = Date.now();
        // Added now, after the player's own pagehide listener, so that its finish(exit) runs first;
        // these only commit and terminate (exactly once) what it left open.
        window.addEventListener("beforeunload", function () { guarded(commit); });
        window.addEventListener("pagehide", function () { guarded(function () { finish("suspend"); }); });
        mode = get("cmi.mode") || "normal";
        readOnly = mode === "review";
        loadInteractions();
        var completion = get("cmi.completion_status");
        if (completion === "not attempted" || completion === "unknown" || completion === "") {
          set("cmi.completion_status", "incomplete", true);
        }
        return Promise.resolve({
          state: get("cmi.suspend_data") || null,
          bookmark: get("cmi.location") || null,
          mode: mode,
          learnerName: get("cmi.learner_name") || null,
          entry: get("cmi.entry")
        });
      },
      pageViewed: function () {},
      bookmark: function (pageId) {
        if (String(pageId).length <= 1000) set("cmi.location", pageId, true);  // characterstring (SPM 1000)
        else log("bookmark " + pageId + " is longer than 1000 characters");
      },
      answered: function (answer) {
        try { answered(answer); } catch (e) { log("answered: " + e); }
      },
      scored: function (score) {
        var scaled = score.scaled != null ? score.scaled : (score.max ? score.raw / score.max : null);
        if (scaled == null || !isFinite(scaled)) return;
        scaled = Math.min(1, Math.max(0, scaled));
        // raw on 0-100 like 1.2: Moodle grades SCORM 2004 on cmi.score.raw against a maximum grade of 100.
        set("cmi.score.min", "0", true);
        set("cmi.score.max", "100", true);
        set("cmi.score.raw", decimal(Math.round(scaled * 10000) / 100), true);
        set("cmi.score.scaled", decimal(Math.round(scaled * 10000) / 10000), true);
      },
      saveState: function (state) {
        if (String(state).length <= STATE_LIMIT) set("cmi.suspend_data", state, true);
        else log("state of " + String(state).length + " characters exceeds 64000; not saved");
      },
      status: function (s) {
        set("cmi.completion_status", s.completed ? "completed" : "incomplete", true);
        set("cmi.success_status", s.passed === true ? "passed" : s.passed === false ? "failed" : "unknown", true);
      },
      commit: commit,
      finish: finish
    };
  }

  window.cmaTracking = function (context) {
    var log = function (message) {
      try { if (context && context.log) context.log("scorm2004: " + message); } catch (e) { /* logging must not break */ }
    };
    var api = findApi(window);
    if (!api) {
      log("no SCORM 2004 API found; running standalone");
      return typeof window.cmaStandalone === "function" ? window.cmaStandalone(context) : memoryAdapter();
    }
    return lmsAdapter(api, log);
  };
})();
