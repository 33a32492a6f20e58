// The websocket wire protocol, mirroring server/protocol.py (see docs/protocol.md).
//
// Owns: frame builders for everything the client sends, and `parse()` for everything the
// server sends. Pure: no DOM, no socket. An unknown frame type is an error, never
// silently dropped.

export const REACTIONS = Object.freeze(["heart", "hug", "strength", "clap", "sprout", "pray"]);

export const REACTION_EMOJI = Object.freeze({
  heart: "❤️",
  hug: "🤗",
  strength: "💪",
  clap: "👏",
  sprout: "🌱",
  pray: "🙏",
});

export const MESSAGE_CHARS = 4000;
export const CLIENT_ID_CHARS = 64;

export const SERVER_TYPES = Object.freeze([
  "welcome", "event", "ack", "caught_up", "resync", "presence", "typing", "read", "pong", "error",
  // From the moderation work: answers without a log position, held sends, personal
  // notices (crisis help, mutes, decisions, a room joined), room state, and staff alerts,
  // reports and hold-queue changes.
  "done", "held", "notice", "room_state", "alert", "report", "hold",
  // Discharge: a cohort member has moved on (never why).
  "moved_on",
]);

/** A held message's state, as the hold queue sees it. */
export const HOLD_STATES = Object.freeze(["held", "approved", "rejected"]);

// `removed`: a facilitator took the message down (a tombstone with `removed: true`).
export const EVENT_KINDS = Object.freeze(["posted", "edited", "deleted", "reacted", "removed"]);

/** What the assessment can flag, in the order facilitators read them. */
export const LABELS = Object.freeze([
  "crisis", "relapse_risk", "contact_info", "substance_acquisition", "harassment",
]);

/** A room policy's actions, weakest first. */
export const POLICY_ACTIONS = Object.freeze(["deliver", "deliver_and_alert", "hold", "block"]);

/** Facilitator actions carried by a `moderate` frame. */
export const MOD_ACTIONS = Object.freeze([
  "remove", "mute", "unmute", "remove_member", "suspend", "unsuspend", "lock", "unlock", "slow_mode",
  "approve", "reject", "acknowledge_alert", "handle_report",
]);

export const ErrorCode = Object.freeze({
  BAD_JSON: "bad_json",
  UNKNOWN_TYPE: "unknown_type",
  MISSING_FIELD: "missing_field",
  INVALID_FIELD: "invalid_field",
  FRAME_TOO_LARGE: "frame_too_large",
  TEXT_TOO_LONG: "text_too_long",
  EMPTY_TEXT: "empty_text",
  NOT_MEMBER: "not_member",
  NOT_FOUND: "not_found",
  FORBIDDEN: "forbidden",
  AGREEMENT_REQUIRED: "agreement_required",
  RATE_LIMITED: "rate_limited",
  UNAVAILABLE: "unavailable",
  BLOCKED: "blocked",
  MUTED: "muted",
  ROOM_LOCKED: "room_locked",
  INTERNAL: "internal",
});

export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  SESSION_ENDED: 4001,
});

export class ProtocolError extends Error {}

// ---- client -> server ------------------------------------------------------------

const dump = (obj) => JSON.stringify(obj);

/** @param {Record<string, number>} positions room id -> last event seq held (0 = none) */
export function resumeFrame(positions) {
  const rooms = {};
  for (const [room, seq] of Object.entries(positions)) rooms[String(room)] = Math.max(0, seq | 0);
  return dump({ type: "resume", rooms });
}

export function sendFrame({ ref, room, clientId, text, replyTo = null }) {
  const frame = { type: "send", ref, room, client_id: clientId, text };
  if (replyTo != null) frame.reply_to = replyTo;
  return dump(frame);
}

export function editFrame({ ref, room, message, text }) {
  return dump({ type: "edit", ref, room, message, text });
}

export function deleteFrame({ ref, room, message }) {
  return dump({ type: "delete", ref, room, message });
}

export function reactFrame({ ref, room, message, reaction, add }) {
  if (!REACTIONS.includes(reaction)) throw new ProtocolError(`unknown reaction ${reaction}`);
  return dump({ type: "react", ref, room, message, reaction, add: Boolean(add) });
}

export function typingFrame(room) {
  return dump({ type: "typing", room });
}

export function readFrame(room, seq) {
  return dump({ type: "read", room, seq });
}

/** "I need help now": ask the server to alert the person's facilitators at once. */
export function helpFrame(ref, room = null) {
  const frame = { type: "help", ref };
  if (room != null) frame.room = room;
  return dump(frame);
}

/** Report a message to the room's facilitators; `reason` is optional. */
export function reportFrame({ ref, room, message, reason = "" }) {
  const frame = { type: "report", ref, room, message };
  if (reason) frame.reason = reason;
  return dump(frame);
}

/** A facilitator action: `fields` are the action's own (room, user, reason, ...). */
export function moderateFrame(ref, action, fields = {}) {
  if (!MOD_ACTIONS.includes(action)) throw new ProtocolError(`unknown action ${action}`);
  const frame = { type: "moderate", ref, action };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && value !== "") frame[key] = value;
  }
  return dump(frame);
}

export function pingFrame(ref) {
  return dump({ type: "ping", ref });
}

/** A new client id: unique per message, at most 64 characters. */
export function newClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- server -> client ------------------------------------------------------------

const isInt = (v) => Number.isInteger(v);
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function need(cond, what) {
  if (!cond) throw new ProtocolError(`bad frame: ${what}`);
}

/** Check a message object's shape; returns it unchanged. */
export function checkMessage(m) {
  need(isObj(m), "message");
  need(isInt(m.seq), "message.seq");
  need(isObj(m.author) && isInt(m.author.id) && typeof m.author.name === "string", "author");
  need(m.text === null || typeof m.text === "string", "message.text");
  need(typeof m.sent_at === "string", "message.sent_at");
  need(m.reply_to === null || m.reply_to === undefined || isObj(m.reply_to), "reply_to");
  need(m.reactions === undefined || isObj(m.reactions), "reactions");
  need(m.card == null || (isObj(m.card) && typeof m.card.kind === "string"), "message.card");
  return m;
}

/**
 * Parse one text frame from the server.
 * @returns {object} the frame object, with `type` one of SERVER_TYPES
 * @throws {ProtocolError} on bad JSON, an unknown type, or a malformed frame
 */
export function parse(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    throw new ProtocolError("bad frame: not JSON");
  }
  need(isObj(frame), "not an object");
  need(SERVER_TYPES.includes(frame.type), `unknown type ${String(frame.type)}`);
  switch (frame.type) {
    case "welcome":
      need(isObj(frame.user) && isInt(frame.user.id), "welcome.user");
      need(Array.isArray(frame.rooms), "welcome.rooms");
      break;
    case "event":
      need(isInt(frame.room) && isInt(frame.seq), "event room/seq");
      need(EVENT_KINDS.includes(frame.kind), "event.kind");
      checkMessage(frame.message);
      break;
    case "ack":
      need(isInt(frame.room) && isInt(frame.seq), "ack room/seq");
      break;
    case "caught_up":
      need(isInt(frame.room) && isInt(frame.seq), "caught_up");
      break;
    case "resync":
      need(isInt(frame.room) && isInt(frame.latest_seq), "resync");
      break;
    case "presence":
      need(isInt(frame.room) && Array.isArray(frame.online), "presence");
      break;
    case "typing":
      need(isInt(frame.room) && isObj(frame.user), "typing");
      break;
    case "read":
      need(isInt(frame.room) && isInt(frame.seq), "read");
      break;
    case "error":
      need(typeof frame.code === "string", "error.code");
      break;
    case "held":
      need(typeof frame.client_id === "string", "held.client_id");
      break;
    case "notice":
      need(typeof frame.kind === "string", "notice.kind");
      if (frame.kind === "joined") {
        need(isObj(frame.room) && isInt(frame.room.id) && typeof frame.room.name === "string",
          "notice.room");
      }
      break;
    case "room_state":
      need(isInt(frame.room), "room_state.room");
      break;
    case "alert":
      need(isObj(frame.alert) && isInt(frame.alert.id) && isInt(frame.alert.room), "alert");
      need(isObj(frame.alert.subject), "alert.subject");
      break;
    case "report":
      need(isObj(frame.report) && isInt(frame.report.id) && isInt(frame.report.room), "report");
      break;
    case "hold":
      need(isObj(frame.hold) && isInt(frame.hold.id) && isInt(frame.hold.room), "hold");
      // Any state but "held" means it left the queue.
      need(typeof frame.hold.state === "string", "hold.state");
      need(isObj(frame.hold.author), "hold.author");
      break;
    default:
      break;
  }
  return frame;
}
