/* cmacourse player: what each question type reads from its form, shows back, grades, marks and reports.
 * One entry a type in TYPES (the widgets of player/templates/_questions.html.jinja); a type the table does
 * not know is played as an open answer, as cmacourse.questions.player_question() plays it. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib = window.cmaPlayerLib || {};

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function inputs(item) { return all(item, "input[name^='a-']"); }
  function selects(item) { return all(item, "select[data-prompt]"); }
  function orderItems(item) { return all(item, "[data-order] > [data-item]"); }
  function textField(item) { return item.querySelector("input[type='text']"); }
  function checked(item) { return inputs(item).filter((i) => i.checked); }
  function ids(q, indexes) { return indexes.map((i) => q.choices[i].id); }

  function normalise(text, caseSensitive) {
    const clean = String(text).trim().replace(/\s+/g, " ");
    return caseSensitive ? clean : clean.toLowerCase();
  }

  /** The course's language, by whose rules typed numbers are read (numbers.js). */
  function language() { return (window.cmaCourse && window.cmaCourse.language) || document.documentElement.lang || "en"; }

  let words = null;
  /** The player's words in the course's language (words.js), from the course data. */
  function say() {
    if (!words) words = lib.words.create(window.cmaCourse && window.cmaCourse.words, lib.numbers);
    return words;
  }

  function markText(kind) {
    if (kind === "correct") return say().t("Correct");
    if (kind === "incorrect") return say().t("Incorrect");
    return say().t("Correct answer");
  }

  function setMark(span, kind) {
    if (!span) return;
    span.textContent = kind ? markText(kind) : "";
    span.className = kind ? "mark mark-" + kind : "mark";
  }
  function markOf(input) { return input.parentNode.querySelector("[data-mark]"); }

  /** Marks each option of a choice question; returns the feedback keys of the options to explain. */
  function markOptions(item, q, chosen, reveal, explainMissed) {
    const keys = [];
    inputs(item).forEach((input) => {
      const index = Number(input.value);
      const isRight = q.correct.indexOf(index) >= 0;
      if (chosen.indexOf(index) >= 0) {
        setMark(markOf(input), isRight ? "correct" : "incorrect");
        keys.push("o" + index);
      } else if (reveal && isRight) {
        setMark(markOf(input), "answer");
        if (explainMissed) keys.push("o" + index);
      } else {
        setMark(markOf(input), null);
      }
    });
    return keys;
  }

  /** A typed answer: text fields of fill_blank, numeric and open answers. */
  const typed = {
    show(item, q, response) { textField(item).value = response; },
    mark(item, q, response, correct) { return [correct ? "correct" : "incorrect"]; },
  };

  /* Each entry: read(item, q) -> {response} or {error}; show(item, q, response); grade(q, response) -> bool;
   * describe(q, response) -> the adapters' {response, correctPattern, choices} (docs/tracking-adapters.md);
   * mark(item, q, response, correct, reveal) -> feedback keys to show. Responses are what state.js saves. */
  const TYPES = {
    single_choice: {
      read(item) {
        const chosen = checked(item);
        return chosen.length ? {response: Number(chosen[0].value)} : {error: say().t("Choose an answer first.")};
      },
      show(item, q, response) { inputs(item).forEach((i) => { i.checked = Number(i.value) === response; }); },
      grade(q, response) { return q.correct.indexOf(response) >= 0; },
      describe(q, response) { return {response: ids(q, [response]), correctPattern: ids(q, q.correct), choices: q.choices}; },
      mark(item, q, response, correct, reveal) { return markOptions(item, q, [response], reveal, false); },
    },
    multiple_response: {
      read(item) {
        const chosen = checked(item).map((i) => Number(i.value));
        return chosen.length ? {response: chosen.sort((a, b) => a - b)} : {error: say().t("Choose at least one answer.")};
      },
      show(item, q, response) { inputs(item).forEach((i) => { i.checked = response.indexOf(Number(i.value)) >= 0; }); },
      grade(q, response) { return response.length === q.correct.length && q.correct.every((c) => response.indexOf(c) >= 0); },
      describe(q, response) { return {response: ids(q, response), correctPattern: ids(q, q.correct), choices: q.choices}; },
      mark(item, q, response, correct, reveal) { return markOptions(item, q, response, reveal, true); },
    },
    true_false: {
      read(item) {
        const chosen = checked(item);
        return chosen.length ? {response: chosen[0].value === "t"} : {error: say().t("Choose True or False first.")};
      },
      show(item, q, response) { inputs(item).forEach((i) => { i.checked = (i.value === "t") === response; }); },
      grade(q, response) { return response === q.correct; },
      describe(q, response) {
        return {response: [response ? "true" : "false"], correctPattern: [String(q.correct)],
          choices: [{id: "true", text: say().t("True")}, {id: "false", text: say().t("False")}]};
      },
      mark(item, q, response, correct, reveal) {
        inputs(item).forEach((input) => {
          const value = input.value === "t";
          if (value === response) setMark(markOf(input), correct ? "correct" : "incorrect");
          else setMark(markOf(input), reveal && value === q.correct ? "answer" : null);
        });
        return [correct ? "correct" : "incorrect"];
      },
    },
    matching: {
      read(item) {
        const values = selects(item).map((s) => s.value);
        if (values.some((v) => v === "")) return {error: say().t("Choose a match for every item.")};
        return {response: values.map(Number)};
      },
      show(item, q, response) { selects(item).forEach((s, i) => { s.value = String(response[i]); }); },
      grade(q, response) { return response.length === q.accept.length && response.every((j, i) => q.accept[i].indexOf(j) >= 0); },
      describe(q, response) {
        return {response: response.map((j, i) => i + "." + j), correctPattern: q.accept.map((js, i) => i + "." + js[0]),
          choices: null, sources: q.sources, targets: q.targets};
      },
      mark(item, q, response, correct) {
        selects(item).forEach((select, i) => {
          setMark(select.parentNode.querySelector("[data-mark]"), q.accept[i].indexOf(response[i]) >= 0 ? "correct" : "incorrect");
        });
        return [correct ? "correct" : "incorrect"];
      },
    },
    ordering: {
      read(item) { return {response: orderItems(item).map((li) => Number(li.getAttribute("data-item")))}; },
      show(item, q, response) {
        const list = item.querySelector("[data-order]");
        const byIndex = {};
        orderItems(item).forEach((li) => { byIndex[li.getAttribute("data-item")] = li; });
        response.forEach((index) => { if (byIndex[index]) list.appendChild(byIndex[index]); });
        refreshMoves(item);
      },
      // Two items with the same text are interchangeable, so the texts are compared, not the indexes.
      grade(q, response) { return response.length === q.choices.length && response.every((j, i) => q.choices[j].text === q.choices[i].text); },
      describe(q, response) { return {response: ids(q, response), correctPattern: q.choices.map((c) => c.id), choices: q.choices}; },
      mark(item, q, response, correct) { return [correct ? "correct" : "incorrect"]; },
    },
    fill_blank: Object.assign({
      read(item, q) {
        const text = textField(item).value.trim().slice(0, q.maxLength);
        return text ? {response: text} : {error: say().t("Type an answer first.")};
      },
      grade(q, response) { return q.answers.some((a) => normalise(a, q.caseSensitive) === normalise(response, q.caseSensitive)); },
      describe(q, response) { return {response: [response], correctPattern: q.answers.slice(), choices: null}; },
    }, typed),
    numeric: Object.assign({
      read(item, q) {
        const read = lib.numbers.parse(textField(item).value, {language: language(), unit: q.unit, marks: say().marks, words: say()});
        return read.error ? {error: read.error} : {response: read.value};
      },
      grade(q, response) {
        const margin = q.tolerance + 1e-9 * Math.max(1, Math.abs(q.answer));
        return Math.abs(Number(response) - q.answer) <= margin;
      },
      describe(q, response) { return {response: [Number(response)], correctPattern: {answer: q.answer, tolerance: q.tolerance}, choices: null}; },
    }, typed),
    // Saved and reported, never scored: the data gives it no points, so any answer "counts" for nothing.
    open_answer: Object.assign({
      read(item, q) {
        const text = textField(item).value.trim().slice(0, q.maxLength);
        return text ? {response: text} : {error: say().t("Type an answer first.")};
      },
      grade() { return true; },
      describe(q, response) { return {response: [response], correctPattern: [], choices: null}; },
      mark() { return []; },
    }, {show: typed.show}),
  };

  function entry(q) { return TYPES[q.type] || TYPES.open_answer; }

  /** {response} from the form, or {error} saying what is missing. */
  function read(item, q) { return entry(q).read(item, q); }
  /** Put a saved response back into the form. */
  function show(item, q, response) { entry(q).show(item, q, response); }
  function grade(q, response) { return entry(q).grade(q, response); }
  /** The standard-neutral fields of the adapters' answer: response, correctPattern, choices, and the interaction
   * type and correct-response patterns in SCORM 2004 / xAPI syntax (docs/tracking-adapters.md). */
  function describe(q, response) {
    return Object.assign({interaction: q.interaction.type, pattern: q.interaction.pattern}, entry(q).describe(q, response));
  }
  /** Mark the learner's choices right or wrong; with ``reveal``, also the right answers they missed.
   * Returns the feedback keys to show ("o2", "correct", "incorrect"). */
  function mark(item, q, response, correct, reveal) { return entry(q).mark(item, q, response, correct, reveal); }

  function clearMarks(item) { all(item, "[data-mark]").forEach((span) => setMark(span, null)); }

  /** Lock or unlock every control of a question. */
  function setLocked(item, locked) {
    all(item, "input, select").forEach((el) => { el.disabled = locked; });
    all(item, "[data-move]").forEach((button) => { button.disabled = locked; });
    const check = item.querySelector("[data-check]");
    if (check) check.hidden = locked;
    if (!locked) refreshMoves(item);
  }

  /** Empty the form for a new attempt; ordering items go back to the order they were built in. */
  function reset(item, q, initialOrder) {
    inputs(item).forEach((i) => { i.checked = false; });
    selects(item).forEach((s) => { s.value = ""; });
    const field = textField(item);
    if (field) field.value = "";
    if (q.type === "ordering" && initialOrder) show(item, q, initialOrder);
    clearMarks(item);
  }

  /** Mark the first Up and the last Down as unavailable without taking them out of the tab order. */
  function refreshMoves(item) {
    const rows = orderItems(item);
    rows.forEach((li, i) => {
      const up = li.querySelector("[data-move='-1']");
      const down = li.querySelector("[data-move='1']");
      if (up) up.setAttribute("aria-disabled", String(i === 0));
      if (down) down.setAttribute("aria-disabled", String(i === rows.length - 1));
    });
  }

  /** Move an ordering item one place; returns its new 1-based position, or 0 when it cannot move. */
  function move(button) {
    const li = button.closest("[data-item]");
    const list = li.parentNode;
    const step = Number(button.getAttribute("data-move"));
    const sibling = step < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return 0;
    list.insertBefore(li, step < 0 ? sibling : sibling.nextElementSibling);
    button.focus();
    refreshMoves(list.closest("[data-question]"));
    return Array.prototype.indexOf.call(list.children, li) + 1;
  }

  /** A permutation of 0..count-1 drawn from a seed; each salt (0: the questions, k: question k's answers) its own. */
  function permutation(count, seed, salt) {
    let x = (seed + 0x6d2b79f5 + Math.imul(salt, 0x9e3779b9)) | 0; // mulberry32: small, well mixed, the same in every browser
    const next = () => {
      x = (x + 0x6d2b79f5) | 0;
      let t = Math.imul(x ^ (x >>> 15), 1 | x);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const order = [];
    for (let i = 0; i < count; i++) order.push(i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** Show a question's answers in the attempt's order, unless its data says shuffle: false. Values keep their
   * indexes, so reading, grading, feedback and the saved state do not change. */
  function arrange(item, q, seed, salt) {
    if (!q.shuffle) return;
    const options = all(item, ".options > .option");
    if (options.length) {
      const order = permutation(options.length, seed, salt);
      order.forEach((i) => options[i].parentNode.appendChild(options[i]));
    }
    selects(item).forEach((select) => {
      const choices = all(select, "option").filter((o) => o.value !== "").sort((a, b) => Number(a.value) - Number(b.value));
      permutation(choices.length, seed, salt).forEach((j) => select.appendChild(choices[j]));
    });
  }

  lib.questions = {
    types: TYPES, permutation: permutation, arrange: arrange, read: read, show: show, grade: grade, describe: describe, mark: mark, setLocked: setLocked,
    reset: reset, move: move, refreshMoves: refreshMoves,
  };
})();
