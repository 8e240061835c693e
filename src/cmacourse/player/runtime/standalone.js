/* cmacourse tracking adapter "standalone": progress stays in this browser (localStorage), nothing is sent anywhere.
 * It also defines window.cmaStandalone, which other adapters may fall back on when no LMS is found. */
(function () {
  "use strict";

  function openStorage() {
    // localStorage throws in sandboxed frames and some privacy modes; the course then runs from memory.
    try {
      const store = window.localStorage;
      const probe = "cmacourse:probe";
      store.setItem(probe, probe);
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null;
    }
  }

  function standalone(context) {
    const store = openStorage();
    const memory = {};
    const prefix = "cmacourse:" + context.courseId + ":" + context.launchId + ":";
    let finished = false;

    function read(key) {
      if (!store) return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      try {
        return store.getItem(prefix + key);
      } catch (error) {
        context.log("standalone: cannot read " + key + ": " + error);
        return null;
      }
    }

    function write(key, value) {
      if (!store) {
        memory[key] = value;
        return;
      }
      try {
        store.setItem(prefix + key, value);
      } catch (error) {
        context.log("standalone: cannot save " + key + ": " + error);
        memory[key] = value;
      }
    }

    return {
      name: "standalone",
      stateLimit: null,
      persistent: Boolean(store),
      start() {
        return Promise.resolve({state: read("state"), bookmark: read("bookmark"), mode: "normal", learnerName: null});
      },
      pageViewed() {},
      bookmark(pageId) { write("bookmark", pageId); },
      answered() {},
      scored(score) { write("score", JSON.stringify(score)); },
      saveState(state) { write("state", state); },
      status(status) { write("status", JSON.stringify(status)); },
      commit() {},
      finish(exit) {
        if (finished) return;
        finished = true;
        write("exit", exit);
      },
    };
  }

  window.cmaStandalone = standalone;
  window.cmaTracking = standalone;
})();
