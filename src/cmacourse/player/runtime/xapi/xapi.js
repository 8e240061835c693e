/* xAPI statements for the player's tracking calls, shared by the cmi5 and Tin Can adapters: interactions in
   xAPI 1.0.3 form, the learner's saved state, completed/passed/failed sent once, terminated last, and the
   adapter object both standards give the player. */
(function () {
  "use strict";

  const Q = window.cmaXapiQueue;
  const VERB_BASE = "http://adlnet.gov/expapi/verbs/";
  const INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
  const PAGE = "http://activitystrea.ms/schema/1.0/page";
  const TYPES = {
    single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    matching: "matching", ordering: "sequencing", fill_blank: "fill-in", numeric: "numeric"
  };
  const UNTRACKED = { state: null, bookmark: null, mode: "normal", learnerName: null };

  function verb(name) {
    return { id: VERB_BASE + name, display: { "en-US": name } };
  }

  /* The package's activity data (xapi-activities.js): the same definitions as the manifest. */
  function lookup(kind, id) {
    const data = window.cmaXapiActivities;
    return data && data[kind] && data[kind][id] ? data[kind][id] : null;
  }

  function activity(entry) {
    return entry.definition ? { objectType: "Activity", id: entry.id, definition: entry.definition }
      : { objectType: "Activity", id: entry.id };
  }

  function langMap(lang, text) {
    return { [lang]: String(text) };
  }

  function isEmpty(value) {
    return value == null || value === "" || (Array.isArray(value) ? !value.length
      : typeof value === "object" && !Object.keys(value).length);
  }

  /* A copy without empty values (null, "", {} and []), which xAPI statements may carry only inside
     extensions; an object or list left empty by that goes too. */
  function pruned(value) {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(pruned).filter((v) => !isEmpty(v));
    const out = {};
    Object.keys(value).forEach((key) => {
      const v = key === "extensions" ? value[key] : pruned(value[key]);
      if (!isEmpty(v)) out[key] = v;
    });
    return out;
  }

  /* The learner's response in xAPI 1.0.3 syntax ("[,]" lists, "[.]" pairs), from the player's neutral form. */
  function responseText(kind, response) {
    const items = Array.isArray(response) ? response.map(String) : [String(response)];
    if (kind === "matching") return items.map((p) => p.replace(".", "[.]")).join("[,]");
    if (kind !== "choice" && kind !== "sequencing") return items[0] || "";  // one value: true-false, fill-in, numeric, other
    return items.join("[,]");
  }

  function correctPattern(kind, pattern, built) {
    if (Array.isArray(built)) return built.length ? built.map(String) : null;  // already in xAPI syntax
    if (pattern == null) return null;
    if (kind === "numeric" && typeof pattern === "object" && !Array.isArray(pattern)) {
      const tolerance = Number(pattern.tolerance) || 0, answer = Number(pattern.answer);
      return [tolerance ? (answer - tolerance) + "[:]" + (answer + tolerance) : String(answer)];
    }
    if (kind === "fill-in") return [].concat(pattern).map(String);
    return [responseText(kind, pattern)];
  }

  /* The package's interaction type, else the one the answer names (``interaction``, from the build), else
     the one of the question type. */
  function interactionType(answer) {
    const entry = lookup("questions", answer.id);
    if (entry) return entry.definition.interactionType;
    return answer.interaction || TYPES[answer.type] || "other";
  }

  /* The activity an answer is about: the package's definition, else one made from the answer itself. */
  function questionActivity(answer, lang, base) {
    const entry = lookup("questions", answer.id);
    if (entry) return activity(entry);
    const kind = interactionType(answer);
    const text = answer.description || answer.id;
    const definition = { type: INTERACTION, name: langMap(lang, text), description: langMap(lang, text), interactionType: kind };
    const correct = correctPattern(kind, answer.correctPattern, answer.pattern);
    if (correct) definition.correctResponsesPattern = correct;
    if (answer.choices && (kind === "choice" || kind === "sequencing")) {
      definition.choices = answer.choices.map((c) => ({ id: String(c.id), description: langMap(lang, c.text) }));
    }
    return { objectType: "Activity", id: base + "/questions/" + encodeURIComponent(answer.id), definition };
  }

  /* A screen the player shows: a content page, an assessment, or one of its own (home, results, glossary). */
  function pageActivity(page, lang, base) {
    const entry = lookup("pages", page.id) || lookup("assessments", page.id) || lookup("screens", page.id);
    if (entry) return activity(entry);
    return { objectType: "Activity", id: base + "/screens/" + encodeURIComponent(page.id),
      definition: { type: PAGE, name: langMap(lang, page.title || page.id) } };
  }

  function answerResult(answer, kind) {
    const result = { success: answer.result === "correct", response: responseText(kind, answer.response) };
    const max = Number(answer.maxPoints);
    if (max > 0) {
      const raw = Math.max(0, Math.min(max, Number(answer.points) || 0));
      result.score = { raw, min: 0, max, scaled: Math.round(raw / max * 10000) / 10000 };
    }
    if (answer.latencyMs != null) result.duration = Q.duration(answer.latencyMs);
    return result;
  }

  /* A score for passed/failed: scaled 0–1, and raw/min/max when they are whole numbers (cmi5 9.5.1). */
  function scoreOf(score, wholeRaw) {
    if (!score) return null;
    const out = {};
    const scaled = Number(score.scaled);
    if (isFinite(scaled)) out.scaled = Math.round(Math.max(0, Math.min(1, scaled)) * 10000) / 10000;
    const raw = Number(score.raw), min = Number(score.min), max = Number(score.max);
    const whole = [raw, min, max].every((n) => isFinite(n) && (!wholeRaw || Math.round(n) === n));
    if (score.raw != null && whole && min <= raw && raw <= max) Object.assign(out, { raw, min, max });
    return Object.keys(out).length ? out : null;
  }

  /* A copy of ``template`` with ``extra`` added: lists grow, values already there are never overwritten. */
  function mergeContext(template, extra) {
    const out = JSON.parse(JSON.stringify(template || {}));
    Object.keys(extra || {}).forEach((key) => {
      const value = extra[key];
      if (key === "contextActivities" || key === "extensions") {
        out[key] = out[key] || {};
        Object.keys(value).forEach((k) => {
          if (key === "extensions") {
            if (!(k in out[key])) out[key][k] = value[k];
            return;
          }
          const list = out[key][k] == null ? [] : [].concat(out[key][k]);
          value[k].forEach((a) => {
            if (!list.some((b) => b.id === a.id)) list.push(a);
          });
          out[key][k] = list;
        });
      } else if (!(key in out) && value != null) {
        out[key] = value;
      }
    });
    return out;
  }

  /* An agent from Tin Can's launch form (0.9 arrays) or xAPI's, as an xAPI 1.0.3 Agent. */
  function agent(raw) {
    const a = typeof raw === "string" ? JSON.parse(raw) : raw;
    const one = (v) => (Array.isArray(v) ? v[0] : v);
    const out = { objectType: "Agent" };
    if (a.name != null) out.name = String(one(a.name));
    if (a.mbox != null) out.mbox = String(one(a.mbox)).replace(/^(?!mailto:)/, "mailto:");
    else if (a.mbox_sha1sum != null) out.mbox_sha1sum = one(a.mbox_sha1sum);
    else if (a.openid != null) out.openid = one(a.openid);
    else if (a.account != null) {
      const acc = one(a.account);
      out.account = { homePage: acc.homePage || acc.accountServiceHomePage, name: acc.name || acc.accountName };
    }
    return out;
  }

  /* One tracked session over a Client: what cmi5 and Tin Can do alike, with their differences in ``o``:
     client, actor, lang, base (course IRI), self (the launched activity), stateParams, persist (bool),
     tracks (send completed/passed/failed), mastery (0–1 or null: judge passed by score), wholeScores,
     deferFailed (send failed at the end, so one session never has both failed and passed),
     completedWhenFailed (a failed status that says completed sends completed too),
     context(kind, extra, verb) where kind is "defined", "moveon" or "allowed", and log. */
  class Tracker {
    constructor(o) {
      this.o = o;
      this.doc = { state: null, bookmark: null, sent: {} };
      this.began = Date.now();
      this.score = null;
      this.judged = null;      // the player's last status with a verdict
      this.pendingFail = false;
      this.failedSent = false;
      this.closed = false;
    }

    load(doc) {
      if (doc && typeof doc === "object") {
        this.doc = { state: doc.state == null ? null : String(doc.state), bookmark: doc.bookmark == null ? null : String(doc.bookmark),
          sent: doc.sent && typeof doc.sent === "object" ? doc.sent : {} };
      }
      return this.doc;
    }

    send(name, object, result, kind, extra) {
      if (this.closed) {
        this.o.log("xAPI: '" + name + "' after terminated is not sent");
        return null;
      }
      const statement = { actor: this.o.actor, verb: verb(name), object, context: this.o.context(kind, extra || {}, name) };
      if (result) statement.result = result;
      return this.o.client.statement(pruned(statement));
    }

    persist() {
      if (this.o.persist) this.o.client.state(this.o.stateParams, this.doc);
    }

    elapsed() { return Q.duration(Date.now() - this.began); }

    pageViewed(page) {
      const module = page.moduleId ? lookup("modules", page.moduleId) : null;
      this.send("experienced", pageActivity(page, this.o.lang, this.o.base), null, "allowed",
        { contextActivities: { parent: [activity(module || this.o.self)] } });
    }

    answered(answer) {
      const entry = lookup("questions", answer.id);
      const assessment = lookup("assessments", answer.assessmentId || (entry && entry.assessment));
      const other = (entry && entry.objectives ? entry.objectives : []).map((id) => ({ objectType: "Activity", id }));
      const links = { parent: [activity(assessment || this.o.self)], grouping: [activity(this.o.self)], other };
      this.send("answered", questionActivity(answer, this.o.lang, this.o.base), answerResult(answer, interactionType(answer)),
        "allowed", { contextActivities: links });
    }

    scored(score) {
      this.score = score;
      this.evaluate();
    }

    status(status) {
      if (!this.o.tracks || this.closed || !status) return;
      const completed = status.completed && (status.passed !== false || this.o.completedWhenFailed);
      if (completed && !this.doc.sent.completed) {
        this.doc.sent.completed = true;
        this.send("completed", activity(this.o.self), { completion: true, duration: this.elapsed() }, "moveon");
        this.persist();
      }
      if (status.passed != null) this.judged = status;
      this.evaluate();
    }

    /* Passed or failed, by the LMS's mastery score when it gave one and a score is known, else by the player. */
    verdict() {
      const scaled = this.score ? Number(this.score.scaled) : NaN;
      if (this.o.mastery != null && isFinite(scaled)) return scaled >= this.o.mastery;
      return !!this.judged.passed;
    }

    evaluate() {
      if (!this.o.tracks || this.closed || !this.judged || this.doc.sent.passed) return;
      if (this.verdict()) {
        this.pendingFail = false;
        this.doc.sent.passed = true;
        this.judgement("passed", true);
        this.persist();
      } else if (this.o.deferFailed) {
        this.pendingFail = true;
      } else if (!this.failedSent) {
        this.failedSent = true;
        this.judgement("failed", false);
      }
    }

    judgement(name, success) {
      const result = { success, duration: this.elapsed() };
      const score = scoreOf(this.score, this.o.wholeScores);
      if (score) result.score = score;
      this.send(name, activity(this.o.self), result, "moveon");
    }

    saveState(state) {
      this.doc.state = state == null ? null : String(state);
      this.persist();
    }

    bookmark(pageId) {
      this.doc.bookmark = pageId == null ? null : String(pageId);
      this.persist();
    }

    /* The end of the session: a deferred failed, then terminated, the last statement; the queue is flushed
       (by one keepalive request when the page is going away). */
    finish(hiding) {
      if (this.closed) return false;
      if (this.pendingFail && !this.doc.sent.passed && !this.failedSent) {
        this.failedSent = true;
        this.judgement("failed", false);
      }
      this.send("terminated", activity(this.o.self), { duration: this.elapsed() }, "defined");
      this.closed = true;
      if (hiding) this.o.client.flushKeepalive();
      else this.o.client.flush();
      return true;
    }
  }

  /* The player's adapter over a session that ``connect(log)`` opens: a Promise of {tracker, result, left}
     where ``result`` is what start() resolves to and ``left(hiding)`` (optional) runs after terminated and
     may return a Promise (true: the adapter navigates away). Calls made before the session opens are
     replayed after its initialized; a session that cannot open leaves the course playing untracked. */
  function adapter(name, connect, context) {
    const log = (message) => { try { context.log(message); } catch (e) { /* logging never breaks the course */ } };
    let session = null, started = false, hiding = false;
    const early = [];

    const call = (method) => (...args) => {
      if (session) {
        try { session.tracker[method](...args); } catch (e) { log(name + ": " + method + ": " + e); }
      } else if (!started) {
        early.push([method, args]);
      }
    };

    const self = {
      name,
      stateLimit: null,
      start() {
        return connect(log).then((opened) => {
          session = opened;
          started = true;
          early.splice(0).forEach(([method, args]) => self[method](...args));
          return opened.result;
        }).catch((e) => {
          started = true;
          early.length = 0;
          log(name + ": " + (e && e.message ? e.message : e) + "; the course plays without tracking");
          return Object.assign({}, UNTRACKED);
        });
      },
      pageViewed: call("pageViewed"),
      bookmark: call("bookmark"),
      answered: call("answered"),
      scored: call("scored"),
      saveState: call("saveState"),
      status: call("status"),
      commit() { if (session) session.tracker.o.client.flush(); },
      finish() {
        if (!session || !session.tracker.finish(hiding)) return Promise.resolve();
        return Promise.resolve(session.left ? session.left(hiding) : undefined);
      }
    };

    // Listeners run in the order added and this one comes before the player's: terminated is queued
    // before the page goes, and whatever no request carries yet leaves in one keepalive request (also
    // after Exit, when the page goes before the queue is sent).
    window.addEventListener("pagehide", () => {
      hiding = true;
      self.finish("suspend");
      if (session) session.tracker.o.client.flushKeepalive();
    });
    return self;
  }

  window.cmaXapi = {
    Client: Q.Client, uuid: Q.uuid, duration: Q.duration, Tracker, adapter, agent, activity,
    lookup, mergeContext, pruned, responseText, scoreOf
  };
})();
