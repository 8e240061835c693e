/* cmi5 tracking adapter: the AU side of a cmi5 launch (cmi5 Quartz sections 7–11) over the shared xAPI core
   (xapi-queue.js and xapi.js, with the course's xapi-activities.js, loaded before it). */
(function () {
  "use strict";

  const CMI5 = "https://w3id.org/xapi/cmi5/context/";
  const CATEGORY = { objectType: "Activity", id: CMI5 + "categories/cmi5" };     // 9.6.2.1
  const MOVEON = { objectType: "Activity", id: CMI5 + "categories/moveon" };     // 9.6.2.2
  const SESSION_ID = CMI5 + "extensions/sessionid";                               // 9.6.3.1
  const MASTERY = CMI5 + "extensions/masteryscore";                               // 9.6.3.2
  const PARAMETERS = ["endpoint", "fetch", "actor", "registration", "activityId"]; // 8.1
  const STATE_ID = "cmacourse";   // the player's state, its bookmark and what this registration has sent
  const TOKEN_KEY = "cmacourse.cmi5.token:";
  const ENDED_KEY = "cmacourse.cmi5.ended:";

  function kept(key, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(key);
      window.sessionStorage.setItem(key, value);
    } catch (e) { /* no session storage: a reload cannot resume this launch */ }
    return null;
  }

  /* 8.2: POST the one-time fetch URL for the token; a reload of the same launch reuses the one kept in this tab. */
  function authToken(fetchUrl) {
    const token = kept(TOKEN_KEY + fetchUrl);
    if (token) return Promise.resolve(token);
    return fetch(fetchUrl, { method: "POST", credentials: "omit", cache: "no-store" }).then((r) => r.json()).then((body) => {
      if (!body || !body["auth-token"]) {
        throw new Error("the fetch URL gave no token (error " + (body && body["error-code"]) + ": " + (body && body["error-text"]) + ")");
      }
      kept(TOKEN_KEY + fetchUrl, body["auth-token"]);
      return body["auth-token"];
    });
  }

  function open(launch, client, found, log) {
    const X = window.cmaXapi;
    const [data, preferences, saved] = found;
    if (!data || !data.contextTemplate) throw new Error("the LMS gave no LMS.LaunchData state document");
    const mode = data.launchMode || "Normal";
    const normal = mode === "Normal";  // Browse and Review send no completion-related statements (section 10)
    const mastery = typeof data.masteryScore === "number" ? data.masteryScore : null;
    const template = data.contextTemplate;
    const sessionId = template.extensions ? template.extensions[SESSION_ID] : null;
    if (!sessionId) log("cmi5: LMS.LaunchData has no session id in its context template");
    const returnURL = data.returnURL || null;
    const actor = JSON.parse(launch.actor);
    const self = { objectType: "Activity", id: launch.activityId };
    const params = { activityId: launch.activityId, agent: launch.actor, registration: launch.registration };
    const tracker = new X.Tracker({
      client, actor, lang: window.cmaXapiActivities.language, base: window.cmaXapiActivities.course.id, self,
      stateParams: Object.assign({ stateId: STATE_ID }, params), persist: normal, tracks: normal,
      // 9.3.3: completed is for having experienced the AU; a failed end (attempts used up) is not that.
      mastery, wholeScores: true, deferFailed: true, completedWhenFailed: false, log,
      context(kind, extra, verb) {
        const own = { registration: launch.registration, contextActivities: {}, extensions: {} };
        if (kind !== "allowed") own.contextActivities.category = kind === "moveon" ? [CATEGORY, MOVEON] : [CATEGORY];
        if ((verb === "passed" || verb === "failed") && mastery != null) own.extensions[MASTERY] = mastery;
        return X.mergeContext(template, X.mergeContext(own, extra));
      }
    });
    const doc = tracker.load(saved);
    if (kept(ENDED_KEY + sessionId)) {
      tracker.closed = true;  // terminated already: nothing may follow, so this reload plays untracked
      log("cmi5: this session has ended; launch the course again from the LMS to be tracked");
    } else {
      tracker.send("initialized", self, null, "defined");  // 7.1.1: the first statement of the session
    }
    return {
      tracker,
      result: {
        state: doc.state, bookmark: doc.bookmark, mode: mode.toLowerCase(),
        learnerName: actor.name ? String(actor.name) : null,
        masteryScore: mastery == null ? null : mastery * 100, moveOn: data.moveOn || null,
        preferences: preferences || null
      },
      left(hiding) {
        if (sessionId) kept(ENDED_KEY + sessionId, "1");
        // Section 10: after terminating, the AU sends the browser to returnURL, once the queue is sent.
        if (!returnURL || hiding) return undefined;
        return client.drain(3000).then(() => { window.location.assign(returnURL); return true; });
      }
    };
  }

  function connect(log) {
    const query = new URLSearchParams(window.location.search);
    const launch = {};
    PARAMETERS.forEach((name) => { launch[name] = query.get(name); });
    const missing = PARAMETERS.filter((name) => !launch[name]);
    if (missing.length) return Promise.reject(new Error("not launched by a cmi5 LMS: no " + missing.join(", ") + " in the URL"));
    return authToken(launch.fetch).then((token) => {
      // The queue is kept by registration: what an earlier session of it could not send goes first, with
      // this session's token (the fetch URL gives a token once, so an LMS accepts it for the registration).
      const client = new window.cmaXapi.Client({ endpoint: launch.endpoint, auth: "Basic " + token, key: launch.registration, log });
      const params = { activityId: launch.activityId, agent: launch.actor, registration: launch.registration };
      return Promise.all([
        client.readJson("activities/state", Object.assign({ stateId: "LMS.LaunchData" }, params)),
        // Section 11: the AU reads the learner's preferences at start; a missing document is no error.
        client.readJson("agents/profile", { agent: launch.actor, profileId: "cmi5LearnerPreferences" }, 1).catch(() => null),
        client.readState(Object.assign({ stateId: STATE_ID }, params))
      ]).then((found) => open(launch, client, found, log));
    });
  }

  window.cmaTracking = (context) => window.cmaXapi.adapter("cmi5", connect, context);
})();
