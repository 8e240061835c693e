/* The SCORM runtime core the SCORM 1.2 and 2004 adapters share: finding the LMS's API, calling it without ever
   throwing at the learner, and keeping every value the LMS refuses until it accepts it. Each adapter gives its
   standard's names, formats and limits as a "dialect" (see ``connect``). */
(function () {
  "use strict";

  const RETRY_MS = [1000, 2000, 4000, 8000, 15000];  // commits the LMS refused are tried again, this often
  const TYPES = {
    single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    matching: "matching", ordering: "sequencing", fill_blank: "fill-in", numeric: "numeric"
  };
  const UNTRACKED = { state: null, bookmark: null, mode: "normal", learnerName: null };

  function read(win, name) {
    try { return win[name] || null; } catch (e) { return null; }  // another origin's frame throws
  }

  function search(win, name, maxParents) {
    for (let tries = 0; win; tries++) {
      const api = read(win, name);
      if (api) return api;
      const parent = read(win, "parent");
      if (!parent || parent === win || tries >= maxParents) return null;
      win = parent;
    }
    return null;
  }

  /* The specification's algorithm (RTE 3.3.6.1): this window and its parents, then the opener and its parents. */
  function findApi(win, name, maxParents) {
    const opener = read(win, "opener");
    return search(win, name, maxParents) || (opener ? search(opener, name, maxParents) : null);
  }

  function pad(n, width) {
    return String(n).padStart(width, "0");
  }

  /* A decimal without exponent notation, at most 7 places (CMIDecimal, real(10,7)); null for what the
     standards cannot hold. */
  function decimal(x) {
    x = Number(x);
    if (!isFinite(x) || Math.abs(x) >= 1e10) return null;
    const text = (Math.round(x * 1e7) / 1e7).toFixed(7).replace(/\.?0+$/, "");
    return text === "-0" ? "0" : text;
  }

  /* ``list`` encoded item by item and joined, or null when an item cannot be encoded (or there is none). */
  function joined(list, encode, delimiter) {
    const out = [];
    for (const item of list) {
      const code = encode(item);
      if (!code) return null;
      out.push(code);
    }
    return out.length ? out.join(delimiter) : null;
  }

  /* A score scaled to 0–1 from the player's {raw, min, max, scaled}, or null. */
  function scaledOf(score) {
    const scaled = score.scaled != null ? score.scaled : (score.max ? score.raw / score.max : null);
    return scaled == null || !isFinite(scaled) ? null : Math.min(1, Math.max(0, scaled));
  }

  /* The LMS session over ``api``. The dialect ``d`` names the API functions (``d.calls``: initialize,
     terminate, commit, get, set, lastError, errorString, diagnostic) and the elements (``d.elements``:
     mode, location, suspend, learnerName, entry, sessionTime, exit), and gives ``stateLimit``,
     ``locationLimit``, ``quietError`` (a GetValue error code that only means "no value yet"), ``transient``
     (the error codes of a refusal that may pass: "0" for none given, the general failures),
     ``sessionTime(ms)`` (also an interaction's latency), ``exitValue(exit)``, ``begin(session)`` (which
     sets ``session.next``, the next interaction index, ``session.indexOf``, the index of each
     interaction id already recorded, and ``session.interactionsRecorded`` false when the LMS keeps none),
     ``scored(session, scaled)``, ``status(session, status)`` and ``interactions``: {id(text), responses(answer) -> [response, [patterns]],
     maxPatterns(type), rewrite (write the whole record at every answer), time, clock(timestamp),
     response, wrong, description(text) or null}. */
  class Session {
    constructor(api, d, log) {
      this.api = api;
      this.d = d;
      this.log = log;
      this.running = false;
      this.ended = false;
      this.readOnly = false;
      this.mode = "normal";
      this.startedAt = Date.now();
      this.written = new Map();  // element -> the value the LMS holds (as far as it said)
      this.unsent = new Map();   // element -> the latest value it refused, in the order first refused
      this.dirty = false;
      this.retries = 0;
      this.retryTimer = null;
      this.next = 0;
      this.indexOf = {};
      this.interactionsRecorded = true;
    }

    call(name, a, b) {
      try { return String(this.api[this.d.calls[name]](a, b)); } catch (e) { this.log(this.d.calls[name] + " threw " + e); return ""; }
    }

    /* Log GetLastError/GetErrorString/GetDiagnostic and say whether there was an error. */
    failed(what, quiet) {
      return this.error(what, quiet) !== "0";
    }

    /* The LMS's error code after a call ("0" for none), logged unless it is ``quiet``. */
    error(what, quiet) {
      const code = this.call("lastError") || "0";
      if (code !== "0" && code !== quiet) {
        this.log(what + ": error " + code + " " + this.call("errorString", code) + " (" + this.call("diagnostic", code) + ")");
      }
      return code;
    }

    get(element) {
      const value = this.call("get", element);
      return this.failed(this.d.calls.get + "(" + element + ")", this.d.quietError) ? "" : value;
    }

    /* Write a value; a refused one is kept and written again before the next commit (``retry``).
       ``once``: skip a value the LMS holds already. */
    set(element, value, once) {
      if (!this.running || this.ended || this.readOnly || value == null) return false;
      value = String(value);
      if (once && this.written.get(element) === value && !this.unsent.has(element)) return true;
      if (this.unsent.size) {
        this.unsent.set(element, value);  // the LMS is refusing: keep the order in which values were made
        return false;
      }
      return this.write(element, value);
    }

    /* One SetValue. A refusal the LMS gives no reason for, or a general failure, may pass: the value is
       kept for the next commit. A refusal of the value itself (a type, a range, a read-only element) will
       not change and is only logged. */
    write(element, value) {
      if (this.call("set", element, value) !== "true") {
        const what = this.d.calls.set + "(" + element + ")";
        const code = this.error(what);
        this.unsent.delete(element);
        if (this.d.transient.indexOf(code) >= 0) {
          this.log(what + " refused for now; kept for the next commit");
          this.unsent.set(element, value);
        }
        return false;
      }
      this.unsent.delete(element);
      this.written.set(element, value);
      this.dirty = true;
      return true;
    }

    /* Write again, in order, what the LMS refused; true when all of it is written now. */
    resend() {
      const waiting = Array.from(this.unsent);
      this.unsent = new Map();
      for (let i = 0; i < waiting.length; i++) {
        const [element, value] = waiting[i];
        if (this.write(element, value) || !this.unsent.has(element)) continue;  // written, or refused for good
        this.unsent = new Map(waiting.slice(i));  // still refused: this one and the rest wait, in their order
        return false;
      }
      return true;
    }

    commit() {
      if (!this.running || this.ended) return;
      const complete = this.resend();
      if (this.dirty) {
        if (this.call("commit", "") === "true") this.dirty = false;
        else this.failed(this.d.calls.commit);
      }
      this.scheduleRetry(!complete || this.dirty);
    }

    /* While the LMS refuses values or commits, try again now and then: the learner goes on meanwhile. */
    scheduleRetry(needed) {
      if (!needed) {
        this.retries = 0;
        return;
      }
      if (this.retryTimer) return;
      const wait = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
      this.retries += 1;
      this.retryTimer = setTimeout(() => { this.retryTimer = null; this.commit(); }, wait);
    }

    finish(exit) {
      if (!this.running || this.ended) return;
      if (!this.readOnly) {
        this.set(this.d.elements.sessionTime, this.d.sessionTime(Date.now() - this.startedAt));
        this.set(this.d.elements.exit, this.d.exitValue(exit));
      }
      this.commit();
      if (this.unsent.size) this.log(this.unsent.size + " value(s) the LMS refused are lost: " + Array.from(this.unsent.keys()).join(", "));
      clearTimeout(this.retryTimer);
      this.ended = true;
      if (this.call("terminate", "") !== "true") this.failed(this.d.calls.terminate);
    }

    /* An interaction record (1.2 RTE 3.4.2.7, 2004 RTE 4.2.9): its definition, then the learner's latest
       answer; a re-answer updates the record of the same id. */
    answered(answer) {
      const r = this.d.interactions;
      if (!this.interactionsRecorded) return;
      const type = r.type(answer.interaction || TYPES[answer.type]), id = r.id(answer.id);
      if (!type || !id) { this.log("interaction " + answer.id + " of type " + answer.type + " cannot be recorded"); return; }
      const fresh = !(id in this.indexOf);
      if (fresh) this.indexOf[id] = this.next++;
      const base = "cmi.interactions." + this.indexOf[id] + ".";
      const [response, patterns] = r.responses(answer);
      if (fresh || r.rewrite) {
        // id first and type before any response: the LMS checks responses against the type (RTE 4.2.9).
        this.set(base + "id", id);
        this.set(base + "type", type);
        (answer.objectiveIds || []).forEach((objective, m) => this.set(base + "objectives." + m + ".id", r.id(objective)));
        patterns.slice(0, r.maxPatterns(type)).forEach((p, m) => this.set(base + "correct_responses." + m + ".pattern", p));
        this.set(base + "weighting", decimal(answer.maxPoints));
        if (r.description && answer.description) this.set(base + "description", r.description(answer.description));
      }
      this.set(base + r.time, r.clock(answer.timestamp));
      this.set(base + r.response, response);
      this.set(base + "result", answer.result === "correct" ? "correct" : r.wrong);
      this.set(base + "latency", this.d.sessionTime(answer.latencyMs));
    }

    start() {
      if (this.call("initialize", "") !== "true") {
        this.failed(this.d.calls.initialize);
        return Object.assign({}, UNTRACKED);
      }
      this.running = true;
      this.startedAt = Date.now();
      const guarded = (action) => { try { action(); } catch (e) { this.log("leaving the page: " + e); } };
      // Added now, after the player's own pagehide listener, so that its finish(exit) runs first;
      // these only commit and terminate (exactly once) what it left open.
      window.addEventListener("beforeunload", () => guarded(() => this.commit()));
      window.addEventListener("pagehide", () => guarded(() => this.finish("suspend")));
      const e = this.d.elements;
      this.mode = this.get(e.mode) || "normal";
      this.readOnly = this.mode === "review";
      this.d.begin(this);
      return {
        state: this.get(e.suspend) || null,
        bookmark: this.get(e.location) || null,
        mode: this.mode,
        learnerName: this.get(e.learnerName) || null,
        entry: this.get(e.entry)
      };
    }

    adapter() {
      const d = this.d, e = d.elements;
      const guard = (what, action) => (value) => {
        try { action(value); } catch (x) { this.log(what + ": " + x); }
      };
      return {
        name: d.name,
        stateLimit: d.stateLimit,
        connected: true,
        start: () => Promise.resolve(this.start()),
        pageViewed() {},
        bookmark: guard("bookmark", (pageId) => {
          if (String(pageId).length <= d.locationLimit) this.set(e.location, pageId, true);
          else this.log("bookmark " + pageId + " is longer than " + d.locationLimit + " characters");
        }),
        answered: guard("answered", (answer) => this.answered(answer)),
        scored: guard("scored", (score) => {
          const scaled = scaledOf(score);
          if (scaled != null) d.scored(this, scaled);
        }),
        saveState: guard("saveState", (state) => {
          if (String(state).length <= d.stateLimit) this.set(e.suspend, state, true);
          else this.log("state of " + String(state).length + " characters exceeds " + d.stateLimit + "; not saved");
        }),
        status: guard("status", (status) => d.status(this, status)),
        commit: () => this.commit(),
        finish: (exit) => this.finish(exit)
      };
    }
  }

  /* The adapter for ``dialect`` (see Session): over the LMS's API when there is one, else the standalone one. */
  function connect(dialect, context) {
    const log = (message) => {
      try { if (context && context.log) context.log(dialect.name + ": " + message); } catch (e) { /* logging must not break */ }
    };
    const api = findApi(window, dialect.apiName, dialect.maxParents);
    if (!api) {
      log("no SCORM API (window." + dialect.apiName + ") found; running standalone");
      return window.cmaStandalone(context);
    }
    return new Session(api, dialect, log).adapter();
  }

  window.cmaScorm = { connect, decimal, joined, pad };
})();
