// Boot and routing: which screen shows, and the session's lifetime.
//
// Owns: the App (one store, one socket per session), the views (login, enrol, room,
// settings, staff, facilitator panel) chosen from the path and hash, the status line,
// the "I need help now" dialog, personal notices, announcements of new messages, the
// urgent-alert cue for facilitators (badge, sound, assertive announcement), and
// notifications. Screens are built by view.js, room.js and panel.js; the network is
// api.js and socket.js; what facilitators look after is facilitation.js.

import { api } from "./api.js";
import { Store, forgetSends } from "./store.js";
import { Socket, SocketState } from "./socket.js";
import { RoomView } from "./room.js";
import { Facilitation } from "./facilitation.js";
import { FacilitatorPanel } from "./panel.js";
import { recordsSection } from "./records.js";
import * as V from "./view.js";
import * as notify from "./notify.js";
import * as sound from "./sound.js";
import * as security from "./security.js";
import * as privacy from "./privacy.js";
import { dischargeSection } from "./discharge.js";
import * as alumni from "./alumni.js";

const ROOM_KEY = "hearth.room";
const isStaff = (p) => p && (p.role === "admin" || p.role === "facilitator");

const STATUS_TEXT = {
  [SocketState.CONNECTING]: "Connecting…",
  [SocketState.OPEN]: "Connected",
  [SocketState.ENDED]: "Signed out",
};

class App {
  constructor() {
    this.main = document.getElementById("main");
    this.nav = document.getElementById("nav");
    this.statusEl = document.getElementById("status");
    this.statusText = document.getElementById("status-text");
    this.statusLive = document.getElementById("status-live");
    this.announcer = document.getElementById("announcer");
    this.urgentAnnouncer = document.getElementById("urgent-announcer");
    this.facilitation = null;
    this.panel = null;
    this.panelLink = null;
    this.store = new Store();
    this.socket = null;
    this.profile = null;
    this.view = null;
    this.roomView = null;
    this.agreementOpen = new Set();
    this.lastStatus = null;
    this.menuOpen = false; // the top bar's menu, on a phone
    this.navToggle = null;
    this.navMenu = null;
    this.alumniInvited = false; // a client invited to a mentoring room
    this.alumniNews = 0; // bumped by every answer or notice about it: the latest one wins
  }

  async boot() {
    this.setupHelp();
    this.setupNav();
    // Browsers allow sound only after the person has interacted with the page.
    const wake = () => {
      if (this.facilitation && this.facilitation.active) sound.unlock();
    };
    document.addEventListener("pointerdown", wake, { capture: true });
    document.addEventListener("keydown", wake, { capture: true });
    window.addEventListener("hashchange", () => this.route());
    this.store.addEventListener("change", (e) => this.storeChanged(e.detail || {}));
    const invite = location.pathname.match(/^\/invite\/([^/?#]+)/);
    if (invite) {
      await this.showEnrol(decodeURIComponent(invite[1]));
      return;
    }
    await this.resumeSession();
  }

  async resumeSession() {
    try {
      const { user } = await api.me();
      this.startSession(user);
    } catch (err) {
      if (err.status === 401) this.showLogin();
      else this.show("offline", V.offlineScreen({ onRetry: () => this.resumeSession() }));
    }
  }

  // ---- the help dialog ----------------------------------------------------------------

  setupHelp() {
    const dialog = document.getElementById("help-dialog");
    this.helpDialog = dialog;
    V.wireDialogCloseButtons(dialog);
    document.getElementById("help-button").addEventListener("click", () => this.openHelp());
    const alertButton = document.getElementById("help-alert-button");
    const alertStatus = document.getElementById("help-alert-status");
    alertButton.addEventListener("click", async () => {
      if (!this.socket) return;
      alertButton.disabled = true;
      alertStatus.textContent = "Letting your facilitators know…";
      try {
        const room = this.view === "room" && this.roomView ? this.roomView.roomId : null;
        const done = await this.socket.help(room);
        if (!done || !done.alerted) {
          // No group of theirs has a facilitator to alert: never claim someone was told.
          alertStatus.textContent = "There is no facilitator we can alert from your account right now. Please call or text 988 now, or call your program.";
          alertButton.disabled = false;
          return;
        }
        // Told once is enough: another tap would raise another round of urgent alerts.
        alertButton.disabled = true;
        alertStatus.textContent = "Your facilitators have been told. Someone will reach out as soon as they can. If you are in danger now, call or text 988.";
      } catch {
        alertStatus.textContent = "We couldn’t reach your facilitators just now. Please call or text 988.";
        alertButton.disabled = false;
      }
    });
    api.config().then((config) => {
      const line = config && config.crisis && config.crisis.after_hours;
      if (!line) return;
      const digits = String(line).replace(/[^0-9+]/g, "");
      if (!digits) return;
      const link = document.getElementById("help-after-hours-link");
      link.setAttribute("href", V.safeHref(`tel:${digits}`));
      link.textContent = `Call ${line}`;
      document.getElementById("help-after-hours").hidden = false;
    }).catch(() => {
      // 988 is in the page already; the after-hours line is a bonus.
    });
  }

  openHelp(resources = null) {
    const line = resources && resources.after_hours;
    if (line) {
      const digits = String(line).replace(/[^0-9+]/g, "");
      if (digits) {
        const link = document.getElementById("help-after-hours-link");
        link.setAttribute("href", V.safeHref(`tel:${digits}`));
        link.textContent = `Call ${line}`;
        document.getElementById("help-after-hours").hidden = false;
      }
    }
    const signedIn = Boolean(this.socket && this.socket.transmitOk());
    document.getElementById("help-alert").hidden = !signedIn;
    // Already open (the server's crisis_help notice comes before its answer to "Ask my
    // facilitator"): keep the request's button and status as they are.
    if (this.helpDialog.open) return;
    document.getElementById("help-alert-button").disabled = false;
    document.getElementById("help-alert-status").textContent = "";
    V.openDialog(this.helpDialog);
  }

  /** Personal notices from the server: crisis help, review decisions, mutes. */
  notice(frame) {
    const say = (text, tone) => { if (this.roomView && this.view === "room") this.roomView.say(text, tone); };
    const why = frame.reason ? ` Reason: ${frame.reason}` : "";
    switch (frame.kind) {
      case "crisis_help":
        this.openHelp(frame.resources);
        break;
      case "muted":
        // The banner above the composer says until when and why.
        break;
      case "unmuted":
        say("You can post again.", "ok");
        break;
      case "message_removed":
        say(`A facilitator removed one of your messages.${why}`, "info");
        break;
      case "help_seen": {
        const text = `${frame.by || "A facilitator"} has seen your request for help and will reach out. If you are in danger now, call or text 988.`;
        if (this.helpDialog.open) document.getElementById("help-alert-status").textContent = text;
        say(text, "ok");
        if (this.view !== "room") this.announce(text, "help-seen", frame.alert);
        break;
      }
      case "approved":
        say("A facilitator approved your message. It is shared now.", "ok");
        break;
      case "rejected":
        say(`A facilitator decided not to share one of your messages.${frame.note ? ` Their note: ${frame.note}` : ""}`, "info");
        break;
      case "removed_from_room":
        say(`You were removed from a room.${why}`);
        if (this.socket) this.socket.restart();
        break;
      case "break_glass":
      case "break_glass_ended": {
        const text = privacy.breakGlassNotice(frame);
        say(text, "info");
        if (this.view !== "room") this.announce(text, "break-glass", frame.access && frame.access.id);
        break;
      }
      // Discharge and the alumni network.
      case "discharged": {
        this.profile.role = "alum";
        const room = this.store.room(frame.room);
        if (frame.read_only_until && room) {
          room.read_only_until = frame.read_only_until;
          this.store.changed({ room: frame.room, roomState: true });
        } else if (this.socket) {
          this.socket.restart();
        }
        say("You have moved on from your group. Thank you for the work you did here.", "info");
        if (frame.consent) alumni.consentDialog(frame.consent);
        break;
      }
      case "access_ended":
      case "left_room":
      case "room_closed":
      case "moderator":
        if (this.socket) this.socket.restart();
        break;
      case "alumni_invited":
        this.alumniNews += 1;
        this.alumniInvited = true;
        this.renderNav();
        say(`You’re invited to the alumni room “${frame.name}”. Open “Alumni” to join.`, "info");
        break;
      case "report_handled":
        say(`A facilitator ${frame.state === "resolved" ? "has dealt with" : "has seen"} your report. Thank you for speaking up.`
          + (frame.note ? ` Their note: ${frame.note}` : ""), "ok");
        break;
      default:
        break;
    }
  }

  // ---- status line ------------------------------------------------------------------------

  setStatus(state, retryIn = null) {
    document.body.dataset.ws = state;
    this.statusEl.dataset.state = state;
    let text = STATUS_TEXT[state] || "";
    if (state === SocketState.OFFLINE) text = `Offline — reconnecting in ${retryIn ?? 1} s`;
    if (state === "idle") text = "";
    this.statusText.textContent = text;
    if (state !== this.lastStatus) {
      this.lastStatus = state;
      this.statusLive.textContent = state === SocketState.OFFLINE ? "Offline, reconnecting" : text;
    }
  }

  // ---- sessions ----------------------------------------------------------------------------

  startSession(user) {
    this.profile = user;
    this.store.reset();
    this.socket = new Socket({ store: this.store });
    this.socket.addEventListener("status", (e) => this.setStatus(e.detail.state, e.detail.retryIn));
    this.socket.addEventListener("ended", () => this.endSession("Your session ended. Please log in again."));
    this.socket.addEventListener("agreement", (e) => this.askAgreement(e.detail.room));
    this.socket.addEventListener("posted", (e) => this.posted(e.detail.room, e.detail.message));
    this.socket.addEventListener("notice", (e) => this.notice(e.detail));
    this.socket.addEventListener("room_state", (e) => {
      const f = e.detail;
      if (!this.roomView || this.view !== "room" || this.roomView.roomId !== f.room || !f.was) return;
      if (f.locked !== f.was.locked) {
        this.roomView.say(f.locked ? "A facilitator made this room read-only for now." : "The room is open again.", "info");
      } else if (f.slow_mode_seconds !== f.was.slow_mode_seconds) {
        this.roomView.say(f.slow_mode_seconds
          ? `Slow mode: one message every ${f.slow_mode_seconds} s.` : "Slow mode is off.", "info");
      }
    });
    this.facilitation = new Facilitation({ store: this.store, socket: this.socket });
    this.socket.addEventListener("welcome", () => {
      this.renderNav();
      this.facilitation.load();
    });
    this.socket.addEventListener("alert", (e) => this.facilitation.alertFrame(e.detail));
    this.socket.addEventListener("report", (e) => this.facilitation.reportFrame(e.detail));
    this.socket.addEventListener("hold", (e) => this.facilitation.holdFrame(e.detail));
    this.socket.addEventListener("moved_on", (e) => {
      const f = e.detail;
      if (this.profile && f.user.id === this.profile.id) return; // told in their own words
      if (this.roomView && this.view === "room" && this.roomView.roomId === f.room) {
        this.roomView.say(`${f.user.name} has moved on from the group.`, "info");
      }
    });
    this.socket.addEventListener("welcome", () => {
      // What waits for a facilitator, or was declined, survives a reload or a night away.
      api.myHeld().then(({ held }) => this.store.restoreHeld(held)).catch(() => {});
      alumni.maybeAskConsent(this.profile);
      // A current client reaches the alumni screen only when staff invited them there.
      if (this.profile && this.profile.role === "client") {
        // An invitation that arrives while this asks is newer than the answer.
        const asked = ++this.alumniNews;
        api.alumniRooms().then(({ rooms }) => {
          if (asked !== this.alumniNews) return;
          this.alumniInvited = rooms.length > 0;
          this.renderNav();
        }).catch(() => {});
      }
    });
    // A room joined while connected (e.g. a cohort just created): a new room to look after.
    this.socket.addEventListener("joined", (e) => {
      this.renderNav();
      const room = this.store.room(e.detail.room);
      if (room && room.role === "facilitator") this.facilitation.load();
    });
    this.facilitation.addEventListener("change", () => this.updateBadge());
    this.facilitation.addEventListener("urgent", (e) => this.urgentCue(e.detail));
    this.socket.addEventListener("error", (e) => {
      if (this.roomView && this.view === "room") this.roomView.say(e.detail.message || "Something went wrong.");
    });
    this.roomView = new RoomView({ store: this.store, socket: this.socket, profile: this.profile,
      onAgreement: (room) => this.askAgreement(room), onHelp: (r) => this.openHelp(r) });
    this.socket.start();
    this.renderNav();
    this.route();
  }

  endSession(notice = null) {
    if (this.socket) this.socket.stop();
    this.socket = null;
    if (this.roomView) this.roomView.unmount();
    this.roomView = null;
    if (this.panel) this.panel.unmount();
    this.panel = null;
    this.facilitation = null;
    this.panelLink = null;
    this.profile = null;
    this.alumniInvited = false;
    this.store.reset();
    V.clear(this.announcer);
    this.setStatus("idle");
    this.menuOpen = false;
    this.renderNav();
    sessionStorage.removeItem(ROOM_KEY);
    forgetSends(); // the next person to sign in here is someone else, perhaps
    history.replaceState(null, "", "/");
    this.showLogin(notice);
  }

  async logout() {
    if (this.socket) this.socket.stop();
    try {
      await api.logout();
    } catch {
      // The cookie may be gone already; either way we are logged out here.
    }
    this.endSession("You are logged out.");
  }

  // ---- routing ---------------------------------------------------------------------------

  show(view, node, focus = true) {
    if (this.view === "room" && view !== "room" && this.roomView) this.roomView.unmount();
    if (this.view === "panel" && view !== "panel" && this.panel) this.panel.unmount();
    this.view = view;
    document.body.dataset.view = view;
    V.mount(this.main, node);
    this.renderNav();
    if (focus) {
      const target = this.main.querySelector("h1");
      if (target) {
        target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      }
    }
  }

  route() {
    if (!this.profile) return;
    const hash = location.hash;
    if (hash === "#/settings") {
      this.showSettings();
    } else if (hash === "#/staff" && isStaff(this.profile)) {
      this.showStaff();
    } else if (hash === "#/alumni") {
      this.show("alumni", alumni.alumniScreen({ profile: this.profile, store: this.store, socket: this.socket,
        onOpen: (room) => { location.hash = `#/room/${room}`; } }));
    } else if (hash === "#/facilitate" && this.facilitation && this.facilitation.active) {
      this.showPanel();
    } else {
      const m = hash.match(/^#\/room\/(\d+)(?:\/m\/(\d+))?$/);
      this.showRoom(m ? Number(m[1]) : null, m && m[2] ? Number(m[2]) : null);
    }
  }

  /**
   * The top bar's links. Staff have more places than fit a phone: there Chat, Settings
   * and Staff fold into a "Menu" disclosure (style.css shows the toggle on narrow
   * screens only); the facilitator link and its alert badge, and "I need help now", stay
   * in the bar. Rebuilt on every screen change, keeping the menu state and the focus.
   */
  renderNav() {
    const active = document.activeElement;
    const refocus = active && this.nav.contains(active) ? active.dataset.navKey : null;
    V.clear(this.nav);
    this.nav.classList.remove("has-menu", "open");
    this.navToggle = null;
    this.navMenu = null;
    if (!this.profile) return;
    const here = (v) => (this.view === v ? "page" : null);
    const link = (key, href, text, view) => V.h("a", { href, class: "nav-link", text,
      data: { navKey: key }, attrs: { "aria-current": here(view) } });
    const links = [link("chat", "#/", "Chat", "room"), link("settings", "#/settings", "Settings", "settings")];
    if (isStaff(this.profile)) links.push(link("staff", "#/staff", "Staff", "staff"));
    // The alumni network: alumni, admins, and staff of an alumni room.
    const alumniStaff = [...this.store.rooms.values()].some((r) => r.kind === "alumni");
    if (["admin", "alum"].includes(this.profile.role) || alumniStaff || this.alumniInvited) {
      links.push(link("alumni", "#/alumni", "Alumni", "alumni"));
    }
    this.panelLink = null;
    if (this.facilitation && this.facilitation.active) {
      this.panelBadge = V.h("span", { class: "badge alert-badge", attrs: { "aria-hidden": "true" } });
      this.panelLabel = V.h("span", { class: "visually-hidden" });
      this.panelLink = V.h("a", { href: "#/facilitate", class: "nav-link panel-link",
        data: { navKey: "panel" }, attrs: { "aria-current": here("panel") } },
      // Visible words (a shorter pair on the narrowest phones), both inside the name.
      V.h("span", { class: "label-long", text: "Facilitator", attrs: { "aria-hidden": "true" } }),
      V.h("span", { class: "label-short", text: "Tools", attrs: { "aria-hidden": "true" } }),
      this.panelLabel, this.panelBadge);
    }
    if (isStaff(this.profile)) {
      this.nav.classList.add("has-menu");
      this.nav.classList.toggle("open", this.menuOpen);
      this.navToggle = V.h("button", { type: "button", class: "nav-toggle", data: { navKey: "menu" },
        attrs: { "aria-expanded": String(this.menuOpen), "aria-controls": "nav-menu" },
        on: { click: () => this.setMenu(!this.menuOpen) } },
      "Menu", V.h("span", { class: "nav-toggle-icon", attrs: { "aria-hidden": "true" } }));
      this.navMenu = V.h("div", { class: "nav-menu", id: "nav-menu" }, links);
      this.nav.append(this.navToggle, this.navMenu);
    } else {
      this.nav.append(...links);
    }
    if (this.panelLink) {
      this.nav.appendChild(this.panelLink);
      this.updateBadge();
    }
    if (refocus) {
      const target = this.nav.querySelector(`[data-nav-key="${refocus}"]`);
      if (target && target.getClientRects().length) target.focus();
      else if (this.navToggle) this.navToggle.focus();
    }
  }

  /** The top bar's menu is folded away (a phone) rather than laid out in the bar. */
  menuFolds() {
    return Boolean(this.navToggle && this.navToggle.getClientRects().length);
  }

  setMenu(open, focus = null) {
    this.menuOpen = open;
    if (!this.navToggle) return;
    this.nav.classList.toggle("open", open);
    this.navToggle.setAttribute("aria-expanded", String(open));
    if (focus === "toggle") this.navToggle.focus();
    if (focus === "first" && open) this.navMenu.querySelector("a").focus();
  }

  /** Escape closes the menu; arrow keys move through it (the disclosure pattern). */
  navKey(e) {
    if (!this.menuFolds()) return;
    const items = [...this.navMenu.querySelectorAll("a")];
    const i = items.indexOf(document.activeElement);
    if (e.key === "Escape" && this.menuOpen) {
      e.preventDefault();
      this.setMenu(false, "toggle");
    } else if (e.target === this.navToggle && e.key === "ArrowDown") {
      e.preventDefault();
      this.setMenu(true, "first");
    } else if (i >= 0 && ["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) {
      e.preventDefault();
      const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
      items[(next + items.length) % items.length].focus();
    }
  }

  setupNav() {
    this.nav.addEventListener("keydown", (e) => this.navKey(e));
    this.nav.addEventListener("click", (e) => {
      if (e.target.closest(".nav-menu a")) this.setMenu(false);
    });
    // Leaving the menu closes it: focus moving elsewhere, or a press outside it.
    this.nav.addEventListener("focusout", (e) => {
      if (this.menuOpen && e.relatedTarget && !this.nav.contains(e.relatedTarget)) this.setMenu(false);
    });
    document.addEventListener("pointerdown", (e) => {
      if (this.menuOpen && this.navToggle && !this.navToggle.contains(e.target)
        && !this.navMenu.contains(e.target)) this.setMenu(false);
    });
  }

  /** The open-alert count on the top bar; red and pulsing while an urgent one is open. */
  updateBadge() {
    if (!this.panelLink || !this.facilitation) {
      if (this.facilitation && this.facilitation.active && this.profile) this.renderNav();
      return;
    }
    const open = this.facilitation.openCount();
    const urgent = this.facilitation.urgentCount();
    this.panelBadge.textContent = String(open);
    this.panelBadge.hidden = open === 0;
    this.panelBadge.classList.toggle("urgent", urgent > 0);
    this.panelLink.classList.toggle("has-urgent", urgent > 0);
    if (!urgent) this.panelBadge.classList.remove("pulse");
    let label = "Facilitator tools";
    if (open) label += `, ${open} open alert${open === 1 ? "" : "s"}`;
    if (urgent) label += `, ${urgent} urgent`;
    this.panelLabel.textContent = label;
  }

  /** New urgent alerts: a beep (if on), a pulsing badge, and an assertive announcement. */
  urgentCue(alerts) {
    sound.urgentBeep();
    this.updateBadge();
    if (this.panelBadge) this.panelBadge.classList.add("pulse");
    let text = `${alerts.length} urgent alerts are waiting. Open the facilitator tools.`;
    if (alerts.length === 1) {
      const [alert] = alerts;
      const room = this.store.room(alert.room);
      const what = alert.kind === "help" ? "asked for help now" : "may be in crisis";
      text = `Urgent alert: ${alert.subject.name} ${what}${room ? ` in ${room.name}` : ""}. Open the facilitator tools.`;
    }
    this.urgentAnnouncer.textContent = "";
    // A fresh node so screen readers announce a repeat, too.
    setTimeout(() => {
      this.urgentAnnouncer.textContent = text;
    }, 50);
  }

  storeChanged(detail) {
    if (detail.seq != null) {
      const m = this.store.message(detail.room, detail.seq);
      if (m && m.deleted) this.forgetAnnouncement(detail.room, detail.seq);
    }
    if (detail.rooms && this.view === "room" && this.roomView) {
      const current = this.roomView.roomId;
      if (current == null || !this.store.room(current)) this.route();
    }
    this.updateTitle();
  }

  updateTitle() {
    let unread = 0;
    for (const room of this.store.rooms.values()) unread += room.unread || 0;
    const title = unread ? `(${unread}) Hearth` : "Hearth";
    if (document.title !== title) document.title = title;
  }

  showLogin(notice = null) {
    this.show("login", V.loginScreen({
      notice,
      onLogin: async (username, password) => {
        const { user, second_factor: second } = await api.login(username, password);
        if (!second) return this.startSession(user);
        // The password was right; the login waits for a code (security.js).
        return this.show("login", security.secondFactorScreen({
          second,
          onDone: (signedIn) => this.startSession(signedIn),
          onCancel: (why) => this.showLogin(why),
        }));
      },
    }), false);
    const first = this.main.querySelector("input");
    if (first) first.focus();
  }

  async showEnrol(token) {
    let invite = null;
    let error = null;
    try {
      invite = await api.viewInvite(token);
    } catch (err) {
      error = err.status === 410 || err.status === 404
        ? "This invite link has already been used or has expired."
        : err.message;
    }
    this.show("enrol", V.enrolScreen({
      invite, error,
      onEnrol: async (body) => {
        const { user } = await api.redeemInvite(token, body);
        history.replaceState(null, "", "/");
        this.startSession(user);
      },
    }));
  }

  showPanel() {
    if (this.view === "panel" && this.panel && this.panel.root) return;
    const current = this.roomView ? this.roomView.roomId : null;
    if (this.view === "room" && this.roomView) this.roomView.unmount();
    this.panel = new FacilitatorPanel({ facilitation: this.facilitation, store: this.store,
      socket: this.socket, profile: this.profile });
    this.view = "panel";
    document.body.dataset.view = "panel";
    this.panel.mount(this.main, current);
    this.renderNav();
    const h1 = this.main.querySelector("h1");
    if (h1) {
      h1.setAttribute("tabindex", "-1");
      h1.focus({ preventScroll: true });
    }
  }

  showRoom(roomId, focusSeq = null) {
    let id = roomId;
    if (id == null || !this.store.room(id)) {
      const saved = Number(sessionStorage.getItem(ROOM_KEY));
      id = this.store.room(saved) ? saved : (this.store.rooms.keys().next().value ?? null);
    }
    if (id != null) sessionStorage.setItem(ROOM_KEY, String(id));
    const focus = this.view !== "room";
    if (this.view === "panel" && this.panel) this.panel.unmount();
    if (this.view === "room" && this.roomView.roomId === id && this.roomView.root) {
      if (focusSeq != null) this.roomView.focusMessage(focusSeq);
      return;
    }
    this.roomView.focusSeq = focusSeq;
    this.view = "room";
    document.body.dataset.view = "room";
    this.roomView.mount(this.main, id);
    this.renderNav();
    if (focus && id != null) {
      const h1 = this.main.querySelector("h1");
      if (h1) {
        h1.setAttribute("tabindex", "-1");
        h1.focus({ preventScroll: true });
      }
    }
  }

  showSettings() {
    const screen = V.settingsScreen({
      profile: this.profile,
      notifications: { supported: notify.supported(), enabled: notify.enabled() },
      onPrivacy: async (changes) => {
        const { user } = await api.updateMe(changes);
        Object.assign(this.profile, user);
      },
      onNotifications: async (on) => {
        if (on) return notify.enable();
        notify.disable();
        return false;
      },
      onLogout: () => this.logout(),
      onBack: () => { location.hash = "#/"; },
    });
    // The alumni network, for people who have finished treatment.
    if (this.profile.role === "alum") screen.querySelector("form").appendChild(alumni.consentSettings());
    this.show("settings", screen);
    // Two-step sign-in, own records and the disclosure ledger (issue 7).
    const card = this.main.querySelector(".settings");
    if (card) card.lastElementChild.before(security.securitySection(), privacy.privacySection());
  }

  async showStaff() {
    let cohorts = [];
    let facilitators = [];
    try {
      cohorts = (await api.cohorts()).cohorts;
      if (this.profile.role === "admin") {
        facilitators = (await api.staff()).users.filter((u) => u.role === "facilitator");
      }
    } catch (err) {
      this.show("staff", V.h("section", { class: "card narrow" },
        V.h("h1", { text: "Staff tools" }), V.h("p", { text: err.message })));
      return;
    }
    if (location.hash !== "#/staff") return;
    const screen = V.staffScreen({
      profile: this.profile, cohorts, facilitators,
      onCreateCohort: async (body) => {
        const payload = { name: body.name };
        if (body.schedule) payload.schedule = body.schedule; // {time_zone, sessions}
        if (body.facilitators.length) payload.facilitators = body.facilitators;
        // The server tells the live connection (a `joined` notice): no reconnect needed.
        await api.createCohort(payload);
        await this.showStaff();
      },
      onInvite: (cohort) => api.createInvite(cohort),
      onBack: () => { location.hash = "#/"; },
      extra: this.profile.role === "admin" ? recordsSection({ cohorts }) : null,
    });
    screen.insertBefore(dischargeSection({ cohorts }), screen.lastElementChild);
    this.show("staff", screen);
    // Break-glass, lawful disclosure and the privacy logs (issue 7).
    const tools = await privacy.staffPrivacyTools({ profile: this.profile, cohorts });
    const card = this.main.querySelector(".staff");
    if (tools && card && location.hash === "#/staff") card.lastElementChild.before(tools);
  }

  // ---- live events -------------------------------------------------------------------------

  posted(roomId, message) {
    if (!this.profile || message.author.id === this.profile.id) return;
    const room = this.store.room(roomId);
    const viewing = this.view === "room" && this.roomView && this.roomView.roomId === roomId
      && document.visibilityState === "visible";
    if (viewing) this.announce(`${message.author.name}: ${message.text ?? ""}`, roomId, message.seq);
    if (room && room.caughtUp && message.seq > room.read_seq && !(viewing && this.roomView.atBottom())) {
      this.store.setUnread(roomId, (room.unread || 0) + 1);
    }
    if (room && room.caughtUp && !room.notifications_muted) notify.newMessage();
  }

  /** Say a new message politely to screen readers; the words do not linger in the page. */
  announce(text, roomId, seq) {
    const clipped = text.length > 300 ? text.slice(0, 299) + "…" : text;
    const p = V.h("p", { text: clipped, data: { key: `${roomId}-${seq}` } });
    this.announcer.appendChild(p);
    setTimeout(() => p.remove(), 20_000);
    while (this.announcer.childNodes.length > 5) this.announcer.removeChild(this.announcer.firstChild);
  }

  forgetAnnouncement(roomId, seq) {
    for (const p of this.announcer.querySelectorAll("p")) {
      if (p.dataset.key === `${roomId}-${seq}`) p.remove();
    }
  }

  async askAgreement(roomId) {
    if (this.agreementOpen.has(roomId)) return;
    this.agreementOpen.add(roomId);
    try {
      const agreement = await api.agreement(roomId);
      const room = this.store.room(roomId);
      let ok = agreement.accepted >= agreement.version;
      if (!ok) {
        ok = await V.agreementDialog(agreement, (version) => api.acceptAgreement(roomId, version));
      }
      if (ok) {
        if (room) room.agreement = { version: agreement.version, accepted: agreement.version };
        this.socket.retryAgreementFailures(roomId);
      }
    } catch (err) {
      if (this.roomView) this.roomView.say(`Couldn’t load the group agreement: ${err.message}`);
    } finally {
      this.agreementOpen.delete(roomId);
    }
  }
}

const app = new App();
app.boot();
