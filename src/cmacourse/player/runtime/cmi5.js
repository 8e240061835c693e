/* cmi5 tracking adapter: the AU side of a cmi5 launch (cmi5 Quartz sections 7–11) over the shared xAPI client.
   It loads xapi-queue.js, xapi.js and xapi-activities.js from beside itself (the exporter ships them). */
(function () {
  "use strict";

  var CMI5 = "https://w3id.org/xapi/cmi5/context/";
  var CATEGORY = { objectType: "Activity", id: CMI5 + "categories/cmi5" };     // 9.6.2.1
  var MOVEON = { objectType: "Activity", id: CMI5 + "categories/moveon" };     // 9.6.2.2
  var SESSION_ID = CMI5 + "extensions/sessionid";                               // 9.6.3.1
  var MASTERY = CMI5 + "extensions/masteryscore";                               // 9.6.3.2
  var PARAMETERS = ["endpoint", "fetch", "actor", "registration", "activityId"]; // 8.1
  var STATE_ID = "cmacourse";   // the player's state, its bookmark and what this registration has sent
  var TOKEN_KEY = "cmacourse.cmi5.token:";
  var ENDED_KEY = "cmacourse.cmi5.ended:";
  var SUPPORT = ["xapi-queue.js", "xapi.js", "xapi-activities.js"];
  var script = document.currentScript;
  var here = script && script.src ? script.src : document.baseURI;

  function loadSupport() {
    if (window.cmaXapi && window.cmaXapiActivities) return Promise.resolve();
    return Promise.all(SUPPORT.map(function (name) {
      return new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL(name, here).href;
        tag.async = false;  // run in this order, though fetched together
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("cannot load " + tag.src)); };
        document.head.appendChild(tag);
      });
    }));
  }

  function kept(key, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(key);
      window.sessionStorage.setItem(key, value);
    } catch (e) { /* no session storage: a reload cannot resume this launch */ }
    return null;
  }

  /* 8.2: POST the one-time fetch URL for the token; a reload of the same launch reuses the one kept in this tab. */
  function authToken(fetchUrl) {
    var token = kept(TOKEN_KEY + fetchUrl);
    if (token) return Promise.resolve(token);
    return fetch(fetchUrl, { method: "POST", credentials: "omit", cache: "no-store" }).then(function (r) {
      return r.json();
    }).then(function (body) {
      if (!body || !body["auth-token"]) {
        throw new Error("the fetch URL gave no token (error " + (body && body["error-code"]) + ": " + (body && body["error-text"]) + ")");
      }
      kept(TOKEN_KEY + fetchUrl, body["auth-token"]);
      return body["auth-token"];
    });
  }

  window.cmaTracking = function (context) {
    var log = function (message) { try { context.log(message); } catch (e) { /* logging never breaks the course */ } };
    var tracker = null, started = false, hiding = false, early = [], returnURL = null, sessionId = null;

    function call(method) {
      return function () {
        if (tracker) {
          try { tracker[method].apply(tracker, arguments); } catch (e) { log("cmi5: " + method + ": " + e); }
        } else if (!started) {
          early.push([method, arguments]);  // before start() resolves; replayed after "initialized"
        }
      };
    }

    function begin(launch, client, found) {
      var X = window.cmaXapi;
      var data = found[0], preferences = found[1];
      if (!data || !data.contextTemplate) throw new Error("the LMS gave no LMS.LaunchData state document");
      var mode = data.launchMode || "Normal";
      var normal = mode === "Normal";  // Browse and Review send no completion-related statements (section 10)
      var mastery = typeof data.masteryScore === "number" ? data.masteryScore : null;
      var template = data.contextTemplate;
      sessionId = template.extensions ? template.extensions[SESSION_ID] : null;
      if (!sessionId) log("cmi5: LMS.LaunchData has no session id in its context template");
      returnURL = data.returnURL || null;
      var actor = JSON.parse(launch.actor);
      var course = window.cmaXapiActivities.course;
      var self = { objectType: "Activity", id: launch.activityId };
      var params = { activityId: launch.activityId, agent: launch.actor, registration: launch.registration };
      tracker = new X.Tracker({
        client: client, actor: actor, lang: window.cmaXapiActivities.language, base: course.id, self: self,
        stateParams: Object.assign({ stateId: STATE_ID }, params), persist: normal, tracks: normal,
        mastery: mastery, wholeScores: true, deferFailed: true, log: log,
        context: function (kind, extra, verb) {
          var own = { registration: launch.registration, contextActivities: {}, extensions: {} };
          if (kind !== "allowed") own.contextActivities.category = kind === "moveon" ? [CATEGORY, MOVEON] : [CATEGORY];
          if ((verb === "passed" || verb === "failed") && mastery != null) own.extensions[MASTERY] = mastery;
          return X.mergeContext(template, X.mergeContext(own, extra));
        }
      });
      var doc = tracker.load(found[2]);
      if (kept(ENDED_KEY + sessionId)) {
        tracker.closed = true;  // terminated already: nothing may follow, so this reload plays untracked
        log("cmi5: this session has ended; launch the course again from the LMS to be tracked");
      } else {
        tracker.send("initialized", self, null, "defined");  // 7.1.1: the first statement of the session
      }
      return {
        state: doc.state, bookmark: doc.bookmark, mode: mode.toLowerCase(),
        learnerName: actor.name ? String(actor.name) : null,
        masteryScore: mastery == null ? null : mastery * 100, moveOn: data.moveOn || null,
        preferences: preferences || null
      };
    }

    var adapter = {
      name: "cmi5",
      stateLimit: null,
      start: function () {
        var query = new URLSearchParams(window.location.search);
        var launch = {};
        PARAMETERS.forEach(function (name) { launch[name] = query.get(name); });
        var client = null;
        return loadSupport().then(function () {
          var missing = PARAMETERS.filter(function (name) { return !launch[name]; });
          if (missing.length) throw new Error("not launched by a cmi5 LMS: no " + missing.join(", ") + " in the URL");
          return authToken(launch.fetch);
        }).then(function (token) {
          client = new window.cmaXapi.Client({ endpoint: launch.endpoint, auth: "Basic " + token,
            key: launch.registration, log: log });
          var params = { activityId: launch.activityId, agent: launch.actor, registration: launch.registration };
          return Promise.all([
            client.readJson("activities/state", Object.assign({ stateId: "LMS.LaunchData" }, params)),
            // Section 11: the AU reads the learner's preferences at start; a missing document is no error.
            client.readJson("agents/profile", { agent: launch.actor, profileId: "cmi5LearnerPreferences" }, 1)
              .catch(function () { return null; }),
            client.readState(Object.assign({ stateId: STATE_ID }, params))
          ]);
        }).then(function (found) {
          var result = begin(launch, client, found);
          started = true;
          early.splice(0).forEach(function (item) { adapter[item[0]].apply(adapter, item[1]); });
          return result;
        }).catch(function (e) {
          started = true;
          early = [];
          log("cmi5: " + (e && e.message ? e.message : e) + "; the course plays without tracking");
          return { state: null, bookmark: null, mode: "normal", learnerName: null };
        });
      },
      pageViewed: call("pageViewed"),
      bookmark: call("bookmark"),
      answered: call("answered"),
      scored: call("scored"),
      saveState: call("saveState"),
      status: call("status"),
      commit: function () { if (tracker) tracker.o.client.flush(); },
      finish: function () {
        if (!tracker || !tracker.finish(hiding)) return Promise.resolve();
        if (sessionId) kept(ENDED_KEY + sessionId, "1");
        // Section 10: after terminating, the AU sends the browser to returnURL, once the queue is sent.
        if (!returnURL || hiding) return Promise.resolve();
        return tracker.o.client.drain(3000).then(function () { window.location.assign(returnURL); return true; });
      }
    };

    // Listeners run in the order added and this one comes before the player's: terminated is queued
    // before the page goes, and everything waiting leaves in one keepalive request.
    window.addEventListener("pagehide", function () {
      hiding = true;
      adapter.finish("suspend");
    });
    return adapter;
  };
})();
