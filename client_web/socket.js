// The live connection to /ws: reconnect with back-off, resume, and an outbox.
//
// Owns: one WebSocket at a time; exponential back-off with jitter; `resume` with the
// last event seq held per room after every `welcome`; local sends that survive a lost
// connection (and a reload: store.js keeps them in the tab) and are re-sent with the
// SAME client_id once their room has caught up
// (the server answers a repeated client_id with the original ack and stores nothing
// new); acks, errors and timeouts for every request. No DOM: it reports through
// events ("status", "welcome", "joined", "ended", "resync", "agreement", "posted",
// "notice", "room_state", "alert", "report", "hold", "error").

import * as P from "./protocol.js";
import { api } from "./api.js";
import { SendState, rememberDismissed } from "./store.js";

export const SocketState = Object.freeze({
  CONNECTING: "connecting",
  OPEN: "open",
  OFFLINE: "offline",
  ENDED: "ended",
});

const SEND_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_S = 30;

/** Seconds to wait before attempt `n` (0-based): exponential, capped, with jitter. */
export function backoffSeconds(n, random = Math.random) {
  const ceiling = Math.min(MAX_BACKOFF_S, 2 ** n);
  return Math.max(0.5, ceiling * (0.5 + random() * 0.5));
}

export class Socket extends EventTarget {
  /** @param {{store: import("./store.js").Store, url?: string}} opts */
  constructor({ store, url }) {
    super();
    this.store = store;
    this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    this.ws = null;
    this.state = SocketState.OFFLINE;
    this.attempt = 0;
    this.retryAt = 0;
    this.retryTimer = null;
    this.tickTimer = null;
    this.welcomed = false;
    this.stopped = true;
    this.nextRef = 1;
    /** ref -> {resolve, reject, timer} for edit/delete/react */
    this.requests = new Map();
    /** client_id -> timer for sends on the wire */
    this.inflight = new Map();
    this.onOnline = () => this.reconnectNow();
    window.addEventListener("online", this.onOnline);
  }

  // ---- lifecycle -------------------------------------------------------------------

  start() {
    this.stopped = false;
    this.connect();
  }

  /** Stop for good (logout): no reconnect. */
  stop() {
    this.stopped = true;
    this.clearRetry();
    window.removeEventListener("online", this.onOnline);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, "bye");
    }
    this.dropInflight();
  }

  setState(state, retryIn = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, retryIn } }));
  }

  connect() {
    // One socket at a time: a retry timer or check that outlived a newer connection
    // must not orphan it (its acks would be ignored).
    if (this.stopped || this.ws) return;
    this.clearRetry();
    this.welcomed = false;
    this.setState(SocketState.CONNECTING);
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      if (this.ws === ws) this.receive(e.data);
    });
    ws.addEventListener("close", (e) => {
      if (this.ws === ws) this.closed(e.code);
    });
  }

  async closed(code) {
    this.ws = null;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.dropInflight();
    for (const room of this.store.rooms.values()) room.caughtUp = false;
    if (this.stopped) return;
    if (code === P.CloseCode.SESSION_ENDED) {
      this.end();
      return;
    }
    if (!wasWelcomed) {
      // The upgrade may have been refused because the session is gone (401).
      try {
        await api.me();
      } catch (err) {
        if (err.status === 401 && !this.stopped) {
          this.end();
          return;
        }
      }
      // The browser came back online meanwhile, and a new socket is on its way.
      if (this.ws || this.stopped) return;
    }
    this.scheduleRetry();
  }

  end() {
    this.stopped = true;
    this.clearRetry();
    this.setState(SocketState.ENDED);
    this.dispatchEvent(new CustomEvent("ended"));
  }

  scheduleRetry() {
    if (this.stopped) return;
    const delay = backoffSeconds(this.attempt);
    this.attempt += 1;
    this.retryAt = Date.now() + delay * 1000;
    this.retryTimer = setTimeout(() => this.connect(), delay * 1000);
    const tick = () => {
      const left = Math.max(1, Math.ceil((this.retryAt - Date.now()) / 1000));
      this.setState(SocketState.OFFLINE, left);
    };
    tick();
    this.tickTimer = setInterval(tick, 1000);
  }

  clearRetry() {
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.retryTimer = null;
    this.tickTimer = null;
  }

  /** Skip the wait (the browser came back online, or the person asked). */
  reconnectNow() {
    if (this.stopped || this.ws) return;
    this.connect();
  }

  /** Open a fresh connection, e.g. after being removed from a room. */
  restart() {
    if (this.stopped) return;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, "restart");
      this.dropInflight();
    }
    this.attempt = 0;
    this.connect();
  }

  transmitOk() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN && this.welcomed);
  }

  transmit(text) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.welcomed) return false;
    this.ws.send(text);
    return true;
  }

  dropInflight() {
    for (const timer of this.inflight.values()) clearTimeout(timer);
    this.inflight.clear();
    for (const [ref, req] of this.requests) {
      clearTimeout(req.timer);
      req.reject(Object.assign(new Error("You're offline right now."), { code: "offline" }));
      this.requests.delete(ref);
    }
  }

  // ---- receiving ---------------------------------------------------------------------

  receive(data) {
    let frame;
    try {
      frame = P.parse(data);
    } catch (err) {
      console.warn("hearth: ignoring a frame we cannot read", err.message);
      return;
    }
    const handler = this.handlers[frame.type];
    handler.call(this, frame);
  }

  handlers = {
    welcome(frame) {
      this.store.welcome(frame);
      this.welcomed = true;
      this.attempt = 0;
      this.setState(SocketState.OPEN);
      // Live events for a room flow only after its resume.
      this.ws.send(P.resumeFrame(this.store.positions()));
      this.dispatchEvent(new CustomEvent("welcome"));
    },
    event(frame) {
      // Positions are the room log's, one per event: a live event past the next one
      // means one went missing on its way. Ask again from what we hold; the replay
      // fills the hole, and what arrives twice merges by seq.
      const room = this.store.room(frame.room);
      if (room && room.caughtUp && frame.seq > room.position + 1) {
        room.caughtUp = false;
        this.ws.send(P.resumeFrame({ [frame.room]: room.position }));
      }
      const { isNew, message } = this.store.applyEvent(frame);
      const timer = message.client_id && this.inflight.get(message.client_id);
      if (timer) {
        clearTimeout(timer);
        this.inflight.delete(message.client_id);
      }
      if (isNew && frame.kind === "posted") {
        this.dispatchEvent(new CustomEvent("posted", { detail: { room: frame.room, message } }));
      }
    },
    ack(frame) {
      if (frame.client_id) {
        clearTimeout(this.inflight.get(frame.client_id));
        this.inflight.delete(frame.client_id);
        this.store.acked(frame.client_id, frame.room, frame.message);
        return;
      }
      const req = this.requests.get(String(frame.ref));
      if (req) {
        clearTimeout(req.timer);
        this.requests.delete(String(frame.ref));
        req.resolve(frame);
      }
    },
    caught_up(frame) {
      const room = this.store.room(frame.room);
      if (!room) return;
      room.caughtUp = true;
      room.position = Math.max(room.position, frame.seq);
      this.flush(frame.room);
      this.store.changed({ room: frame.room, caughtUp: true });
    },
    resync(frame) {
      this.store.resync(frame.room, frame.latest_seq);
      this.dispatchEvent(new CustomEvent("resync", { detail: { room: frame.room } }));
    },
    presence(frame) {
      this.store.setOnline(frame.room, frame.online);
    },
    typing(frame) {
      this.store.setTyping(frame.room, frame.user, Date.now() + 5000);
    },
    read() {
      // Others' read markers: nothing shown yet beyond what presence says.
    },
    pong() {},
    done(frame) {
      const req = this.requests.get(String(frame.ref));
      if (req) {
        clearTimeout(req.timer);
        this.requests.delete(String(frame.ref));
        req.resolve(frame);
      }
    },
    held(frame) {
      clearTimeout(this.inflight.get(frame.client_id));
      this.inflight.delete(frame.client_id);
      this.store.setSendState(frame.client_id, SendState.HELD, { code: "held", message: frame.reason });
    },
    notice(frame) {
      if (frame.kind === "rejected" && frame.client_id) {
        this.store.setSendState(frame.client_id, SendState.REJECTED,
          { code: "rejected", message: frame.note || "" });
      } else if (frame.kind === "approved" && frame.client_id) {
        // The event (same client_id) replaces the local copy; until then it is on its way.
        if (this.store.pending.has(frame.client_id)) {
          this.store.setSendState(frame.client_id, SendState.PENDING);
          this.store.acked(frame.client_id, frame.room, frame.seq);
        }
      } else if (frame.kind === "muted") {
        this.store.setMute(frame.room, frame.until, frame.reason || null);
      } else if (frame.kind === "unmuted") {
        this.store.setMute(frame.room, null);
      } else if (frame.kind === "joined") {
        this.joined(frame.room);
      }
      this.dispatchEvent(new CustomEvent("notice", { detail: frame }));
    },
    room_state(frame) {
      const room = this.store.room(frame.room);
      const was = room ? { locked: room.locked, slow_mode_seconds: room.slow_mode_seconds } : null;
      this.store.setRoomState(frame.room, frame);
      this.dispatchEvent(new CustomEvent("room_state", { detail: { ...frame, was } }));
    },
    alert(frame) {
      // Staff alerts are shown by the facilitator tools (facilitation.js), not the chat.
      this.dispatchEvent(new CustomEvent("alert", { detail: frame.alert }));
    },
    report(frame) {
      this.dispatchEvent(new CustomEvent("report", { detail: frame.report }));
    },
    moved_on(frame) {
      this.dispatchEvent(new CustomEvent("moved_on", { detail: frame }));
    },
    hold(frame) {
      // The hold queue changed (a message held, or decided): for facilitation.js.
      this.dispatchEvent(new CustomEvent("hold", { detail: frame.hold }));
    },
    error(frame) {
      const ref = frame.ref == null ? null : String(frame.ref);
      if (ref && this.store.pending.has(ref)) {
        this.sendFailed(ref, frame);
        return;
      }
      const req = ref && this.requests.get(ref);
      if (req) {
        clearTimeout(req.timer);
        this.requests.delete(ref);
        req.reject(Object.assign(new Error(frame.message || frame.code), { code: frame.code, frame }));
        if (frame.code === P.ErrorCode.AGREEMENT_REQUIRED) {
          this.dispatchEvent(new CustomEvent("agreement", { detail: { room: req.room } }));
        }
        return;
      }
      this.dispatchEvent(new CustomEvent("error", { detail: frame }));
    },
  };

  /** A room joined while connected: the server has attached us; resume it like the rest. */
  joined(summary) {
    if (this.store.join(summary)) this.transmit(P.resumeFrame({ [summary.id]: 0 }));
    this.dispatchEvent(new CustomEvent("joined", { detail: { room: summary.id } }));
  }

  // ---- sending -----------------------------------------------------------------------

  /** Queue a message; it is sent now if its room is live, else after the next resume. */
  sendMessage(room, text, replyTo = null) {
    const clientId = P.newClientId();
    this.store.addPending({ clientId, room, text, replyTo, createdAt: Date.now() });
    this.transmitSend(clientId);
    return clientId;
  }

  /** Try a failed send again, with the same client_id. */
  retry(clientId) {
    if (!this.store.pending.has(clientId)) return;
    this.store.setSendState(clientId, SendState.PENDING);
    this.transmitSend(clientId);
  }

  /** Drop a failed send the person no longer wants. */
  discard(clientId) {
    const send = this.store.pending.get(clientId);
    if (!send) return;
    rememberDismissed(clientId);
    this.store.pending.delete(clientId);
    this.store.changed({ room: send.room, pending: clientId });
  }

  transmitSend(clientId) {
    const send = this.store.pending.get(clientId);
    const room = send && this.store.room(send.room);
    if (!send || send.state !== SendState.PENDING || !room || !room.caughtUp) return;
    if (send.ackedSeq != null) return; // stored already; its event comes with the replay
    if (this.inflight.has(clientId)) return;
    const frame = P.sendFrame({
      ref: clientId, room: send.room, clientId, text: send.text, replyTo: send.replyTo,
    });
    if (!this.transmit(frame)) return;
    this.inflight.set(clientId, setTimeout(() => {
      this.inflight.delete(clientId);
      this.store.setSendState(clientId, SendState.FAILED, {
        code: "timeout", message: "Not sent: no answer from Hearth.",
      });
    }, SEND_TIMEOUT_MS));
  }

  sendFailed(clientId, frame) {
    clearTimeout(this.inflight.get(clientId));
    this.inflight.delete(clientId);
    const blocked = frame.code === P.ErrorCode.BLOCKED;
    this.store.setSendState(clientId, blocked ? SendState.BLOCKED : SendState.FAILED, frame);
    const room = this.store.pending.get(clientId)?.room;
    if (frame.code === P.ErrorCode.ROOM_LOCKED && room != null) {
      this.store.setRoomState(room, { locked: true });
    } else if (frame.code === P.ErrorCode.MUTED && room != null && frame.until) {
      // The banner above the composer says until when and why.
      this.store.setMute(room, frame.until, frame.reason || null);
    }
    if (frame.code === P.ErrorCode.AGREEMENT_REQUIRED) {
      const send = this.store.pending.get(clientId);
      this.dispatchEvent(new CustomEvent("agreement", { detail: { room: send.room } }));
    }
  }

  /** Re-send every pending message of a room that has just caught up. */
  flush(roomId) {
    for (const send of this.store.pendingFor(roomId)) {
      if (send.state === SendState.PENDING) this.transmitSend(send.clientId);
    }
  }

  /** Retry the sends of a room that failed for want of an accepted agreement. */
  retryAgreementFailures(roomId) {
    for (const send of this.store.pendingFor(roomId)) {
      if (send.state === SendState.FAILED && send.error?.code === P.ErrorCode.AGREEMENT_REQUIRED) {
        this.retry(send.clientId);
      }
    }
  }

  /** Send an edit/delete/react; resolves with the ack, rejects with the error. */
  request(build, room) {
    return new Promise((resolve, reject) => {
      const ref = `r${this.nextRef++}`;
      if (!this.transmit(build(ref))) {
        reject(Object.assign(new Error("You're offline right now."), { code: "offline" }));
        return;
      }
      const timer = setTimeout(() => {
        this.requests.delete(ref);
        reject(Object.assign(new Error("No answer from Hearth."), { code: "timeout" }));
      }, SEND_TIMEOUT_MS);
      this.requests.set(ref, { resolve, reject, timer, room });
    });
  }

  edit(room, message, text) {
    return this.request((ref) => P.editFrame({ ref, room, message, text }), room);
  }

  remove(room, message) {
    return this.request((ref) => P.deleteFrame({ ref, room, message }), room);
  }

  react(room, message, reaction, add) {
    return this.request((ref) => P.reactFrame({ ref, room, message, reaction, add }), room);
  }

  /** Alert the person's facilitators; resolves with the server's answer. */
  help(room) {
    return this.request((ref) => P.helpFrame(ref, room), room);
  }

  /** Report a message to the room's facilitators; resolves with `done` ({report}). */
  report(room, message, reason = "") {
    return this.request((ref) => P.reportFrame({ ref, room, message, reason }), room);
  }

  /** A facilitator action; resolves with `done`, rejects with the server's error. */
  moderate(action, fields = {}) {
    return this.request((ref) => P.moderateFrame(ref, action, fields), fields.room ?? null);
  }

  typing(room) {
    this.transmit(P.typingFrame(room));
  }

  read(room, seq) {
    this.transmit(P.readFrame(room, seq));
  }
}
