// What the client holds: rooms, their messages, and local sends not yet confirmed.
//
// Owns: messages per room keyed by message seq (upsert, so nothing shows twice), the
// highest event seq seen per room (what `resume` gives back), pending/failed sends
// keyed by client_id, and this tab's copy of the unsent ones (sessionStorage, per
// signed-in person) so a reload does not lose words the server never confirmed. No DOM,
// no socket: it emits "change" events for the view.

export const SendState = Object.freeze({
  PENDING: "pending",
  FAILED: "failed", // can be retried
  HELD: "held", // waiting for a facilitator's review; not re-sent
  REJECTED: "rejected", // a facilitator declined it; can only be discarded
  BLOCKED: "blocked", // the room's policy stopped it; can only be discarded
});

// What the tab keeps across a reload: sends the server has not confirmed. Held, declined
// and blocked ones the server keeps itself (GET /api/me/held).
const UNSENT = new Set([SendState.PENDING, SendState.FAILED]);

/** A member's posting is paused in this room now (a facilitator's mute). */
export function mutedNow(room, nowMs = Date.now()) {
  return Boolean(room && room.muted_until && Date.parse(room.muted_until) > nowMs);
}

export class Store extends EventTarget {
  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.user = null;
    this.limits = { message_chars: 4000 };
    /** @type {Map<number, object>} */
    this.rooms = new Map();
    /** @type {Map<number, Map<number, object>>} room -> message seq -> message */
    this.messages = new Map();
    /** @type {Map<string, object>} client_id -> local send */
    this.pending = new Map();
  }

  changed(detail) {
    // Every change to a local send names it (`pending`); the tab's copy follows.
    if (detail.pending !== undefined) this.keepOutbox();
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  // ---- rooms ----------------------------------------------------------------------

  /** Take in a `welcome`; rooms already held keep their positions and messages. */
  welcome(frame) {
    this.user = frame.user;
    if (frame.limits) this.limits = frame.limits;
    const seen = new Set();
    for (const r of frame.rooms) {
      seen.add(r.id);
      this.putRoom(r).caughtUp = false; // a new connection: live again after its resume
    }
    for (const id of [...this.rooms.keys()]) {
      if (!seen.has(id)) {
        this.rooms.delete(id);
        this.messages.delete(id);
      }
    }
    this.restoreOutbox();
    this.changed({ rooms: true });
  }

  /**
   * A `joined` notice: the viewer became a member of a room while connected. Returns
   * true if the room is new here (the caller then resumes it from 0).
   */
  join(summary) {
    const isNew = !this.rooms.has(summary.id);
    this.putRoom(summary, 0);
    this.changed({ rooms: true, joined: summary.id });
    return isNew;
  }

  /** Take in one room summary (as in `welcome`); a room new here starts at `position`
   * (default: its latest seq, history comes over REST). */
  putRoom(r, position = null) {
    const held = this.rooms.get(r.id);
    const room = held || {
      id: r.id, position: position ?? r.latest_seq, online: [], typing: new Map(),
      historyLoaded: false, hasMore: true, caughtUp: false,
    };
    room.name = r.name;
    room.kind = r.kind;
    room.latest_seq = r.latest_seq;
    room.read_seq = r.read_seq;
    room.unread = r.unread;
    room.agreement = r.agreement || { version: 0, accepted: 0 };
    // Moderation state: the viewer's role here, a lock, slow mode, the viewer's mute.
    room.role = r.role || "client";
    room.locked = Boolean(r.locked);
    room.slow_mode_seconds = r.slow_mode_seconds || 0;
    room.muted_until = r.muted_until || null;
    room.mute_reason = room.muted_until ? r.mute_reason || null : null;
    // Discharge and alumni: a closed cohort, the viewer's read-only time after moving
    // on, an alumni moderator here, the viewer muted this room for themselves.
    room.closed = Boolean(r.closed);
    room.read_only_until = r.read_only_until || null;
    room.moderator = Boolean(r.moderator);
    room.notifications_muted = Boolean(r.notifications_muted);
    this.rooms.set(r.id, room);
    if (!this.messages.has(r.id)) this.messages.set(r.id, new Map());
    return room;
  }

  /** room id -> last event seq held, for `resume`. */
  positions() {
    const out = {};
    for (const room of this.rooms.values()) out[room.id] = room.position;
    return out;
  }

  room(id) {
    return this.rooms.get(id) || null;
  }

  /** Rooms where the viewer is a facilitator. */
  facilitated() {
    return [...this.rooms.values()].filter((r) => r.role === "facilitator");
  }

  /** A `room_state` frame: lock and slow mode. */
  setRoomState(roomId, { locked, slow_mode_seconds: slow }) {
    const room = this.rooms.get(roomId);
    if (!room) return;
    if (locked !== undefined) room.locked = Boolean(locked);
    if (slow !== undefined) room.slow_mode_seconds = slow || 0;
    this.changed({ room: roomId, roomState: true });
  }

  /** The viewer's own mute in a room (`until` ISO or null), with the reason given. */
  setMute(roomId, until, reason = null) {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.muted_until = until;
    room.mute_reason = until ? reason : null;
    this.changed({ room: roomId, roomState: true });
  }

  // ---- messages -------------------------------------------------------------------

  /** Upsert one message; returns true if it was not held before. */
  upsert(roomId, message) {
    let byseq = this.messages.get(roomId);
    if (!byseq) {
      byseq = new Map();
      this.messages.set(roomId, byseq);
    }
    const isNew = !byseq.has(message.seq);
    byseq.set(message.seq, message);
    if (message.client_id && this.pending.has(message.client_id)) {
      this.pending.delete(message.client_id);
      this.keepOutbox();
    }
    return isNew;
  }

  /** Apply an `event` frame. Returns {isNew, message}. */
  applyEvent(frame) {
    const room = this.rooms.get(frame.room);
    const isNew = this.upsert(frame.room, frame.message);
    if (room) {
      room.position = Math.max(room.position, frame.seq);
      room.latest_seq = Math.max(room.latest_seq, frame.seq);
      if (frame.kind === "posted" && frame.message.author) room.typing.delete(frame.message.author.id);
    }
    this.changed({ room: frame.room, seq: frame.message.seq });
    return { isNew, message: frame.message };
  }

  /** Add a page of history (oldest first) from REST. */
  addHistory(roomId, messages, hasMore, { older }) {
    for (const m of messages) this.upsert(roomId, m);
    const room = this.rooms.get(roomId);
    if (room) {
      room.historyLoaded = true;
      if (older || room.hasMore) room.hasMore = hasMore;
    }
    this.changed({ room: roomId, history: true });
  }

  /** Forget a room's messages (after `resync`) and continue from `latestSeq`. */
  resync(roomId, latestSeq) {
    this.messages.set(roomId, new Map());
    const room = this.rooms.get(roomId);
    if (room) {
      room.position = latestSeq;
      room.latest_seq = latestSeq;
      room.historyLoaded = false;
      room.hasMore = true;
    }
    this.changed({ room: roomId, reset: true });
  }

  oldestSeq(roomId) {
    let min = null;
    for (const seq of (this.messages.get(roomId) || new Map()).keys()) {
      if (min === null || seq < min) min = seq;
    }
    return min;
  }

  /** Messages of a room, oldest first. */
  ordered(roomId) {
    return [...(this.messages.get(roomId) || new Map()).values()].sort((a, b) => a.seq - b.seq);
  }

  message(roomId, seq) {
    return (this.messages.get(roomId) || new Map()).get(seq) || null;
  }

  // ---- local sends ------------------------------------------------------------------

  addPending(send) {
    this.pending.set(send.clientId, { ...send, state: SendState.PENDING, error: null });
    this.changed({ room: send.room, pending: send.clientId });
  }

  setSendState(clientId, state, error = null) {
    const send = this.pending.get(clientId);
    if (!send) return;
    send.state = state;
    send.error = error;
    this.changed({ room: send.room, pending: clientId });
  }

  /** The ack says the message is stored; drop the local copy if its event is here. */
  acked(clientId, roomId, seq) {
    const send = this.pending.get(clientId);
    if (!send) return;
    if (this.message(roomId, seq)) {
      this.pending.delete(clientId);
      this.changed({ room: roomId, pending: clientId });
    } else {
      send.ackedSeq = seq;
      this.keepOutbox(); // stored: its event comes with the history or the replay
    }
  }

  /** The person's own held and declined messages, as the server has them (after a
   * reload or a night offline, nothing they were told is lost); what they dismissed in
   * this tab stays dismissed. */
  restoreHeld(items) {
    const dismissed = dismissedSends();
    for (const h of items) {
      if (dismissed.has(h.client_id)) continue;
      const rejected = h.state === "rejected";
      const state = rejected ? SendState.REJECTED : SendState.HELD;
      const error = { code: rejected ? "rejected" : "held", message: h.reason || "" };
      const known = this.pending.get(h.client_id);
      if (!known) {
        this.pending.set(h.client_id, { clientId: h.client_id, room: h.room, text: h.text,
          replyTo: null, createdAt: Date.parse(h.sent_at), state, error });
        this.changed({ room: h.room, pending: h.client_id });
      } else if (known.state !== state) {
        this.setSendState(h.client_id, state, error);
      }
    }
  }

  /** Copy the unsent sends to this tab's storage, under the signed-in person's id. */
  keepOutbox() {
    if (!this.user) return;
    const unsent = [...this.pending.values()]
      .filter((s) => UNSENT.has(s.state) && s.ackedSeq == null && this.rooms.has(s.room))
      .map(({ clientId, room, text, replyTo, createdAt, state, error }) =>
        ({ clientId, room, text, replyTo, createdAt, state,
          error: error ? { code: error.code, message: error.message } : null }));
    writeSession(outboxKey(this.user.id), unsent.length ? unsent : null);
  }

  /** After a reload, the person's unsent sends come back with their own client_id: a
   * pending one is sent when its room has caught up (a repeat of one the server stored
   * gets the original ack); a failed one waits for Retry, as it did before the reload.
   * Another person's, and sends to rooms the person has left, are dropped. */
  restoreOutbox() {
    const key = outboxKey(this.user.id);
    for (const other of outboxKeys()) if (other !== key) writeSession(other, null);
    const kept = readSession(key, []);
    for (const s of Array.isArray(kept) ? kept : []) {
      if (!s || typeof s.clientId !== "string" || typeof s.text !== "string") continue;
      if (this.pending.has(s.clientId) || !this.rooms.has(s.room)) continue;
      const failed = s.state === SendState.FAILED;
      this.pending.set(s.clientId, { clientId: s.clientId, room: s.room, text: s.text,
        replyTo: s.replyTo ?? null, createdAt: s.createdAt,
        state: failed ? SendState.FAILED : SendState.PENDING,
        error: failed ? { code: s.error?.code ?? null, message: s.error?.message ?? "Not sent." } : null });
    }
    this.keepOutbox();
  }

  pendingFor(roomId) {
    return [...this.pending.values()]
      .filter((p) => p.room === roomId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  // ---- presence, typing, unread ----------------------------------------------------

  setOnline(roomId, online) {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.online = online;
    this.changed({ room: roomId, presence: true });
  }

  setTyping(roomId, user, untilMs) {
    const room = this.rooms.get(roomId);
    if (!room || (this.user && user.id === this.user.id)) return;
    room.typing.set(user.id, { name: user.name, until: untilMs });
    this.changed({ room: roomId, typing: true });
  }

  typingNames(roomId, nowMs) {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    const names = [];
    for (const [id, t] of room.typing) {
      if (t.until > nowMs) names.push(t.name);
      else room.typing.delete(id);
    }
    return names;
  }

  setUnread(roomId, unread) {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.unread = Math.max(0, unread);
    this.changed({ rooms: true });
  }
}

const DISMISSED = "hearth.dismissed";
const OUTBOX = "hearth.outbox.";

const outboxKey = (userId) => `${OUTBOX}${userId}`;

function outboxKeys() {
  try {
    return Object.keys(sessionStorage).filter((k) => k.startsWith(OUTBOX));
  } catch {
    return [];
  }
}

function readSession(key, fallback) {
  try {
    return JSON.parse(sessionStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

/** Keep `value` as JSON under `key` in this tab (null removes it). */
function writeSession(key, value) {
  try {
    if (value == null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private browsing without storage, or full: kept in memory only.
  }
}

/** Client ids of held or declined messages this tab's person dismissed. */
export function dismissedSends() {
  const ids = readSession(DISMISSED, []);
  return new Set(Array.isArray(ids) ? ids : []);
}

export function rememberDismissed(clientId) {
  writeSession(DISMISSED, [...dismissedSends(), clientId].slice(-200));
}

/** Sign-out: what this tab kept of the person's sends (dismissed ones, the unsent). */
export function forgetSends() {
  writeSession(DISMISSED, null);
  for (const key of outboxKeys()) writeSession(key, null);
}
