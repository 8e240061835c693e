/* The xAPI 1.0.3 connection the cmi5 and Tin Can adapters share: statements and state documents go through a
   durable queue (localStorage) and reach the LRS in order, each statement POSTed until the LRS acknowledges it
   and never again after that, however long the LRS is away and whatever it answers. */
(function () {
  "use strict";

  const VERSION = "1.0.3";
  const QUEUE_PREFIX = "cmacourse.xapi.queue:";
  const DOC_PREFIX = "cmacourse.xapi.doc:";
  const BATCH_BYTES = 24000;      // keepalive requests may carry at most 64 KiB, shared by all in flight
  const KEEPALIVE_BYTES = 60000;
  const BATCH_COUNT = 25;
  const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
  const LONGEST_WAIT_MS = 60000;  // a Retry-After longer than this is not believed
  const TIMEOUT_MS = 15000;       // a request that hangs longer counts as a network failure and is retried
  const READ_TIMEOUT_MS = 6000;
  // A request another page sent as it went away (a reload) may still be on its way to the LRS: its
  // statements are looked up only once it has had this long to arrive.
  const SETTLE_MS = 3000;
  // Answers that say "not now": the same request may succeed later (credentials renewed, load gone).
  const TRANSIENT = [401, 403, 408, 429];

  /* A version 4 UUID made here, so that a retried statement keeps its id and the LRS stores it once. */
  function uuid() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    const b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => (x + 0x100).toString(16).slice(1)).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ISO 8601 duration with hundredths of a second, e.g. PT1H2M3.45S. */
  function duration(ms) {
    const cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s + "S";
  }

  /* Timestamps that strictly increase within a page, since cmi5 orders a session's statements by them. */
  let lastTime = 0;
  function timestamp() {
    lastTime = Math.max(Date.now(), lastTime + 1);
    return new Date(lastTime).toISOString();
  }

  const encoder = typeof TextEncoder === "function" ? new TextEncoder() : null;
  function bytes(text) {
    return encoder ? encoder.encode(text).length : text.length * 3;
  }

  function query(params) {
    return Object.keys(params).filter((k) => params[k] != null).map((k) => {
      const v = params[k];
      return encodeURIComponent(k) + "=" + encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v));
    }).join("&");
  }

  function pause(ms) {
    return new Promise((ok) => setTimeout(ok, ms));
  }

  /* localStorage, or memory when the browser refuses it (private mode, a full quota). */
  class Store {
    constructor(key, log) {
      this.key = key;
      this.log = log;
      this.memory = null;
    }

    read() {
      if (this.memory) return this.memory.slice();
      try { return JSON.parse(window.localStorage.getItem(this.key) || "[]"); } catch (e) { return []; }
    }

    write(ops) {
      if (!this.memory) {
        try { window.localStorage.setItem(this.key, JSON.stringify(ops)); return; } catch (e) {
          this.log("xAPI: localStorage unavailable (" + e + "); statements wait in memory only");
        }
      }
      this.memory = ops.slice();
    }

    /* Apply ``change`` to the ops whose ids are in ``ids`` and write the queue back. */
    update(ids, change) {
      this.write(this.read().map((op) => (ids.has(op.id) ? change(op) : op)));
    }
  }

  /* An operation waits in the queue as {k: "s", id, s: statement, t?, pg?, at?} or {k: "d", id, q, p, b}
     (a state document). ``t`` is set before a statement is sent (with the page that sent it and when) and
     names the last statement of the request that carried it: a request is stored whole or not at all (xAPI Communication 2.1.2), so when the page never
     learnt the answer, one GET of that statement tells whether the whole request needs sending again. */
  class Client {
    /* options: endpoint, auth (the Authorization value), key (what the queue is kept under), log. */
    constructor(options) {
      this.endpoint = String(options.endpoint).replace(/\/?$/, "/");
      this.auth = options.auth || null;
      this.log = options.log || (() => {});
      this.store = new Store(QUEUE_PREFIX + this.endpoint + "|" + (options.key || ""), this.log);
      this.docKey = DOC_PREFIX + this.endpoint + "|" + (options.key || "") + "|";
      this.running = null;        // the flush in progress
      this.inFlight = new Set();  // ids of the ops some request carries right now
      this.timer = null;          // the retry waiting for its backoff
      this.failures = 0;
      this.refusedAuth = false;   // 401/403 seen and not yet logged as over
      this.parked = false;        // the page is going away: only the keepalive request sends
      this.page = uuid();         // which page tagged a request (see ``t``)
      window.addEventListener("online", () => this.retryNow());
      window.addEventListener("pageshow", (event) => {
        if (event.persisted) { this.parked = false; this.kick(); }  // back from the back-forward cache
      });
    }

    headers(type) {
      const h = { "X-Experience-API-Version": VERSION };
      if (this.auth) h.Authorization = this.auth;
      if (type) h["Content-Type"] = type;
      return h;
    }

    send(method, path, params, body, type, timeout) {
      const url = this.endpoint + path + (params ? "?" + query(params) : "");
      const init = { method, headers: this.headers(type), body, credentials: "omit", cache: "no-store" };
      // keepalive lets a write finish after the page is gone; reads need not outlive it, and the
      // browser refuses keepalive bodies over 64 KiB, which then go as ordinary requests.
      if (method !== "GET" && (!body || bytes(body) <= KEEPALIVE_BYTES)) init.keepalive = true;
      const ctrl = typeof AbortController === "function" ? new AbortController() : null;
      let timer = null;
      if (ctrl) {
        init.signal = ctrl.signal;
        timer = setTimeout(() => ctrl.abort(), timeout || TIMEOUT_MS);
      }
      // The body is always read: until it is, the browser counts a keepalive request against its quota.
      return fetch(url, init).then((r) => r.text().then((text) => {
        clearTimeout(timer);
        return { status: r.status, ok: r.ok, text, retryAfter: Number(r.headers.get("Retry-After")) || 0 };
      })).catch((e) => { clearTimeout(timer); throw e; });
    }

    /* GET a JSON document (state, profile): null when there is none; retried a little, then a rejection. */
    readJson(path, params, tries = 3) {
      return this.send("GET", path, params, undefined, null, READ_TIMEOUT_MS).then((r) => {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text ? JSON.parse(r.text) : null;
      }).catch((e) => {
        if (tries <= 1) throw e;
        return pause(400).then(() => this.readJson(path, params, tries - 1));
      });
    }

    /* Queue one statement, completed with its id and timestamp; returns it. */
    statement(statement) {
      if (!statement.id) statement.id = uuid();
      if (!statement.timestamp) statement.timestamp = timestamp();
      const ops = this.store.read();
      ops.push({ k: "s", id: statement.id, s: statement });
      this.store.write(ops);
      this.kick();
      return statement;
    }

    /* Queue a state document write; a newer write of the same document replaces a waiting one. */
    state(params, doc) {
      const key = query(params);
      const body = JSON.stringify(doc);
      const ops = this.store.read().filter((op) => op.k !== "d" || op.q !== key || this.inFlight.has(op.id));
      ops.push({ k: "d", id: uuid(), q: key, p: params, b: body });
      this.store.write(ops);
      try { window.localStorage.setItem(this.docKey + key, body); } catch (e) { /* the queue still has it */ }
      this.kick();
    }

    /* The latest copy of a state document: one still waiting in the queue, else the LRS's, else the last seen. */
    readState(params) {
      const key = query(params);
      const waiting = this.store.read().filter((op) => op.k === "d" && op.q === key).pop();
      if (waiting) return Promise.resolve(JSON.parse(waiting.b));
      return this.readJson("activities/state", params).catch((e) => {
        this.log("xAPI: state " + params.stateId + " unreadable (" + e + "); using the copy kept in this browser");
        try { return JSON.parse(window.localStorage.getItem(this.docKey + key) || "null"); } catch (x) { return null; }
      });
    }

    pending() { return this.store.read().length; }

    kick() {
      if (!this.timer && !this.running && !this.parked) Promise.resolve().then(() => this.flush());
    }

    retryNow() {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      return this.flush();
    }

    /* Send what waits, oldest first, one request at a time; resolves true when the queue is empty. */
    flush() {
      if (this.running) return this.running;
      if (this.timer || this.parked) return Promise.resolve(false);
      // An operation queued after drainOnce found the queue empty (in the same tick) is sent by a new flush.
      this.running = this.drainOnce().then((done) => {
        this.running = null;
        if (done && this.pending()) this.kick();
        return done;
      }, (e) => {
        this.running = null;
        this.log("xAPI: " + e);
        return false;
      });
      return this.running;
    }

    drainOnce() {
      if (this.parked) return Promise.resolve(false);
      const ops = this.store.read().filter((op) => !this.inFlight.has(op.id));
      if (!ops.length) { this.failures = 0; return Promise.resolve(true); }
      const batch = this.nextBatch(ops);
      batch.forEach((op) => this.inFlight.add(op.id));
      return this.deliver(batch).then((outcome) => {
        batch.forEach((op) => this.inFlight.delete(op.id));
        if (outcome.retry) {
          const wait = outcome.wait || BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
          this.failures += 1;
          this.timer = setTimeout(() => { this.timer = null; this.flush(); }, wait);
          return false;
        }
        this.failures = 0;
        return this.drainOnce();
      });
    }

    /* The oldest state write alone, or the oldest statements that share a request: those of one earlier
       request whose answer was lost stay together, so that one GET can tell whether it was stored. */
    nextBatch(ops) {
      if (ops[0].k !== "s") return [ops[0]];
      const batch = [];
      let size = 0;
      for (const op of ops) {
        if (op.k !== "s" || batch.length >= BATCH_COUNT || op.t !== ops[0].t) break;
        size += bytes(JSON.stringify(op.s));
        if (batch.length && size > BATCH_BYTES) break;
        batch.push(op);
      }
      return batch;
    }

    remove(done) {
      const gone = new Set(done.map((op) => op.id));
      this.store.write(this.store.read().filter((op) => !gone.has(op.id)));
    }

    /* Persist, before the request goes, which request carries these statements (see ``t`` above). */
    tag(batch) {
      const last = batch[batch.length - 1].id;
      const mark = { t: last, pg: this.page, at: Date.now() };
      this.store.update(new Set(batch.map((op) => op.id)), (op) => Object.assign({}, op, mark));
      batch.forEach((op) => Object.assign(op, mark));
    }

    /* The LRS answered without storing (a 4xx other than 409): nothing about these statements is in doubt. */
    untag(batch, response) {
      if (response.status < 400 || response.status >= 500 || response.status === 409) return;
      const clear = (op) => { const out = Object.assign({}, op); delete out.t; delete out.pg; delete out.at; return out; };
      this.store.update(new Set(batch.map((op) => op.id)), clear);
      batch.forEach((op) => { delete op.t; delete op.pg; delete op.at; });
    }

    /* Deliver ``batch`` and take from the queue what the LRS holds or has refused for good.
       Resolves {retry: false} when all of it is done, or {retry: true, wait} to try the rest later. */
    deliver(batch) {
      if (batch[0].k === "d") {
        const op = batch[0];
        return this.send("PUT", "activities/state", op.p, op.b, "application/json").then((r) => {
          const outcome = this.verdict(r, "state " + op.p.stateId);
          if (!outcome.retry) this.remove(batch);
          return outcome;
        }, () => ({ retry: true }));
      }
      return this.stored(batch).then((known) => {
        if (known === "retry") return { retry: true };
        if (known) {
          this.remove(batch);
          return { retry: false };
        }
        return this.post(batch);
      });
    }

    /* Whether an earlier request of the batch reached the LRS: true, false, or "retry" when the LRS cannot
       say now. Anything but a clear answer (a 401 or 403 for reading, say) is false: the statements are
       POSTed again, and an LRS that holds some answers 409, which the PUTs of ``oneByOne`` then settle. */
    stored(batch) {
      const tag = batch[0].t, last = batch[batch.length - 1];
      if (!tag || last.id !== tag) return Promise.resolve(false);
      const settle = last.pg === this.page ? 0 : Math.max(0, (last.at || 0) + SETTLE_MS - Date.now());
      return pause(Math.min(settle, SETTLE_MS)).then(() => this.send("GET", "statements", { statementId: tag }, undefined, null, READ_TIMEOUT_MS)).then((r) => {
        if (r.status >= 500 || r.status === 429 || r.status === 408) return "retry";
        // The statement itself (xAPI); some LRSs answer with a StatementResult, and an unknown id with 200
        // and an empty list.
        try {
          const found = r.status === 200 ? JSON.parse(r.text) : null;
          return !!found && (found.id === tag || (Array.isArray(found.statements) && found.statements.some((s) => s && s.id === tag)));
        } catch (e) { return false; }
      }, () => "retry");
    }

    post(batch) {
      this.tag(batch);
      const body = JSON.stringify(batch.map((op) => op.s));
      return this.send("POST", "statements", null, body, "application/json").then((r) => {
        this.untag(batch, r);
        if (r.ok) {
          this.accepted();
          this.remove(batch);
          return { retry: false };
        }
        if (batch.length > 1 && r.status === 409) return this.oneByOne(batch, 0);  // some stored before
        if (batch.length > 1 && r.status >= 400 && r.status < 500 && TRANSIENT.indexOf(r.status) < 0) {
          // 400, 413...: one statement is refused, or the request is too large. Halves find the one.
          const half = Math.ceil(batch.length / 2);
          return this.deliverAll([batch.slice(0, half), batch.slice(half)]);
        }
        const outcome = this.verdict(r, "statement " + batch[0].id);
        if (!outcome.retry) this.remove(batch);
        return outcome;
      }, () => ({ retry: true }));
    }

    /* Deliver the parts in order; stop at the first that must wait. */
    deliverAll(parts) {
      if (!parts.length) return Promise.resolve({ retry: false });
      return this.post(parts[0]).then((outcome) => (outcome.retry ? outcome : this.deliverAll(parts.slice(1))));
    }

    /* PUT each statement by its id: the LRS answers 409 for the ones it holds, and stores the others. */
    oneByOne(batch, i) {
      if (i >= batch.length) return Promise.resolve({ retry: false });
      const op = batch[i];
      this.tag([op]);
      return this.send("PUT", "statements", { statementId: op.id }, JSON.stringify(op.s), "application/json")
        .then((r) => { this.untag([op], r); return this.verdict(r, "statement " + op.id); }, () => ({ retry: true }))
        .then((outcome) => {
          if (outcome.retry) return outcome;
          this.remove([op]);
          return this.oneByOne(batch, i + 1);
        });
    }

    accepted() {
      if (this.refusedAuth) this.log("xAPI: the LRS accepts the credentials again");
      this.refusedAuth = false;
    }

    /* What an answer to one request means: done (stored, or refused for good, loudly) or retry later. */
    verdict(response, what) {
      if (response.ok || response.status === 409) {  // 409: stored before, exactly once
        this.accepted();
        return { retry: false };
      }
      if (response.status === 401 || response.status === 403) {
        // Expired or rotated credentials: the statements stay queued, for this page to retry and for the
        // next launch, with new credentials, to send.
        if (!this.refusedAuth) this.log("xAPI: the LRS refuses the credentials (HTTP " + response.status + "); statements stay queued");
        this.refusedAuth = true;
        return { retry: true };
      }
      if (response.status >= 500 || TRANSIENT.indexOf(response.status) >= 0) {
        const wait = response.retryAfter ? Math.min(response.retryAfter * 1000, LONGEST_WAIT_MS) : 0;
        return { retry: true, wait };
      }
      const message = "xAPI: the LRS refused " + what + " (HTTP " + response.status + "): " + response.text;
      this.log(message);
      if (window.console) window.console.error(message);
      return { retry: false };  // a 4xx that will not change by sending it again: dropped, loudly
    }

    /* The page is going away: what waits and no request carries yet leaves in one keepalive request, and
       the newest state document in another. Nothing else is sent from this page; what the LRS has not
       acknowledged stays queued, tagged, and the next launch asks the LRS before sending it again. A
       statement an earlier request may have delivered (tagged) is not sent blindly: it and what follows
       it wait for a page that can ask the LRS first. */
    flushKeepalive() {
      this.parked = true;
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      const ops = this.store.read().filter((op) => !this.inFlight.has(op.id));
      const statements = [];
      let size = 0;
      for (const op of ops) {
        if (op.k !== "s") continue;
        if (op.t) break;
        size += bytes(JSON.stringify(op.s));
        if (statements.length && size > BATCH_BYTES) break;  // the rest keeps its order for the next launch
        statements.push(op);
      }
      const last = ops.filter((op) => op.k === "d").pop();
      // What the page can still learn of the answers; the rest is settled at the next launch.
      if (statements.length) {
        this.tag(statements);
        this.carry(statements, () => this.send("POST", "statements", null, JSON.stringify(statements.map((op) => op.s)), "application/json"));
      }
      if (last) this.carry([last], () => this.send("PUT", "activities/state", last.p, last.b, "application/json"));
    }

    carry(ops, request) {
      ops.forEach((op) => this.inFlight.add(op.id));
      const release = () => ops.forEach((op) => this.inFlight.delete(op.id));
      request().then((r) => {
        release();
        if (r.ok) this.remove(ops);
      }, release);
    }

    /* Retry now, then wait until the queue is empty or ``ms`` have passed; resolves whether it is empty. */
    drain(ms) {
      const deadline = Date.now() + ms;
      this.retryNow();
      const step = () => {
        if (!this.pending()) return Promise.resolve(true);
        if (Date.now() >= deadline) return Promise.resolve(false);
        return pause(50).then(step);
      };
      return step();
    }
  }

  window.cmaXapiQueue = { VERSION, Client, uuid, duration, timestamp };
})();
