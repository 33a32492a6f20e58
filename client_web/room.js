// The room screen: rooms list, who is online, the message list, typing, the composer.
//
// Owns: rendering a room from the store with a keyed reconcile (an element per message
// seq, replaced only when that message changes, so nothing shows twice and scrolling
// stays put), loading history as the person scrolls back, read markers when the latest
// message is in view, and the composer (Enter sends, Shift+Enter breaks a line), which
// a lock or a mute disables with the reason. Facilitators also get message and member
// actions (modtools.js) and can read what they removed.
// Everything a person wrote goes in through text nodes (see view.js `h`).

import { h, clear, confirmDialog, showAgreement } from "./view.js";
import { REACTIONS, REACTION_EMOJI } from "./protocol.js";
import { SendState, mutedNow } from "./store.js";
import { api } from "./api.js";
import { reportMessage, removeMessage, memberActions } from "./modtools.js";
import { openCheckin, cardNode } from "./checkin.js";
import { ScheduleStrip } from "./schedule.js";
import { readOnlyBanner, muteToggle } from "./alumni.js";

// While a member cannot post, the way to a facilitator stays named: the help button
// reaches them at once, whatever the room's state.
const REACH_OUT = " If you need a facilitator now, use “I need help now” at the top.";
const NO_GROUP = "You are not in a group right now. Your program can invite you back."
  + " If you need help now, use “I need help now” at the top.";

const BOTTOM_SLACK = 48;
const TOP_LOAD_PX = 160;
const TYPING_EVERY_MS = 3000;

const dayKey = (d) => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;

function dayLabel(d, now = new Date()) {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const that = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const days = Math.round((today - that) / 86400000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  const opts = { weekday: "long", month: "long", day: "numeric" };
  if (d.getFullYear() !== now.getFullYear()) opts.year = "numeric";
  return d.toLocaleDateString(undefined, opts);
}

const timeLabel = (d) => d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });

const codePoints = (s) => [...s].length;

function excerpt(text, n = 80) {
  if (text == null) return null;
  const flat = text.replace(/\s+/g, " ").trim();
  return codePoints(flat) > n ? [...flat].slice(0, n - 1).join("") + "…" : flat;
}

function reactionName(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export class RoomView {
  /**
   * @param {{store: import("./store.js").Store, socket: import("./socket.js").Socket,
   *   onAgreement: (room:number) => Promise<boolean>, profile: object}} deps
   */
  constructor({ store, socket, onAgreement, profile, onHelp = () => {} }) {
    this.onHelp = onHelp;
    this.strip = new ScheduleStrip({ store });
    this.store = store;
    this.socket = socket;
    this.onAgreement = onAgreement;
    this.profile = profile;
    this.roomId = null;
    this.nodes = new Map(); // key -> {el, sig}
    this.openActions = null; // message seq whose action bar is open
    this.replyTo = null;
    this.editing = null;
    this.loading = false;
    this.lastTyping = 0;
    this.lastRead = new Map();
    this.root = null;
    this.onChange = (e) => this.changed(e.detail || {});
    this.onVisible = () => this.maybeRead();
    // Only once welcomed does "no rooms" mean no group rather than not yet connected.
    this.onWelcome = () => this.renderAll({});
    this.typingTimer = null;
    this.muteTimer = null;
    this.originals = new Map(); // removed message seq -> {text} | {error}, facilitators only
    this.roles = new Map(); // user id -> role in this room, for facilitators
    this.focusSeq = null; // a message to bring into view once it is loaded
  }

  /** The viewer facilitates this room. */
  get facilitating() {
    const room = this.room;
    return Boolean(room && room.role === "facilitator");
  }

  /** The viewer moderates this alumni room (removes messages; the server checks). */
  get moderating() {
    const room = this.room;
    return Boolean(room && room.moderator && room.kind === "alumni");
  }

  // ---- mounting ----------------------------------------------------------------------

  mount(container, roomId) {
    this.unmount();
    this.roomId = roomId;
    this.nodes.clear();
    this.openActions = null;
    this.replyTo = null;
    this.editing = null;
    this.originals.clear();
    this.roles.clear();
    this.build();
    clear(container);
    container.appendChild(this.root);
    this.store.addEventListener("change", this.onChange);
    this.socket.addEventListener("welcome", this.onWelcome);
    document.addEventListener("visibilitychange", this.onVisible);
    window.addEventListener("focus", this.onVisible);
    this.typingTimer = setInterval(() => this.renderTyping(), 1000);
    this.renderAll({ bottom: true });
    this.strip.mount(roomId);
    this.enterRoom();
  }

  unmount() {
    this.store.removeEventListener("change", this.onChange);
    this.socket.removeEventListener("welcome", this.onWelcome);
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("focus", this.onVisible);
    clearInterval(this.typingTimer);
    clearTimeout(this.muteTimer);
    this.strip.unmount();
    this.root = null;
  }

  get room() {
    return this.roomId == null ? null : this.store.room(this.roomId);
  }

  async enterRoom() {
    const room = this.room;
    if (!room) return;
    const staff = this.profile.role === "admin" || this.profile.role === "facilitator";
    if (!staff && room.agreement && room.agreement.accepted < room.agreement.version) {
      this.onAgreement(room.id);
    }
    if (this.facilitating) this.loadRoles(room.id);
    if (!room.historyLoaded) await this.loadHistory(false);
    this.maybeRead();
    if (this.focusSeq != null) setTimeout(() => this.focusMessage(this.focusSeq), 0);
  }

  /** Who facilitates here: member actions are for clients only. */
  async loadRoles(roomId) {
    try {
      const { members } = await api.members(roomId);
      if (roomId !== this.roomId) return;
      this.roles = new Map(members.map((m) => [m.id, m.role]));
      this.renderSidebar();
      this.renderMessages({});
    } catch {
      // Without roles the actions still show; the server refuses what it must.
    }
  }

  /** Bring one message into view and focus it ("Go to message" from an alert). */
  async focusMessage(seq) {
    this.focusSeq = seq;
    const room = this.room;
    if (!room || !this.root) return;
    for (let i = 0; i < 10 && !this.store.message(room.id, seq) && room.historyLoaded && room.hasMore; i++) {
      const before = this.store.oldestSeq(room.id);
      if (before == null || before <= seq) break;
      await this.loadHistory(true);
    }
    if (room.id !== this.roomId || !this.root) return;
    const held = this.nodes.get(`m-${seq}`);
    if (!held) {
      if (room.historyLoaded) {
        this.focusSeq = null;
        this.say("That message is not in this room any more.");
      }
      return;
    }
    this.focusSeq = null;
    for (const el of this.list.querySelectorAll(".msg.target")) el.classList.remove("target");
    held.el.classList.add("target");
    held.el.setAttribute("tabindex", "-1");
    held.el.scrollIntoView({ block: "center" });
    held.el.focus({ preventScroll: true });
  }

  build() {
    this.roomsList = h("ul", { class: "rooms" });
    this.onlineList = h("ul", { class: "online" });
    this.onlineNote = h("p", { class: "hint online-note" });
    this.sidebar = h("aside", { class: "sidebar", id: "sidebar", attrs: { "aria-label": "Rooms and people" } },
      h("h2", { class: "side-title", text: "Rooms" }),
      this.roomsList,
      h("h2", { class: "side-title", text: "Online now" }),
      this.onlineList,
      this.onlineNote,
    );
    this.title = h("h1", { class: "room-title", id: "room-title" });
    this.stateLine = h("p", { class: "room-state" });
    this.agreementButton = h("button", { type: "button", class: "button small",
      text: "Agreement", attrs: { "aria-label": "Group agreement" },
      on: { click: () => this.openAgreement() } });
    // The daily check-in, for the group's members (staff see the overview instead).
    this.checkinButton = h("button", { type: "button", class: "button small primary checkin-open",
      text: "Check in", hidden: true,
      on: { click: () => openCheckin({ room: this.roomId, onHelp: this.onHelp }) } });
    this.peopleToggle = h("button", { type: "button", class: "button small people-toggle",
      attrs: { "aria-expanded": "false", "aria-controls": "sidebar" },
      on: { click: () => this.toggleSidebar() } });
    this.loadEarlier = h("button", { type: "button", class: "button small load-earlier",
      text: "Load earlier messages", hidden: true, on: { click: () => this.loadHistory(true) } });
    this.historyNote = h("p", { class: "history-note hint", attrs: { role: "status" } });
    this.list = h("ol", { class: "messages", attrs: { "aria-label": "Messages" },
      on: { click: (e) => this.clicked(e), keydown: (e) => this.listKey(e) } });
    this.scroller = h("div", { class: "scroller", on: { scroll: () => this.scrolled() } },
      this.loadEarlier, this.historyNote, this.list);
    this.jump = h("button", { type: "button", class: "button small jump", hidden: true,
      text: "New messages below", on: { click: () => this.scrollToBottom(true) } });
    this.typing = h("p", { class: "typing", attrs: { "aria-live": "off" } });
    this.notice = h("p", { class: "room-notice", attrs: { role: "status" } });
    this.banner = h("p", { class: "room-banner", id: "room-banner", attrs: { role: "status" } });
    this.buildComposer();
    this.main = h("section", { class: "room", attrs: { "aria-labelledby": "room-title" } },
      h("div", { class: "room-header" }, h("div", { class: "room-heading" }, this.title, this.stateLine),
        this.checkinButton, this.agreementButton, this.muteButton = muteToggle(this.store, () => this.room,
          (text) => this.say(text, "ok")), this.peopleToggle),
      this.strip.el,
      h("div", { class: "scroll-wrap" }, this.scroller, this.jump),
      this.typing,
      this.notice,
      this.banner,
      this.composer,
    );
    this.root = h("div", { class: "room-layout" }, this.sidebar, this.main);
  }

  /** The agreement is pinned to the room: anyone can reread the current version. */
  async openAgreement() {
    try {
      showAgreement(await api.agreement(this.roomId));
    } catch (err) {
      this.say(`Couldn’t load the group agreement: ${err.message}`);
    }
  }

  buildComposer() {
    const limit = this.store.limits.message_chars || 4000;
    this.context = h("div", { class: "composer-context", hidden: true });
    this.textarea = h("textarea", { id: "composer-text", name: "text", rows: 2,
      attrs: { "aria-describedby": "composer-count composer-keys", autocomplete: "off",
        enterkeyhint: "send" },
      on: {
        keydown: (e) => this.composerKey(e),
        input: () => this.composerInput(),
      } });
    this.counter = h("span", { class: "counter", id: "composer-count", text: `0 / ${limit}` });
    this.sendButton = h("button", { type: "submit", class: "button primary send", text: "Send" });
    this.composer = h("form", { class: "composer", attrs: { "aria-label": "Write a message" },
      on: { submit: (e) => { e.preventDefault(); this.submit(); } } },
    this.context,
    h("label", { htmlFor: "composer-text", class: "visually-hidden", text: "Message" }),
    h("div", { class: "composer-main" }, this.textarea, this.sendButton),
    h("div", { class: "composer-row" },
      this.counter,
      h("span", { class: "composer-keys hint", id: "composer-keys",
        text: "Enter to send · Shift+Enter for a new line" })),
    );
  }

  toggleSidebar(force) {
    const open = force ?? !this.sidebar.classList.contains("open");
    this.sidebar.classList.toggle("open", open);
    this.peopleToggle.setAttribute("aria-expanded", String(open));
  }

  // ---- rendering ---------------------------------------------------------------------

  changed(detail) {
    if (!this.root) return;
    if (detail.rooms || detail.presence) this.renderSidebar();
    if (detail.rooms || (detail.roomState && detail.room === this.roomId)) this.renderComposerState();
    if (detail.room !== undefined && detail.room !== this.roomId) {
      this.renderRooms();
      return;
    }
    if (detail.typing) {
      this.renderTyping();
      return;
    }
    if (detail.presence) return;
    if (detail.reset && this.room && !this.room.historyLoaded) {
      this.loadHistory(false);
    }
    this.renderMessages({});
    this.renderTyping();
  }

  renderAll(opts) {
    this.renderSidebar();
    this.renderComposerState();
    this.renderMessages(opts);
    this.renderTyping();
  }

  renderSidebar() {
    this.renderRooms();
    const room = this.room;
    this.title.textContent = room ? room.name : "Your group";
    this.muteButton.update();
    const online = room ? room.online || [] : [];
    clear(this.onlineList);
    const manage = this.facilitating;
    for (const person of online) {
      const me = this.store.user && person.id === this.store.user.id;
      const canAct = manage && !me && this.roles.get(person.id) !== "facilitator";
      this.onlineList.appendChild(h("li", { class: me ? "me" : null },
        h("span", { class: "presence-dot", attrs: { "aria-hidden": "true" } }),
        h("span", { class: "person-name", text: me ? `${person.name} (you)` : person.name }),
        canAct
          ? h("button", { type: "button", class: "button small quiet manage", text: "Manage",
            attrs: { "aria-label": `Member actions for ${person.name}` },
            on: { click: () => this.memberMenu(person) } })
          : null));
    }
    if (!online.length) this.onlineList.appendChild(h("li", { class: "hint", text: "Nobody else right now" }));
    this.onlineNote.textContent = this.profile.hide_presence ? "You are hidden from this list." : "";
    this.peopleToggle.textContent = `${online.length} online`;
    const staff = this.profile.role === "admin" || this.profile.role === "facilitator";
    this.checkinButton.hidden = !room || staff || room.role === "facilitator";
  }

  renderRooms() {
    clear(this.roomsList);
    for (const room of this.store.rooms.values()) {
      const current = room.id === this.roomId;
      this.roomsList.appendChild(h("li", {},
        h("a", { href: `#/room/${room.id}`, class: "room-link",
          attrs: { "aria-current": current ? "page" : null } },
        h("span", { class: "room-name", text: room.name }),
        room.unread > 0 && !current
          ? h("span", { class: "badge", text: String(room.unread),
            attrs: { "aria-label": `${room.unread} unread` } })
          : null)));
    }
  }

  renderTyping() {
    if (!this.root) return;
    const names = this.store.typingNames(this.roomId, Date.now());
    let text = "";
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = "Several people are typing…";
    if (this.typing.textContent !== text) this.typing.textContent = text;
  }

  /** Signed in and connected, yet in no room (removed, or discharged with no alumni
   * rooms): say so, rather than "Connecting…" for ever. */
  withoutGroup() {
    return this.store.rooms.size === 0 && Boolean(this.socket && this.socket.transmitOk());
  }

  /** A lock or a mute disables the composer (for members), saying why and until when. */
  renderComposerState() {
    if (!this.root) return;
    const room = this.room;
    clearTimeout(this.muteTimer);
    const chips = [];
    let banner = "";
    let disabled = false;
    if (room) {
      const staff = room.role === "facilitator";
      if (room.locked) chips.push(h("span", { class: "state-chip", text: "Read-only" }));
      if (room.slow_mode_seconds) {
        chips.push(h("span", { class: "state-chip",
          text: `Slow mode: one message every ${room.slow_mode_seconds} s` }));
      }
      if (staff) {
        if (room.locked) banner = "This room is read-only for members. Facilitators can still post.";
      } else if (mutedNow(room)) {
        const until = new Date(room.muted_until);
        const sameDay = until.toDateString() === new Date().toDateString();
        const at = until.toLocaleString(undefined, sameDay
          ? { hour: "numeric", minute: "2-digit" }
          : { weekday: "long", hour: "numeric", minute: "2-digit" });
        banner = `A facilitator has paused your posting until ${at}.`
          + (room.mute_reason ? ` Reason: ${room.mute_reason}` : "")
          + " You can still read along." + REACH_OUT;
        disabled = true;
        const left = Date.parse(room.muted_until) - Date.now();
        if (left < 2 ** 31) this.muteTimer = setTimeout(() => this.renderComposerState(), left + 500);
      } else if (room.locked) {
        banner = "This room is read-only for now. You can still read along." + REACH_OUT;
        disabled = true;
      }
      // Discharge: a closed cohort, or a member's read-only time after moving on.
      const ended = readOnlyBanner(room);
      if (ended) {
        banner = ended;
        disabled = true;
      }
    } else if (this.withoutGroup()) {
      banner = NO_GROUP;
      disabled = true;
    }
    clear(this.stateLine);
    for (const c of chips) this.stateLine.append(c, " ");
    this.banner.textContent = banner;
    this.banner.classList.toggle("paused", disabled);
    const was = this.textarea.disabled;
    this.textarea.disabled = disabled;
    this.sendButton.disabled = disabled;
    this.textarea.setAttribute("aria-describedby",
      disabled ? "room-banner composer-count" : "composer-count composer-keys");
    if (!disabled && was) this.composerInput();
  }

  /** The ordered keys and builders for everything in the list. */
  items() {
    const out = [];
    const me = this.store.user ? this.store.user.id : null;
    let lastDay = null;
    for (const m of this.store.ordered(this.roomId)) {
      const d = new Date(m.sent_at);
      const dk = dayKey(d);
      if (dk !== lastDay) {
        lastDay = dk;
        out.push({ key: `d-${dk}`, sig: dayLabel(d), build: () => this.dayEl(d) });
      }
      const own = m.author.id === me;
      const open = this.openActions === m.seq;
      const editing = this.editing === m.seq;
      // A reply shows the current state of what it quotes, when we hold it.
      const quoted = m.reply_to ? this.store.message(this.roomId, m.reply_to.seq) : null;
      const q = quoted ? [quoted.deleted, quoted.text] : null;
      const orig = m.removed ? this.originals.get(m.seq) || null : null;
      const act = this.facilitating ? this.roles.get(m.author.id) || "?" : null;
      out.push({ key: `m-${m.seq}`, sig: JSON.stringify([m, own, open, editing, q, orig, act]),
        build: () => this.messageEl(m, own, open, editing) });
    }
    const pending = this.store.pendingFor(this.roomId)
      .filter((p) => !this.hasClientId(p.clientId));
    if (pending.length) {
      const dk = dayKey(new Date());
      if (dk !== lastDay) out.push({ key: `d-${dk}`, sig: "Today", build: () => this.dayEl(new Date()) });
    }
    for (const p of pending) {
      out.push({ key: `p-${p.clientId}`,
        sig: JSON.stringify([p.text, p.state, p.error?.code, p.error?.message, p.replyTo]),
        build: () => this.pendingEl(p) });
    }
    return out;
  }

  hasClientId(clientId) {
    for (const m of (this.store.messages.get(this.roomId) || new Map()).values()) {
      if (m.client_id === clientId) return true;
    }
    return false;
  }

  renderMessages({ bottom = false }) {
    if (!this.root) return;
    const room = this.room;
    const s = this.scroller;
    const wasAtBottom = this.atBottom();
    const prevHeight = s.scrollHeight;
    const anchor = wasAtBottom ? null : this.visibleAnchor();
    const focusKey = this.focusMemo();

    const items = this.items();
    const keep = new Set();
    for (const item of items) {
      keep.add(item.key);
      const held = this.nodes.get(item.key);
      if (held && held.sig === item.sig) continue;
      const el = item.build();
      el.dataset.key = item.key;
      if (held && held.el.parentNode) held.el.replaceWith(el);
      this.nodes.set(item.key, { el, sig: item.sig });
    }
    let ref = this.list.firstChild;
    for (const item of items) {
      const el = this.nodes.get(item.key).el;
      if (el === ref) {
        ref = ref.nextSibling;
        continue;
      }
      this.list.insertBefore(el, ref);
    }
    while (ref) {
      const next = ref.nextSibling;
      this.list.removeChild(ref);
      ref = next;
    }
    for (const key of [...this.nodes.keys()]) if (!keep.has(key)) this.nodes.delete(key);
    this.restoreFocus(focusKey);

    const hasMore = room ? room.hasMore && room.historyLoaded : false;
    this.loadEarlier.hidden = !hasMore;
    if (room && room.historyLoaded && !room.hasMore && items.length) {
      this.historyNote.textContent = "This is the beginning of the conversation.";
    } else if (room && room.historyLoaded && !items.length) {
      this.historyNote.textContent = "No messages yet. Say hello when you’re ready.";
    } else if (!room) {
      this.historyNote.textContent = this.store.rooms.size || this.withoutGroup()
        ? "" : "Connecting to your group…";
    } else {
      this.historyNote.textContent = room.historyLoaded ? "" : "Loading messages…";
    }

    if (bottom || wasAtBottom) {
      this.scrollToBottom(false);
    } else {
      // Whatever arrived above (older history, a taller message), keep what the person
      // was reading where it was.
      if (anchor && anchor.el.isConnected) {
        const shift = anchor.el.getBoundingClientRect().top - anchor.top;
        if (shift) s.scrollTop += shift;
      }
      if (s.scrollHeight > prevHeight && !this.atBottom() && !this.loadedOlder) this.jump.hidden = false;
    }
    this.loadedOlder = false;
    this.maybeRead();
    if (room && room.historyLoaded && room.hasMore && s.scrollHeight <= s.clientHeight + 8) {
      this.loadHistory(true);
    }
  }

  /** The first list item in view, and where it is now. */
  visibleAnchor() {
    const top = this.scroller.getBoundingClientRect().top;
    for (const el of this.list.children) {
      if (el.classList.contains("day")) continue; // separators move between messages
      const r = el.getBoundingClientRect();
      if (r.bottom > top) return { el, top: r.top };
    }
    return null;
  }

  focusMemo() {
    const active = document.activeElement;
    if (!active || !this.list.contains(active)) return null;
    const li = active.closest("li[data-key]");
    if (!li) return null;
    return { key: li.dataset.key, action: active.dataset.action || null,
      reaction: active.dataset.reaction || null, still: active };
  }

  restoreFocus(memo) {
    if (!memo || document.contains(memo.still)) return;
    const held = this.nodes.get(memo.key);
    if (!held) return;
    let sel = memo.action ? `[data-action="${memo.action}"]` : "button";
    if (memo.reaction) sel += `[data-reaction="${memo.reaction}"]`;
    const target = held.el.querySelector(sel) || held.el.querySelector("button");
    if (target) target.focus({ preventScroll: true });
  }

  dayEl(d) {
    return h("li", { class: "day" }, h("span", { text: dayLabel(d) }));
  }

  messageEl(m, own, open, editing) {
    const d = new Date(m.sent_at);
    const name = own ? "You" : m.author.name;
    const classes = ["msg", own && "own", m.deleted && "deleted", editing && "editing"];
    const bubble = h("div", { class: "bubble" },
      h("p", { class: "meta" },
        h("span", { class: "author", text: name }),
        " ",
        h("time", { dateTime: m.sent_at, text: timeLabel(d), attrs: { title: d.toLocaleString() } }),
        m.edited_at && !m.deleted ? h("span", { class: "edited", text: " · edited" }) : null),
      m.reply_to ? this.quoteEl(m.reply_to) : null,
      m.deleted
        ? h("p", { class: "text tombstone", text: m.removed ? "Removed by a facilitator" : "message deleted" })
        : m.card ? cardNode(m, own) : h("p", { class: "text", text: m.text }),
      m.removed && this.facilitating ? this.originalEl(m) : null,
      m.deleted ? null : this.reactionsEl(m),
    );
    const li = h("li", { class: classes, data: { seq: m.seq, author: m.author.id, state: "sent" } },
      bubble);
    if (!m.deleted) {
      li.appendChild(h("button", { type: "button", class: "more",
        data: { action: "more", seq: m.seq },
        attrs: { "aria-expanded": String(open), "aria-label": `Actions for message from ${name}` },
        text: "⋯" }));
      if (open) li.appendChild(this.actionsEl(m, own));
    }
    return li;
  }

  /** For facilitators: what a removed message said, on request (the server logs each read). */
  originalEl(m) {
    const shown = this.originals.get(m.seq);
    if (shown && shown.text != null) {
      return h("div", { class: "original" },
        h("p", { class: "original-label", text: "Original (only facilitators can see this):" }),
        h("p", { class: "text original-text", text: shown.text }),
        h("button", { type: "button", class: "button small quiet", text: "Hide original",
          data: { action: "hide-original", seq: m.seq } }));
    }
    return h("p", { class: "original" },
      shown && shown.error ? h("span", { class: "hint", text: `${shown.error} ` }) : null,
      h("button", { type: "button", class: "button small", text: "Show original",
        data: { action: "original", seq: m.seq } }));
  }

  quoteEl(reply) {
    const who = this.store.user && reply.author.id === this.store.user.id ? "You" : reply.author.name;
    const held = this.store.message(this.roomId, reply.seq);
    if (held) reply = { ...reply, excerpt: held.deleted ? null : excerpt(held.text, 120) };
    return h("blockquote", { class: "quote", data: { replySeq: reply.seq } },
      h("span", { class: "quote-author", text: `Replying to ${who}` }),
      h("span", { class: "quote-text", text: reply.excerpt == null ? "message deleted" : reply.excerpt }));
  }

  reactionsEl(m) {
    const me = this.store.user ? this.store.user.id : null;
    const chips = [];
    for (const name of REACTIONS) {
      const who = (m.reactions && m.reactions[name]) || [];
      if (!who.length) continue;
      const mine = who.includes(me);
      chips.push(h("button", { type: "button", class: "chip",
        data: { action: "react", reaction: name, seq: m.seq },
        attrs: { "aria-pressed": String(mine),
          "aria-label": `${reactionName(name)}: ${who.length}${mine ? ", including you" : ""}` } },
      h("span", { class: "emoji", attrs: { "aria-hidden": "true" }, text: REACTION_EMOJI[name] }),
      h("span", { class: "count", attrs: { "aria-hidden": "true" }, text: String(who.length) })));
    }
    return chips.length ? h("div", { class: "reactions" }, chips) : null;
  }

  actionsEl(m, own) {
    const me = this.store.user ? this.store.user.id : null;
    return h("div", { class: "actions", attrs: { role: "group", "aria-label": "Message actions" } },
      h("button", { type: "button", class: "button small", text: "Reply", data: { action: "reply", seq: m.seq } }),
      h("span", { class: "react-set" },
        REACTIONS.map((name) => {
          const mine = ((m.reactions && m.reactions[name]) || []).includes(me);
          return h("button", { type: "button", class: "react-pick",
            data: { action: "react", reaction: name, seq: m.seq },
            attrs: { "aria-pressed": String(mine), "aria-label": `React with ${name}` },
            text: REACTION_EMOJI[name] });
        })),
      own && !m.card ? h("button", { type: "button", class: "button small", text: "Edit", data: { action: "edit", seq: m.seq } }) : null,
      own ? h("button", { type: "button", class: "button small danger", text: "Delete", data: { action: "delete", seq: m.seq } }) : null,
      !own && !this.facilitating
        ? h("button", { type: "button", class: "button small", text: "Report", data: { action: "report", seq: m.seq } })
        : null,
      !own && (this.facilitating || this.moderating)
        ? h("button", { type: "button", class: "button small danger", text: "Remove", data: { action: "remove", seq: m.seq } })
        : null,
      !own && this.facilitating && this.roles.get(m.author.id) !== "facilitator"
        ? h("button", { type: "button", class: "button small", text: `Member: ${m.author.name}…`,
          data: { action: "member", seq: m.seq } })
        : null,
    );
  }

  pendingEl(p) {
    if (p.state === SendState.HELD || p.state === SendState.REJECTED || p.state === SendState.BLOCKED) {
      return this.heldEl(p);
    }
    const failed = p.state === SendState.FAILED;
    const reply = p.replyTo ? this.store.message(this.roomId, p.replyTo) : null;
    return h("li", { class: ["msg", "own", failed ? "failed" : "pending"],
      data: { clientId: p.clientId, state: failed ? "failed" : "pending" } },
    h("div", { class: "bubble" },
      h("p", { class: "meta" }, h("span", { class: "author", text: "You" })),
      reply ? this.quoteEl({ seq: reply.seq, author: reply.author, excerpt: excerpt(reply.text) }) : null,
      h("p", { class: "text", text: p.text }),
      failed
        ? h("p", { class: "send-state" },
          h("span", { text: this.failureText(p.error) + " " }),
          h("button", { type: "button", class: "button small", text: "Retry",
            data: { action: "retry", clientId: p.clientId } }),
          " ",
          h("button", { type: "button", class: "button small quiet", text: "Discard",
            data: { action: "discard", clientId: p.clientId } }))
        : h("p", { class: "send-state", text: "Sending…" })));
  }

  /**
   * A send a facilitator is reviewing, declined, or the room's policy stopped: only its
   * author sees it. Held: "Waiting for a facilitator" and why. Rejected: "Not shared" with
   * the facilitator's note. Blocked: "Not shared" and why; no retry (it would be blocked
   * again), only Dismiss.
   */
  heldEl(p) {
    const waiting = p.state === SendState.HELD;
    const why = p.error && p.error.message;
    let detail;
    if (waiting) detail = why || "A facilitator will read it before it is shared.";
    else if (p.state === SendState.REJECTED) detail = why ? `A facilitator’s note: ${why}` : "A facilitator decided not to share it.";
    else detail = why || "It breaks the group agreement.";
    return h("li", { class: ["msg", "own", "held", waiting ? "waiting" : "not-shared"],
      data: { clientId: p.clientId, state: p.state } },
    h("div", { class: "bubble" },
      h("p", { class: "meta" }, h("span", { class: "author", text: "You" }),
        h("span", { class: "only-you", text: " · only you can see this" })),
      h("p", { class: "text", text: p.text }),
      h("div", { class: "send-state held-state" },
        h("p", { class: "held-title", text: waiting ? "Waiting for a facilitator" : "Not shared" }),
        h("p", { class: "held-why", text: detail }),
        waiting ? null : h("button", { type: "button", class: "button small quiet", text: "Dismiss",
          data: { action: "discard", clientId: p.clientId } }))));
  }

  failureText(error) {
    const code = error && error.code;
    if (code === "rate_limited") return "Not sent: you’re sending quickly. Wait a moment, then retry.";
    if (code === "unavailable") return "Not sent: Hearth is busy.";
    if (code === "agreement_required") return "Not sent: please accept the group agreement first.";
    if (code === "text_too_long") return "Not sent: this message is too long.";
    if (code === "room_locked") return "Not sent: this room is read-only for now.";
    if (code === "muted") return "Not sent: a facilitator has paused your posting for now.";
    if (code === "timeout") return "Not sent: no answer from Hearth.";
    return error && error.message ? `Not sent: ${error.message}` : "Not sent.";
  }

  // ---- scrolling, history, read markers ------------------------------------------------

  atBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < BOTTOM_SLACK;
  }

  scrollToBottom(focusComposer) {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.jump.hidden = true;
    if (focusComposer) this.textarea.focus();
    this.maybeRead();
  }

  scrolled() {
    if (this.atBottom()) this.jump.hidden = true;
    const room = this.room;
    if (room && room.hasMore && room.historyLoaded && this.scroller.scrollTop < TOP_LOAD_PX) {
      this.loadHistory(true);
    }
    this.maybeRead();
  }

  async loadHistory(older) {
    const room = this.room;
    if (!room || this.loading) return;
    if (older && !room.hasMore) return;
    this.loading = true;
    const roomId = room.id;
    try {
      const before = older ? this.store.oldestSeq(roomId) : null;
      if (older && before == null) return;
      const page = await api.history(roomId, before, 50);
      this.loadedOlder = older;
      this.store.addHistory(roomId, page.messages, page.has_more, { older });
    } catch (err) {
      if (this.roomId === roomId) this.notice.textContent = `Couldn’t load messages: ${err.message}`;
    } finally {
      this.loading = false;
    }
    if (!older && this.roomId === roomId) this.scrollToBottom(false);
  }

  /** Tell the server how far the person has read, when the newest message is in view. */
  maybeRead() {
    const room = this.room;
    if (!room || !this.root || document.visibilityState !== "visible") return;
    if (!this.atBottom() || !room.historyLoaded) return;
    const seq = room.position;
    if (seq > (this.lastRead.get(room.id) || 0) && seq > room.read_seq) {
      if (!this.socket.transmitOk()) return;
      this.socket.read(room.id, seq);
      this.lastRead.set(room.id, seq);
      room.read_seq = seq;
    }
    if (room.unread) this.store.setUnread(room.id, 0);
  }

  // ---- actions -------------------------------------------------------------------------

  clicked(e) {
    const button = e.target.closest("button[data-action]");
    if (!button || !this.list.contains(button)) return;
    const action = button.dataset.action;
    const seq = button.dataset.seq ? Number(button.dataset.seq) : null;
    const m = seq != null ? this.store.message(this.roomId, seq) : null;
    switch (action) {
      case "more":
        this.openActions = this.openActions === seq ? null : seq;
        this.renderMessages({});
        break;
      case "reply":
        this.startReply(m);
        break;
      case "react": {
        if (!m) return;
        const me = this.store.user.id;
        const mine = ((m.reactions && m.reactions[button.dataset.reaction]) || []).includes(me);
        this.socket.react(this.roomId, seq, button.dataset.reaction, !mine)
          .catch((err) => this.say(`Couldn’t react: ${err.message}`));
        break;
      }
      case "edit":
        this.startEdit(m);
        break;
      case "delete":
        this.confirmDelete(m);
        break;
      case "retry":
        this.socket.retry(button.dataset.clientId);
        break;
      case "report":
        this.closeActions();
        if (m) this.act(reportMessage({ socket: this.socket, room: this.roomId, message: m.seq, author: m.author.name }));
        break;
      case "remove":
        this.closeActions();
        if (m) this.act(removeMessage({ socket: this.socket, room: this.roomId, message: m.seq, author: m.author.name }));
        break;
      case "member":
        this.closeActions();
        if (m) this.memberMenu(m.author);
        break;
      case "original":
        this.showOriginal(seq);
        break;
      case "hide-original":
        this.originals.delete(seq);
        this.renderMessages({});
        break;
      case "discard":
        this.socket.discard(button.dataset.clientId);
        this.textarea.focus();
        break;
      default:
        break;
    }
  }

  closeActions() {
    this.openActions = null;
    this.renderMessages({});
  }

  /** Run a moderation dialog; its outcome goes to the status line. */
  async act(dialog) {
    try {
      const said = await dialog;
      if (said) this.say(said, "ok");
    } catch (err) {
      this.say(err.message || "Something went wrong.");
    }
  }

  async memberMenu(user) {
    // Whether they are muted or suspended now decides what the menu offers.
    let state;
    try {
      state = (await api.members(this.roomId)).members.find((m) => m.id === user.id);
    } catch {
      state = undefined; // offline: offer everything, the server knows
    }
    return this.act(memberActions({ socket: this.socket, room: this.roomId, user, state }));
  }

  async showOriginal(seq) {
    const roomId = this.roomId;
    try {
      const shown = await api.original(roomId, seq);
      this.originals.set(seq, { text: shown.text });
    } catch (err) {
      this.originals.set(seq, { error: err.message });
    }
    if (roomId === this.roomId) this.renderMessages({});
  }

  listKey(e) {
    if (e.key === "Escape" && this.openActions != null) {
      const seq = this.openActions;
      this.openActions = null;
      this.renderMessages({});
      const held = this.nodes.get(`m-${seq}`);
      const more = held && held.el.querySelector('[data-action="more"]');
      if (more) more.focus();
    }
  }

  say(text, tone = "alert") {
    this.notice.textContent = text;
    this.notice.dataset.tone = tone;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { if (this.notice) this.notice.textContent = ""; }, 8000);
  }

  setContext(label, text, onCancel) {
    clear(this.context);
    if (!label) {
      this.context.hidden = true;
      return;
    }
    this.context.hidden = false;
    this.context.append(
      h("span", { class: "context-label" }, h("strong", { text: label }), text ? " " : null,
        text ? h("span", { class: "context-text", text }) : null),
      h("button", { type: "button", class: "button small quiet", text: "Cancel",
        on: { click: onCancel } }),
    );
  }

  startReply(m) {
    if (!m) return;
    this.cancelEdit(false);
    this.replyTo = m.seq;
    const who = m.author.id === this.store.user.id ? "yourself" : m.author.name;
    this.setContext(`Replying to ${who}:`, excerpt(m.text, 60), () => this.cancelReply());
    this.openActions = null;
    this.renderMessages({});
    this.textarea.focus();
  }

  cancelReply() {
    this.replyTo = null;
    this.setContext(null);
    this.textarea.focus();
  }

  startEdit(m) {
    if (!m || m.deleted) return;
    this.replyTo = null;
    this.editing = m.seq;
    this.openActions = null;
    this.textarea.value = m.text;
    this.setContext("Editing your message", null, () => this.cancelEdit(true));
    this.sendButton.textContent = "Save";
    this.renderMessages({});
    this.composerInput();
    this.textarea.focus();
  }

  cancelEdit(focus) {
    if (this.editing == null) return;
    this.editing = null;
    this.textarea.value = "";
    this.sendButton.textContent = "Send";
    this.setContext(null);
    this.renderMessages({});
    this.composerInput();
    if (focus) this.textarea.focus();
  }

  async confirmDelete(m) {
    if (!m) return;
    const ok = await confirmDialog({ title: "Delete this message?",
      text: "The group will see that a message was deleted, but not what it said.",
      confirm: "Delete" });
    if (!ok) return;
    this.openActions = null;
    try {
      await this.socket.remove(this.roomId, m.seq);
    } catch (err) {
      this.say(`Couldn’t delete: ${err.message}`);
    }
  }

  // ---- composer ------------------------------------------------------------------------

  composerKey(e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === "Escape") {
      if (this.editing != null) this.cancelEdit(true);
      else if (this.replyTo != null) this.cancelReply();
    }
  }

  composerInput() {
    const limit = this.store.limits.message_chars || 4000;
    const n = codePoints(this.textarea.value);
    this.counter.textContent = `${n} / ${limit}`;
    this.counter.classList.toggle("near", n > limit * 0.9 && n <= limit);
    this.counter.classList.toggle("over", n > limit);
    this.sendButton.disabled = n > limit;
    if (n > limit) this.counter.textContent = `${n} / ${limit} (too long by ${n - limit})`;
    const now = Date.now();
    if (n > 0 && this.editing == null && now - this.lastTyping > TYPING_EVERY_MS) {
      this.lastTyping = now;
      this.socket.typing(this.roomId);
    }
  }

  async submit() {
    const text = this.textarea.value;
    const limit = this.store.limits.message_chars || 4000;
    if (!text.trim() || this.roomId == null) return;
    if (codePoints(text) > limit) {
      this.say(`A message holds at most ${limit} characters.`);
      return;
    }
    if (this.editing != null) {
      const seq = this.editing;
      try {
        await this.socket.edit(this.roomId, seq, text);
        this.cancelEdit(true);
      } catch (err) {
        this.say(`Couldn’t save the edit: ${err.message}`);
      }
      return;
    }
    this.socket.sendMessage(this.roomId, text, this.replyTo);
    this.textarea.value = "";
    this.replyTo = null;
    this.setContext(null);
    this.composerInput();
    this.lastTyping = 0;
    this.scrollToBottom(false);
  }
}
