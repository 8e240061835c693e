/* cmacourse player: what each question type reads from its form, shows back, grades and reports. */
(function () {
  "use strict";
  const lib = window.cmaPlayerLib = window.cmaPlayerLib || {};

  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function inputs(item) { return all(item, "input[name^='a-']"); }
  function selects(item) { return all(item, "select[data-prompt]"); }
  function orderItems(item) { return all(item, "[data-order] > [data-item]"); }
  function textField(item) { return item.querySelector("input[type='text']"); }
  function sameText(a, b) { return a === b; }

  function normalise(text, caseSensitive) {
    const clean = String(text).trim().replace(/\s+/g, " ");
    return caseSensitive ? clean : clean.toLowerCase();
  }

  /** The number a learner typed, as JavaScript prints it, or null. "3,5" is read as 3.5. */
  function parseNumber(text) {
    let clean = String(text).replace(/\s+/g, "");
    if (/^[-+]?\d+,\d+$/.test(clean)) clean = clean.replace(",", ".");
    if (!NUMBER.test(clean)) return null;
    const value = Number(clean);
    return isFinite(value) ? String(value) : null;
  }

  /** {response} from the form, or {error} saying what is missing. */
  function read(item, q) {
    switch (q.type) {
      case "single_choice": {
        const chosen = inputs(item).filter((i) => i.checked);
        return chosen.length ? {response: Number(chosen[0].value)} : {error: "Choose an answer first."};
      }
      case "multiple_response": {
        const chosen = inputs(item).filter((i) => i.checked).map((i) => Number(i.value));
        return chosen.length ? {response: chosen.sort((a, b) => a - b)} : {error: "Choose at least one answer."};
      }
      case "true_false": {
        const chosen = inputs(item).filter((i) => i.checked);
        return chosen.length ? {response: chosen[0].value === "t"} : {error: "Choose True or False first."};
      }
      case "matching": {
        const values = selects(item).map((s) => s.value);
        if (values.some((v) => v === "")) return {error: "Choose a match for every item."};
        return {response: values.map(Number)};
      }
      case "ordering":
        return {response: orderItems(item).map((li) => Number(li.getAttribute("data-item")))};
      case "fill_blank": {
        const text = textField(item).value.trim().slice(0, q.maxLength);
        return text ? {response: text} : {error: "Type an answer first."};
      }
      case "numeric": {
        const value = parseNumber(textField(item).value);
        return value === null ? {error: "Type a number, for example 12 or 3.5."} : {response: value};
      }
      default:
        return {error: "This question cannot be answered here."};
    }
  }

  /** Put a saved response back into the form. */
  function show(item, q, response) {
    switch (q.type) {
      case "single_choice":
        inputs(item).forEach((i) => { i.checked = Number(i.value) === response; });
        break;
      case "multiple_response":
        inputs(item).forEach((i) => { i.checked = response.indexOf(Number(i.value)) >= 0; });
        break;
      case "true_false":
        inputs(item).forEach((i) => { i.checked = (i.value === "t") === response; });
        break;
      case "matching":
        selects(item).forEach((s, i) => { s.value = String(response[i]); });
        break;
      case "ordering": {
        const list = item.querySelector("[data-order]");
        const byIndex = {};
        orderItems(item).forEach((li) => { byIndex[li.getAttribute("data-item")] = li; });
        response.forEach((index) => { if (byIndex[index]) list.appendChild(byIndex[index]); });
        refreshMoves(item);
        break;
      }
      default:
        textField(item).value = response;
    }
  }

  function grade(q, response) {
    switch (q.type) {
      case "single_choice": return q.correct.indexOf(response) >= 0;
      case "multiple_response":
        return response.length === q.correct.length && q.correct.every((c) => response.indexOf(c) >= 0);
      case "true_false": return response === q.correct;
      case "matching": return response.length === q.accept.length && response.every((j, i) => q.accept[i].indexOf(j) >= 0);
      case "ordering":
        // Two items with the same text are interchangeable, so the texts are compared, not the indexes.
        return response.length === q.choices.length && response.every((j, i) => sameText(q.choices[j].text, q.choices[i].text));
      case "fill_blank":
        return q.answers.some((a) => normalise(a, q.caseSensitive) === normalise(response, q.caseSensitive));
      case "numeric": {
        const margin = q.tolerance + 1e-9 * Math.max(1, Math.abs(q.answer));
        return Math.abs(Number(response) - q.answer) <= margin;
      }
      default: return false;
    }
  }

  /** The standard-neutral fields of the adapters' answer: response, correctPattern, choices (docs/tracking-adapters.md). */
  function describe(q, response) {
    const ids = (indexes) => indexes.map((i) => q.choices[i].id);
    switch (q.type) {
      case "single_choice":
        return {response: ids([response]), correctPattern: ids(q.correct), choices: q.choices};
      case "multiple_response":
        return {response: ids(response), correctPattern: ids(q.correct), choices: q.choices};
      case "ordering":
        return {response: ids(response), correctPattern: q.choices.map((c) => c.id), choices: q.choices};
      case "true_false":
        return {response: [response ? "true" : "false"], correctPattern: [String(q.correct)],
          choices: [{id: "true", text: "True"}, {id: "false", text: "False"}]};
      case "matching":
        return {response: response.map((j, i) => i + "." + j), correctPattern: q.accept.map((js, i) => i + "." + js[0]),
          choices: null, sources: q.sources, targets: q.targets};
      case "fill_blank":
        return {response: [response], correctPattern: q.answers.slice(), choices: null};
      case "numeric":
        return {response: [Number(response)], correctPattern: {answer: q.answer, tolerance: q.tolerance}, choices: null};
      default:
        return {response: [], correctPattern: [], choices: null};
    }
  }

  function setMark(span, kind) {
    if (!span) return;
    const texts = {correct: "Correct", incorrect: "Incorrect", answer: "Correct answer"};
    span.textContent = kind ? texts[kind] : "";
    span.className = kind ? "mark mark-" + kind : "mark";
  }

  /** Mark the learner's choices right or wrong; with ``reveal``, also the right answers they missed.
   * Returns the feedback keys to show ("o2", "correct", "incorrect"). */
  function mark(item, q, response, correct, reveal) {
    const keys = [];
    if (q.type === "single_choice" || q.type === "multiple_response") {
      const chosen = q.type === "single_choice" ? [response] : response;
      inputs(item).forEach((input) => {
        const index = Number(input.value);
        const isChosen = chosen.indexOf(index) >= 0;
        const isRight = q.correct.indexOf(index) >= 0;
        const span = input.parentNode.querySelector("[data-mark]");
        if (isChosen) {
          setMark(span, isRight ? "correct" : "incorrect");
          keys.push("o" + index);
        } else if (reveal && isRight) {
          setMark(span, "answer");
          if (q.type === "multiple_response") keys.push("o" + index);
        } else {
          setMark(span, null);
        }
      });
      return keys;
    }
    if (q.type === "true_false") {
      inputs(item).forEach((input) => {
        const value = input.value === "t";
        const span = input.parentNode.querySelector("[data-mark]");
        if (value === response) setMark(span, correct ? "correct" : "incorrect");
        else setMark(span, reveal && value === q.correct ? "answer" : null);
      });
    }
    if (q.type === "matching") {
      selects(item).forEach((select, i) => {
        setMark(select.parentNode.querySelector("[data-mark]"), q.accept[i].indexOf(response[i]) >= 0 ? "correct" : "incorrect");
      });
    }
    keys.push(correct ? "correct" : "incorrect");
    return keys;
  }

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

  lib.questions = {
    read: read, show: show, grade: grade, describe: describe, mark: mark, setLocked: setLocked,
    reset: reset, move: move, refreshMoves: refreshMoves, parseNumber: parseNumber,
  };
})();
