// The room screen: rooms list, who is online, the message list, typing, the composer.
//
// Owns: rendering a room from the store with a keyed reconcile (an element per message
// seq, replaced only when that message changes, so nothing shows twice and scrolling
// stays put), loading history as the person scrolls back, read markers when the latest
// message is in view, and the composer (Enter sends, Shift+Enter breaks a line).
// Everything a person wrote goes in through text nodes (see view.js `h`).

import { h, clear, confirmDialog } from "./view.js";
import { REACTIONS, REACTION_EMOJI } from "./protocol.js";
import { SendState } from "./store.js";
import { api } from "./api.js";

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
  constructor({ store, socket, onAgreement, profile }) {
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
    this.typingTimer = null;
  }

  // ---- mounting ----------------------------------------------------------------------

  mount(container, roomId) {
    this.unmount();
    this.roomId = roomId;
    this.nodes.clear();
    this.openActions = null;
    this.replyTo = null;
    this.editing = null;
    this.build();
    clear(container);
    container.appendChild(this.root);
    this.store.addEventListener("change", this.onChange);
    document.addEventListener("visibilitychange", this.onVisible);
    window.addEventListener("focus", this.onVisible);
    this.typingTimer = setInterval(() => this.renderTyping(), 1000);
    this.renderAll({ bottom: true });
    this.enterRoom();
  }

  unmount() {
    this.store.removeEventListener("change", this.onChange);
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("focus", this.onVisible);
    clearInterval(this.typingTimer);
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
    if (!room.historyLoaded) await this.loadHistory(false);
    this.maybeRead();
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
    this.buildComposer();
    this.main = h("section", { class: "room", attrs: { "aria-labelledby": "room-title" } },
      h("div", { class: "room-header" }, this.title, this.peopleToggle),
      h("div", { class: "scroll-wrap" }, this.scroller, this.jump),
      this.typing,
      this.notice,
      this.composer,
    );
    this.root = h("div", { class: "room-layout" }, this.sidebar, this.main);
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
    this.renderMessages(opts);
    this.renderTyping();
  }

  renderSidebar() {
    this.renderRooms();
    const room = this.room;
    this.title.textContent = room ? room.name : "Your group";
    const online = room ? room.online || [] : [];
    clear(this.onlineList);
    for (const person of online) {
      const me = this.store.user && person.id === this.store.user.id;
      this.onlineList.appendChild(h("li", { class: me ? "me" : null },
        h("span", { class: "presence-dot", attrs: { "aria-hidden": "true" } }),
        me ? `${person.name} (you)` : person.name));
    }
    if (!online.length) this.onlineList.appendChild(h("li", { class: "hint", text: "Nobody else right now" }));
    this.onlineNote.textContent = this.profile.hide_presence ? "You are hidden from this list." : "";
    this.peopleToggle.textContent = `${online.length} online`;
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
      out.push({ key: `m-${m.seq}`, sig: JSON.stringify([m, own, open, editing, q]),
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
      this.historyNote.textContent = this.store.rooms.size ? "" : "Connecting to your group…";
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
        ? h("p", { class: "text tombstone", text: "message deleted" })
        : h("p", { class: "text", text: m.text }),
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
      own ? h("button", { type: "button", class: "button small", text: "Edit", data: { action: "edit", seq: m.seq } }) : null,
      own ? h("button", { type: "button", class: "button small danger", text: "Delete", data: { action: "delete", seq: m.seq } }) : null,
    );
  }

  pendingEl(p) {
    if (p.state === SendState.HELD || p.state === SendState.REJECTED) return this.heldEl(p);
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

  /** A send a facilitator is reviewing (or declined): only its author sees it. */
  heldEl(p) {
    const rejected = p.state === SendState.REJECTED;
    const why = p.error && p.error.message;
    return h("li", { class: ["msg", "own", "held"], data: { clientId: p.clientId, state: p.state } },
      h("div", { class: "bubble" },
        h("p", { class: "meta" }, h("span", { class: "author", text: "You" })),
        h("p", { class: "text", text: p.text }),
        h("p", { class: "send-state" },
          h("span", { text: rejected
            ? `Not posted: a facilitator declined this message.${why ? " " + why : ""}`
            : `Only you can see this for now: a facilitator will review it.${why ? " " + why : ""}` }),
          rejected ? h("button", { type: "button", class: "button small quiet", text: "Dismiss",
            data: { action: "discard", clientId: p.clientId } }) : null)));
  }

  failureText(error) {
    const code = error && error.code;
    if (code === "rate_limited") return "Not sent: you’re sending quickly. Wait a moment, then retry.";
    if (code === "unavailable") return "Not sent: Hearth is busy.";
    if (code === "agreement_required") return "Not sent: please accept the group agreement first.";
    if (code === "text_too_long") return "Not sent: this message is too long.";
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
      case "discard":
        this.socket.discard(button.dataset.clientId);
        this.textarea.focus();
        break;
      default:
        break;
    }
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

  say(text) {
    this.notice.textContent = text;
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
