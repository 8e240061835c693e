/* cmacourse tracking adapter "preview": the standalone adapter's storage, with every call also posted to the
 * preview page around the course, which shows what an LMS would record. Used by `cmacourse preview` only. */
(function () {
  "use strict";

  window.cmaTracking = function (context) {
    const base = window.cmaStandalone(context);

    function post(type, payload) {
      // The preview page is the parent frame; opened on its own, the course simply runs standalone.
      if (window.parent === window) return;
      try {
        window.parent.postMessage({source: "cmacourse-preview", launchId: context.launchId, type: type, payload: payload}, "*");
      } catch (error) {
        context.log("preview: cannot post " + type + ": " + error);
      }
    }

    function relay(name) {
      return function () {
        const args = Array.prototype.slice.call(arguments);
        post(name, args.length > 1 ? args : args[0]);
        return base[name].apply(base, args);
      };
    }

    return {
      name: "preview",
      stateLimit: null,
      persistent: base.persistent,
      start() {
        return base.start().then((result) => {
          post("start", result);
          return result;
        });
      },
      pageViewed: relay("pageViewed"),
      bookmark: relay("bookmark"),
      answered: relay("answered"),
      scored: relay("scored"),
      saveState: relay("saveState"),
      status: relay("status"),
      commit: relay("commit"),
      finish: relay("finish"),
      inspect(summary) { post("inspect", summary); },
    };
  };
})();
