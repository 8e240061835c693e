/* The xAPI 1.0.3 connection the cmi5 and Tin Can adapters share: statements and state documents go through a
   durable queue (localStorage) and reach the LRS in order, exactly once, however long it is away. */
(function () {
  "use strict";

  var VERSION = "1.0.3";
  var QUEUE_PREFIX = "cmacourse.xapi.queue:";
  var DOC_PREFIX = "cmacourse.xapi.doc:";
  var BATCH_BYTES = 24000;      // keepalive requests may carry at most 64 KiB, shared by all in flight
  var KEEPALIVE_BYTES = 60000;
  var BATCH_COUNT = 25;
  var BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
  var TIMEOUT_MS = 15000;       // a request that hangs longer counts as a network failure and is retried
  var READ_TIMEOUT_MS = 6000;

  /* A version 4 UUID made here, so that a retried statement keeps its id and the LRS stores it once. */
  function uuid() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ISO 8601 duration with hundredths of a second, e.g. PT1H2M3.45S. */
  function duration(ms) {
    var cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s + "S";
  }

  /* Timestamps that strictly increase within a page, since cmi5 orders a session's statements by them. */
  var lastTime = 0;
  function timestamp() {
    lastTime = Math.max(Date.now(), lastTime + 1);
    return new Date(lastTime).toISOString();
  }

  var encoder = typeof TextEncoder === "function" ? new TextEncoder() : null;
  function bytes(text) {
    return encoder ? encoder.encode(text).length : text.length * 3;
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] != null; }).map(function (k) {
      var v = params[k];
      return encodeURIComponent(k) + "=" + encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v));
    }).join("&");
  }

  /* localStorage, or memory when the browser refuses it (private mode, a full quota). */
  function Store(key, log) {
    this.key = key;
    this.log = log;
    this.memory = null;
  }
  Store.prototype.read = function () {
    if (this.memory) return this.memory.slice();
    try { return JSON.parse(window.localStorage.getItem(this.key) || "[]"); } catch (e) { return []; }
  };
  Store.prototype.write = function (ops) {
    if (!this.memory) {
      try { window.localStorage.setItem(this.key, JSON.stringify(ops)); return; } catch (e) {
        this.log("xAPI: localStorage unavailable (" + e + "); statements wait in memory only");
      }
    }
    this.memory = ops.slice();
  };

  /* The LRS connection: endpoint, Authorization value, the queue key, and a log for problems. */
  function Client(options) {
    this.endpoint = String(options.endpoint).replace(/\/?$/, "/");
    this.auth = options.auth || null;
    this.log = options.log || function () {};
    this.store = new Store(QUEUE_PREFIX + this.endpoint + "|" + (options.key || ""), this.log);
    this.docKey = DOC_PREFIX + this.endpoint + "|" + (options.key || "") + "|";
    this.running = null;      // the flush in progress
    this.inFlight = {};       // ids of the ops a request carries right now
    this.timer = null;        // the retry waiting for its backoff
    this.failures = 0;
    var self = this;
    window.addEventListener("online", function () { self.retryNow(); });
  }

  Client.prototype.headers = function (type) {
    var h = { "X-Experience-API-Version": VERSION };
    if (this.auth) h.Authorization = this.auth;
    if (type) h["Content-Type"] = type;
    return h;
  };

  Client.prototype.send = function (method, path, params, body, type, timeout) {
    var url = this.endpoint + path + (params ? "?" + query(params) : "");
    var init = { method: method, headers: this.headers(type), body: body, credentials: "omit", cache: "no-store" };
    // keepalive lets a write finish after the page is gone; reads need not outlive it, and the
    // browser refuses keepalive bodies over 64 KiB, which then go as ordinary requests.
    if (method !== "GET" && (!body || bytes(body) <= KEEPALIVE_BYTES)) init.keepalive = true;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = null;
    if (ctrl) {
      init.signal = ctrl.signal;
      timer = setTimeout(function () { ctrl.abort(); }, timeout || TIMEOUT_MS);
    }
    // The body is always read: until it is, the browser counts a keepalive request against its quota.
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) {
        clearTimeout(timer);
        return { status: r.status, ok: r.ok, text: text };
      });
    }).catch(function (e) { clearTimeout(timer); throw e; });
  };

  /* GET a JSON document (state, profile): null when there is none; retried a little, then a rejection. */
  Client.prototype.readJson = function (path, params, tries) {
    var self = this;
    tries = tries == null ? 3 : tries;
    return this.send("GET", path, params, undefined, null, READ_TIMEOUT_MS).then(function (r) {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text ? JSON.parse(r.text) : null;
    }).catch(function (e) {
      if (tries <= 1) throw e;
      return new Promise(function (ok) { setTimeout(ok, 400); }).then(function () { return self.readJson(path, params, tries - 1); });
    });
  };

  /* Queue one statement, completed with its id and timestamp; returns it. */
  Client.prototype.statement = function (statement) {
    if (!statement.id) statement.id = uuid();
    if (!statement.timestamp) statement.timestamp = timestamp();
    var ops = this.store.read();
    ops.push({ k: "s", id: statement.id, s: statement });
    this.store.write(ops);
    this.kick();
    return statement;
  };

  /* Queue a state document write; a newer write of the same document replaces a waiting one. */
  Client.prototype.state = function (params, doc) {
    var key = query(params);
    var body = JSON.stringify(doc);
    var self = this;
    var ops = this.store.read().filter(function (op) { return op.k !== "d" || op.q !== key || self.inFlight[op.id]; });
    ops.push({ k: "d", id: uuid(), q: key, p: params, b: body });
    this.store.write(ops);
    try { window.localStorage.setItem(this.docKey + key, body); } catch (e) { /* the queue still has it */ }
    this.kick();
  };

  /* The latest copy of a state document: one still waiting in the queue, else the LRS's, else the last seen. */
  Client.prototype.readState = function (params) {
    var key = query(params);
    var waiting = this.store.read().filter(function (op) { return op.k === "d" && op.q === key; }).pop();
    if (waiting) return Promise.resolve(JSON.parse(waiting.b));
    var self = this;
    return this.readJson("activities/state", params).catch(function (e) {
      self.log("xAPI: state " + params.stateId + " unreadable (" + e + "); using the copy kept in this browser");
      try { return JSON.parse(window.localStorage.getItem(self.docKey + key) || "null"); } catch (x) { return null; }
    });
  };

  Client.prototype.pending = function () { return this.store.read().length; };

  Client.prototype.kick = function () {
    var self = this;
    if (!this.timer && !this.running) Promise.resolve().then(function () { self.flush(); });
  };

  Client.prototype.retryNow = function () {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    return this.flush();
  };

  /* Send what waits, oldest first, one request at a time; resolves true when the queue is empty. */
  Client.prototype.flush = function () {
    var self = this;
    if (this.running) return this.running;
    if (this.timer) return Promise.resolve(false);
    // An operation queued after drainOnce found the queue empty (in the same tick) is sent by a new flush.
    this.running = this.drainOnce().then(function (done) { self.running = null; if (done && self.pending()) self.kick(); return done; },
      function (e) { self.running = null; self.log("xAPI: " + e); return false; });
    return this.running;
  };

  Client.prototype.drainOnce = function () {
    var self = this;
    var ops = this.store.read();
    if (!ops.length) { this.failures = 0; return Promise.resolve(true); }
    var batch = this.nextBatch(ops);
    batch.forEach(function (op) { self.inFlight[op.id] = true; });
    return this.deliver(batch).then(function (outcome) {
      batch.forEach(function (op) { delete self.inFlight[op.id]; });
      if (outcome === "retry") {
        var wait = BACKOFF_MS[Math.min(self.failures, BACKOFF_MS.length - 1)];
        self.failures += 1;
        self.timer = setTimeout(function () { self.timer = null; self.flush(); }, wait);
        return false;
      }
      self.failures = 0;
      self.remove(batch);
      return self.drainOnce();
    });
  };

  Client.prototype.nextBatch = function (ops) {
    if (ops[0].k !== "s") return [ops[0]];
    var batch = [], size = 0;
    for (var i = 0; i < ops.length && ops[i].k === "s" && batch.length < BATCH_COUNT; i++) {
      size += bytes(JSON.stringify(ops[i].s));
      if (batch.length && size > BATCH_BYTES) break;
      batch.push(ops[i]);
    }
    return batch;
  };

  Client.prototype.remove = function (done) {
    var gone = {};
    done.forEach(function (op) { gone[op.id] = true; });
    this.store.write(this.store.read().filter(function (op) { return !gone[op.id]; }));
  };

  /* "done" when the LRS holds the batch (or refused it for good), "retry" on a network failure or a 5xx. */
  Client.prototype.deliver = function (batch) {
    var self = this;
    if (batch[0].k === "d") {
      return this.send("PUT", "activities/state", batch[0].p, batch[0].b, "application/json")
        .then(function (r) { return self.verdict(r, "state " + batch[0].p.stateId); }, function () { return "retry"; });
    }
    var body = JSON.stringify(batch.map(function (op) { return op.s; }));
    return this.send("POST", "statements", null, body, "application/json").then(function (r) {
      // A 4xx refuses the whole batch: a statement already stored (409, an earlier attempt whose answer
      // was lost) or one the LRS will never take. Statement by statement, stored ones count as
      // delivered and only the refused one is dropped.
      if (r.status >= 400 && r.status < 500 && [401, 403, 408, 429].indexOf(r.status) < 0 && batch.length > 1) {
        return self.oneByOne(batch, 0);
      }
      return self.verdict(r, "statement " + batch[0].id);
    }, function () { return "retry"; });
  };

  Client.prototype.oneByOne = function (batch, i) {
    var self = this;
    if (i >= batch.length) return Promise.resolve("done");
    var op = batch[i];
    return this.send("PUT", "statements", { statementId: op.id }, JSON.stringify(op.s), "application/json")
      .then(function (r) { return self.verdict(r, "statement " + op.id); }, function () { return "retry"; })
      .then(function (outcome) {
        if (outcome === "retry") {
          self.remove(batch.slice(0, i));
          return "retry";
        }
        return self.oneByOne(batch, i + 1);
      });
  };

  Client.prototype.verdict = function (response, what) {
    if (response.ok || response.status === 409) return "done";  // 409: stored before, exactly once
    if (response.status >= 500 || response.status === 429 || response.status === 408) return "retry";
    var message = "xAPI: the LRS refused " + what + " (HTTP " + response.status + "): " + response.text;
    this.log(message);
    if (window.console) window.console.error(message);
    return "done";  // a 4xx will not change by sending it again: dropped, loudly
  };

  /* The page is going away: send what waits in one keepalive request, the batch in flight included.
     Two requests in flight could reach the LRS in either order; this one has everything in order,
     and the LRS stores a statement id once, so the other one adds nothing (xAPI Data 2.2). */
  Client.prototype.flushKeepalive = function () {
    var self = this;
    var ops = this.store.read();
    var statements = [], size = 0;
    for (var i = 0; i < ops.length; i++) {
      if (ops[i].k !== "s") continue;
      size += bytes(JSON.stringify(ops[i].s));
      if (size > BATCH_BYTES) break;  // the rest keeps its order for the next launch
      statements.push(ops[i]);
    }
    var last = ops.filter(function (op) { return op.k === "d"; }).pop();
    // What the page can still learn of the answers it removes; the rest is sent again at the next launch.
    if (statements.length) {
      this.send("POST", "statements", null, JSON.stringify(statements.map(function (op) { return op.s; })), "application/json")
        .then(function (r) { if (r.ok) self.remove(statements); }, function () {});
    }
    if (last) {
      this.send("PUT", "activities/state", last.p, last.b, "application/json")
        .then(function (r) { if (r.ok) self.remove([last]); }, function () {});
    }
  };

  /* Retry now, then wait until the queue is empty or ``ms`` have passed; resolves whether it is empty. */
  Client.prototype.drain = function (ms) {
    var self = this;
    var deadline = Date.now() + ms;
    this.retryNow();
    function step() {
      if (!self.pending()) return Promise.resolve(true);
      if (Date.now() >= deadline) return Promise.resolve(false);
      return new Promise(function (ok) { setTimeout(ok, 50); }).then(step);
    }
    return step();
  };

  window.cmaXapiQueue = { VERSION: VERSION, Client: Client, uuid: uuid, duration: duration, timestamp: timestamp };
})();
