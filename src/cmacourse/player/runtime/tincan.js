/* Tin Can tracking adapter: statements and resume state through xAPI, launched with Rustici's Tin Can launch
   parameters, over the shared xAPI core (xapi-queue.js and xapi.js, with xapi-activities.js, loaded before it). */
(function () {
  "use strict";

  const STATE_ID = "cmacourse";   // the player's state, its bookmark and what this registration has sent
  const PARAMETERS = ["endpoint", "auth", "actor", "registration", "activity_id"];

  function open(launch, client, saved, log) {
    const X = window.cmaXapi;
    const data = window.cmaXapiActivities;
    // The LMS launches the course activity of tincan.xml; its definition travels with the statements.
    const self = data.course.id === launch.activity_id ? X.activity(data.course) : { objectType: "Activity", id: launch.activity_id };
    const course = { objectType: "Activity", id: self.id };
    const tracker = new X.Tracker({
      client, actor: launch.agent, lang: data.language, base: data.course.id, self,
      stateParams: launch.stateParams, persist: true, tracks: true, mastery: null, wholeScores: false,
      deferFailed: false, completedWhenFailed: true, log,
      context(kind, extra) {
        const own = { contextActivities: {} };
        if (launch.registration) own.registration = launch.registration;
        if (kind === "allowed") own.contextActivities.grouping = [course];
        return X.mergeContext(own, extra);
      }
    });
    const doc = tracker.load(saved);
    tracker.send("initialized", self, null, "defined");
    return { tracker, result: { state: doc.state, bookmark: doc.bookmark, mode: "normal", learnerName: launch.agent.name || null } };
  }

  function connect(log) {
    const X = window.cmaXapi;
    const query = new URLSearchParams(window.location.search);
    const launch = {};
    PARAMETERS.forEach((name) => { launch[name] = query.get(name); });
    if (!launch.endpoint || !launch.actor) return Promise.reject(new Error("not launched by a Tin Can LMS: no endpoint or actor in the URL"));
    launch.activity_id = launch.activity_id || window.cmaXapiActivities.course.id;
    launch.agent = X.agent(launch.actor);
    // Without a registration the LRS keys the learner's state on the activity and agent alone. The queue
    // outlives the launch: what this one cannot send, the next sends with its own credentials.
    const client = new X.Client({ endpoint: launch.endpoint, auth: launch.auth, log,
      key: launch.registration || launch.activity_id + "|" + JSON.stringify(launch.agent) });
    launch.stateParams = { activityId: launch.activity_id, agent: JSON.stringify(launch.agent), stateId: STATE_ID };
    if (launch.registration) launch.stateParams.registration = launch.registration;
    return client.readState(launch.stateParams).then((saved) => open(launch, client, saved, log));
  }

  window.cmaTracking = (context) => window.cmaXapi.adapter("tincan", connect, context);
})();
