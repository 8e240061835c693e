/* Tin Can tracking adapter: statements and resume state through xAPI, launched with Rustici's Tin Can launch
   parameters. It loads xapi-queue.js, xapi.js and xapi-activities.js from beside itself (the exporter ships them). */
(function () {
  "use strict";

  var STATE_ID = "cmacourse";   // the player's state, its bookmark and what this registration has sent
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

  window.cmaTracking = function (context) {
    var log = function (message) { try { context.log(message); } catch (e) { /* logging never breaks the course */ } };
    var tracker = null, started = false, hiding = false, early = [];

    function call(method) {
      return function () {
        if (tracker) {
          try { tracker[method].apply(tracker, arguments); } catch (e) { log("tincan: " + method + ": " + e); }
        } else if (!started) {
          early.push([method, arguments]);  // before start() resolves; replayed after "initialized"
        }
      };
    }

    function begin(launch, client, doc) {
      var X = window.cmaXapi;
      var data = window.cmaXapiActivities;
      // The LMS launches the course activity of tincan.xml; its definition travels with the statements.
      var self = data.course.id === launch.activity_id ? X.activity(data.course)
        : { objectType: "Activity", id: launch.activity_id };
      var course = { objectType: "Activity", id: self.id };
      tracker = new X.Tracker({
        client: client, actor: launch.agent, lang: data.language, base: data.course.id, self: self,
        stateParams: launch.stateParams, persist: true, tracks: true, mastery: null, wholeScores: false,
        deferFailed: false, log: log,
        context: function (kind, extra) {
          var own = { contextActivities: {} };
          if (launch.registration) own.registration = launch.registration;
          if (kind === "allowed") own.contextActivities.grouping = [course];
          return X.mergeContext(own, extra);
        }
      });
      tracker.load(doc);
      tracker.send("initialized", self, null, "defined");
      return tracker.doc;
    }

    var adapter = {
      name: "tincan",
      stateLimit: null,
      start: function () {
        var query = new URLSearchParams(window.location.search);
        var launch = {};
        ["endpoint", "auth", "actor", "registration", "activity_id"].forEach(function (name) { launch[name] = query.get(name); });
        var client = null;
        return loadSupport().then(function () {
          var X = window.cmaXapi;
          if (!launch.endpoint || !launch.actor) throw new Error("not launched by a Tin Can LMS: no endpoint or actor in the URL");
          launch.activity_id = launch.activity_id || window.cmaXapiActivities.course.id;
          launch.agent = X.agent(launch.actor);
          // Without a registration the LRS keys the learner's state on the activity and agent alone.
          client = new X.Client({ endpoint: launch.endpoint, auth: launch.auth, log: log,
            key: launch.registration || launch.activity_id + "|" + JSON.stringify(launch.agent) });
          launch.stateParams = { activityId: launch.activity_id, agent: JSON.stringify(launch.agent), stateId: STATE_ID };
          if (launch.registration) launch.stateParams.registration = launch.registration;
          return client.readState(launch.stateParams);
        }).then(function (doc) {
          var saved = begin(launch, client, doc);
          started = true;
          early.splice(0).forEach(function (item) { adapter[item[0]].apply(adapter, item[1]); });
          return { state: saved.state, bookmark: saved.bookmark, mode: "normal",
            learnerName: launch.agent.name || null };
        }).catch(function (e) {
          started = true;
          early = [];
          log("tincan: " + (e && e.message ? e.message : e) + "; the course plays without tracking");
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
        if (tracker) tracker.finish(hiding);
        return Promise.resolve();
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
