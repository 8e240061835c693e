/* The preview page: shows the preview adapter's messages, and reloads the course when it is rebuilt. Its words are
 * the player's (words.js), in the course's language, from the page's data-words. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib;
  const say = lib.words.create(JSON.parse(document.body.getAttribute("data-words") || "null"), lib.numbers);
  const frame = document.querySelector("[data-course]");
  const field = (name) => document.querySelector("[data-field='" + name + "']");
  const calls = document.querySelector("[data-calls]");
  const build = document.querySelector("[data-build]");
  let version = document.body.getAttribute("data-version");

  function text(value) { return typeof value === "string" ? value : JSON.stringify(value); }

  function showSummary(summary) {
    const status = summary.status;
    const done = status.completed ? say.t("completed") : say.t("incomplete");
    field("status").textContent = status.passed === null ? done
      : status.passed ? say.t("{status}, passed", {status: done}) : say.t("{status}, failed", {status: done});
    const score = summary.score;
    field("score").textContent = score ? say.t("{points} of {total} ({percent})",
      {points: say.number(score.raw), total: say.number(score.max), percent: say.percent(score.scaled * 100)}) : say.t("none yet");
    field("bookmark").textContent = summary.bookmark;
    field("stateSize").textContent = say.n("{size} character (at most {limit})", "{size} characters (at most {limit})", summary.stateSize,
      {size: summary.stateSize, limit: summary.worstCase});
    field("state").textContent = summary.state || "";
    const rows = document.querySelector("[data-answers]");
    rows.textContent = "";
    summary.answers.forEach((answer) => {
      const row = rows.insertRow();
      [answer.question, answer.response.join(", "), answer.result].forEach((cell) => { row.insertCell().textContent = cell; });
    });
  }

  window.addEventListener("message", (event) => {
    const message = event.data;
    if (!message || message.source !== "cmacourse-preview" || event.source !== frame.contentWindow) return;
    if (message.type === "inspect") {
      showSummary(message.payload);
      return;
    }
    const item = document.createElement("li");
    item.textContent = message.type + (message.payload === undefined ? "" : " " + text(message.payload)).slice(0, 200);
    calls.insertBefore(item, calls.firstChild);
    while (calls.children.length > 40) calls.removeChild(calls.lastChild);
  });

  document.querySelector("[data-reset]").addEventListener("click", () => {
    const prefix = "cmacourse:" + document.body.getAttribute("data-course-id") + ":";
    try {
      Object.keys(window.localStorage).filter((key) => key.indexOf(prefix) === 0).forEach((key) => window.localStorage.removeItem(key));
    } catch (error) { /* storage unavailable: nothing was saved */ }
    frame.contentWindow.location.reload();
  });

  function poll() {
    fetch("/__preview__/version", {cache: "no-store"})
      .then((response) => response.json())
      .then((info) => {
        build.textContent = info.note;
        build.classList.toggle("has-problems", !info.ok);
        if (String(info.version) !== version) {
          version = String(info.version);
          frame.contentWindow.location.reload();
        }
      })
      .catch(() => { build.textContent = say.t("The preview server has stopped."); })
      .then(() => window.setTimeout(poll, 700));
  }
  window.setTimeout(poll, 700);
})();
