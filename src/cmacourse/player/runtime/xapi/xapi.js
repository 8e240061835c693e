/* xAPI statements for the player's tracking calls, shared by the cmi5 and Tin Can adapters: interactions in
   xAPI 1.0.3 form, the learner's saved state, and completed/passed/failed sent once, terminated last. */
(function () {
  "use strict";

  var Q = window.cmaXapiQueue;
  var VERB_BASE = "http://adlnet.gov/expapi/verbs/";
  var INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
  var PAGE = "http://activitystrea.ms/schema/1.0/page";
  var TYPES = {
    single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    matching: "matching", ordering: "sequencing", fill_blank: "fill-in", numeric: "numeric"
  };

  function verb(name) {
    return { id: VERB_BASE + name, display: { "en-US": name } };
  }

  /* The package's activity data (xapi-activities.js): the same definitions as the manifest. */
  function lookup(kind, id) {
    var data = window.cmaXapiActivities;
    return data && data[kind] && data[kind][id] ? data[kind][id] : null;
  }

  function activity(entry) {
    return entry.definition ? { objectType: "Activity", id: entry.id, definition: entry.definition }
      : { objectType: "Activity", id: entry.id };
  }

  function langMap(lang, text) {
    var map = {};
    map[lang] = String(text);
    return map;
  }

  /* The learner's response in xAPI 1.0.3 syntax ("[,]" lists, "[.]" pairs), from the player's neutral form. */
  function responseText(kind, response) {
    var items = Array.isArray(response) ? response.map(String) : [String(response)];
    if (kind === "matching") return items.map(function (p) { return p.replace(".", "[.]"); }).join("[,]");
    if (kind === "true-false" || kind === "fill-in" || kind === "numeric") return items[0] || "";
    return items.join("[,]");
  }

  function correctPattern(kind, pattern) {
    if (pattern == null) return null;
    if (kind === "numeric" && typeof pattern === "object" && !Array.isArray(pattern)) {
      var tolerance = Number(pattern.tolerance) || 0, answer = Number(pattern.answer);
      return [tolerance ? (answer - tolerance) + "[:]" + (answer + tolerance) : String(answer)];
    }
    if (kind === "fill-in") return [].concat(pattern).map(String);
    return [responseText(kind, pattern)];
  }

  function interactionType(answer) {
    var entry = lookup("questions", answer.id);
    return entry ? entry.definition.interactionType : TYPES[answer.type] || "other";
  }

  /* The activity an answer is about: the package's definition, else one made from the answer itself. */
  function questionActivity(answer, lang, base) {
    var entry = lookup("questions", answer.id);
    if (entry) return activity(entry);
    var kind = interactionType(answer);
    var text = answer.description || answer.id;
    var definition = { type: INTERACTION, name: langMap(lang, text), description: langMap(lang, text),
      interactionType: kind };
    var correct = correctPattern(kind, answer.correctPattern);
    if (correct) definition.correctResponsesPattern = correct;
    if (answer.choices && (kind === "choice" || kind === "sequencing")) {
      definition.choices = answer.choices.map(function (c) { return { id: String(c.id), description: langMap(lang, c.text) }; });
    }
    return { objectType: "Activity", id: base + "/questions/" + encodeURIComponent(answer.id), definition: definition };
  }

  /* A screen the player shows: a content page, an assessment, or one of its own (home, results, glossary). */
  function pageActivity(page, lang, base) {
    var entry = lookup("pages", page.id) || lookup("assessments", page.id);
    if (entry) return activity(entry);
    return { objectType: "Activity", id: base + "/screens/" + encodeURIComponent(page.id),
      definition: { type: PAGE, name: langMap(lang, page.title || page.id) } };
  }

  function answerResult(answer, kind) {
    var result = { success: answer.result === "correct", response: responseText(kind, answer.response) };
    var max = Number(answer.maxPoints);
    if (max > 0) {
      var raw = Math.max(0, Math.min(max, Number(answer.points) || 0));
      result.score = { raw: raw, min: 0, max: max, scaled: Math.round(raw / max * 10000) / 10000 };
    }
    if (answer.latencyMs != null) result.duration = Q.duration(answer.latencyMs);
    return result;
  }

  /* A score for passed/failed: scaled 0–1, and raw/min/max when they are whole numbers (cmi5 9.5.1). */
  function scoreOf(score, wholeRaw) {
    if (!score) return null;
    var out = {};
    var scaled = Number(score.scaled);
    if (isFinite(scaled)) out.scaled = Math.round(Math.max(0, Math.min(1, scaled)) * 10000) / 10000;
    var raw = Number(score.raw), min = Number(score.min), max = Number(score.max);
    var whole = [raw, min, max].every(function (n) { return isFinite(n) && (!wholeRaw || Math.round(n) === n); });
    if (score.raw != null && whole && min <= raw && raw <= max) { out.raw = raw; out.min = min; out.max = max; }
    return Object.keys(out).length ? out : null;
  }

  /* A copy of ``template`` with ``extra`` added: lists grow, values already there are never overwritten. */
  function mergeContext(template, extra) {
    var out = JSON.parse(JSON.stringify(template || {}));
    Object.keys(extra || {}).forEach(function (key) {
      var value = extra[key];
      if (key === "contextActivities" || key === "extensions") {
        out[key] = out[key] || {};
        Object.keys(value).forEach(function (k) {
          if (key === "extensions") {
            if (!(k in out[key])) out[key][k] = value[k];
            return;
          }
          var list = out[key][k] == null ? [] : [].concat(out[key][k]);
          value[k].forEach(function (a) {
            if (!list.some(function (b) { return b.id === a.id; })) list.push(a);
          });
          if (list.length) out[key][k] = list;
        });
        if (!Object.keys(out[key]).length) delete out[key];
      } else if (!(key in out) && value != null) {
        out[key] = value;
      }
    });
    return out;
  }

  /* An agent from Tin Can's launch form (0.9 arrays) or xAPI's, as an xAPI 1.0.3 Agent. */
  function agent(raw) {
    var a = typeof raw === "string" ? JSON.parse(raw) : raw;
    function one(v) { return Array.isArray(v) ? v[0] : v; }
    var out = { objectType: "Agent" };
    if (a.name != null) out.name = String(one(a.name));
    if (a.mbox != null) out.mbox = String(one(a.mbox)).replace(/^(?!mailto:)/, "mailto:");
    else if (a.mbox_sha1sum != null) out.mbox_sha1sum = one(a.mbox_sha1sum);
    else if (a.openid != null) out.openid = one(a.openid);
    else if (a.account != null) {
      var acc = one(a.account);
      out.account = { homePage: acc.homePage || acc.accountServiceHomePage, name: acc.name || acc.accountName };
    }
    return out;
  }

  /* One tracked session over a Client: what cmi5 and Tin Can do alike, with their differences in ``o``:
     client, actor, lang, base (course IRI), self (the launched activity), stateParams, persist (bool),
     tracks (send completed/passed/failed), mastery (0–1 or null: judge passed by score), wholeScores,
     deferFailed (send failed at the end, so one session never has both failed and passed),
     context(kind, extra, verb) where kind is "defined", "moveon" or "allowed", and log. */
  function Tracker(o) {
    this.o = o;
    this.doc = { state: null, bookmark: null, sent: {} };
    this.began = Date.now();
    this.score = null;
    this.judged = null;      // the player's last status with a verdict
    this.pendingFail = false;
    this.failedSent = false;
    this.closed = false;
  }

  Tracker.prototype.load = function (doc) {
    if (doc && typeof doc === "object") {
      this.doc = { state: doc.state == null ? null : String(doc.state), bookmark: doc.bookmark == null ? null : String(doc.bookmark),
        sent: doc.sent && typeof doc.sent === "object" ? doc.sent : {} };
    }
    return this.doc;
  };

  Tracker.prototype.send = function (name, object, result, kind, extra) {
    if (this.closed) {
      this.o.log("xAPI: '" + name + "' after terminated is not sent");
      return null;
    }
    var statement = { actor: this.o.actor, verb: verb(name), object: object,
      context: this.o.context(kind, extra || {}, name) };
    if (result) statement.result = result;
    return this.o.client.statement(statement);
  };

  Tracker.prototype.persist = function () {
    if (this.o.persist) this.o.client.state(this.o.stateParams, this.doc);
  };

  Tracker.prototype.elapsed = function () { return Q.duration(Date.now() - this.began); };

  Tracker.prototype.pageViewed = function (page) {
    var module = page.moduleId ? lookup("modules", page.moduleId) : null;
    this.send("experienced", pageActivity(page, this.o.lang, this.o.base), null, "allowed",
      { contextActivities: { parent: [activity(module || this.o.self)] } });
  };

  Tracker.prototype.answered = function (answer) {
    var entry = lookup("questions", answer.id);
    var assessment = lookup("assessments", answer.assessmentId || (entry && entry.assessment));
    var other = (entry && entry.objectives ? entry.objectives : []).map(function (id) { return { objectType: "Activity", id: id }; });
    var links = { parent: [activity(assessment || this.o.self)], grouping: [activity(this.o.self)] };
    if (other.length) links.other = other;
    this.send("answered", questionActivity(answer, this.o.lang, this.o.base), answerResult(answer, interactionType(answer)),
      "allowed", { contextActivities: links });
  };

  Tracker.prototype.scored = function (score) {
    this.score = score;
    this.evaluate();
  };

  Tracker.prototype.status = function (status) {
    if (!this.o.tracks || this.closed || !status) return;
    if (status.completed && !this.doc.sent.completed) {
      this.doc.sent.completed = true;
      this.send("completed", activity(this.o.self), { completion: true, duration: this.elapsed() }, "moveon");
      this.persist();
    }
    if (status.passed != null) this.judged = status;
    this.evaluate();
  };

  /* Passed or failed, by the LMS's mastery score when it gave one and a score is known, else by the player. */
  Tracker.prototype.verdict = function () {
    var scaled = this.score ? Number(this.score.scaled) : NaN;
    if (this.o.mastery != null && isFinite(scaled)) return scaled >= this.o.mastery;
    return !!this.judged.passed;
  };

  Tracker.prototype.evaluate = function () {
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
  };

  Tracker.prototype.judgement = function (name, success) {
    var result = { success: success, duration: this.elapsed() };
    var score = scoreOf(this.score, this.o.wholeScores);
    if (score) result.score = score;
    this.send(name, activity(this.o.self), result, "moveon");
  };

  Tracker.prototype.saveState = function (state) {
    this.doc.state = state == null ? null : String(state);
    this.persist();
  };

  Tracker.prototype.bookmark = function (pageId) {
    this.doc.bookmark = pageId == null ? null : String(pageId);
    this.persist();
  };

  /* The end of the session: a deferred failed, then terminated, the last statement; the queue is flushed. */
  Tracker.prototype.finish = function (hiding) {
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
  };

  window.cmaXapi = {
    Client: Q.Client, uuid: Q.uuid, duration: Q.duration, Tracker: Tracker, agent: agent, activity: activity,
    lookup: lookup, mergeContext: mergeContext, responseText: responseText, scoreOf: scoreOf
  };
})();
