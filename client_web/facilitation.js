// What a facilitator is looking after: open alerts, reports, and held messages.
//
// Owns: the alerts, reports and hold queues of the rooms the viewer facilitates, loaded
// over REST (on every `welcome`, so nothing missed while offline is lost) and kept live
// from `alert`, `report` and `hold` frames; and the facilitator actions on them (over
// the socket). No DOM: it emits "change" events, and "urgent" with the new urgent alerts
// (one live alert, or all that a load found: one cue, not a burst).

import { api } from "./api.js";

const byUrgencyThenNewest = (a, b) =>
  (b.urgent ? 1 : 0) - (a.urgent ? 1 : 0) || Date.parse(b.created_at) - Date.parse(a.created_at)
  || b.id - a.id;

export class Facilitation extends EventTarget {
  /** @param {{store: import("./store.js").Store, socket: import("./socket.js").Socket}} deps */
  constructor({ store, socket }) {
    super();
    this.store = store;
    this.socket = socket;
    /** @type {Map<number, object>} alert id -> alert */
    this.alerts = new Map();
    /** @type {Map<number, object>} report id -> report */
    this.reports = new Map();
    /** @type {Map<number, object[]>} room id -> held messages, oldest first */
    this.held = new Map();
    /** @type {Map<number, Map<number, object>>} room id -> `hold` frames that arrived
     * while its queue was being read over REST (applied on top of the answer) */
    this.heldLive = new Map();
    /** @type {{alerts: Map<number, object>, reports: Map<number, object>} | null} `alert`
     * and `report` frames that arrived while the lists were being read over REST */
    this.live = null;
    this.loaded = false;
    this.error = null;
    this.loading = null;
  }

  changed(detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  /** True when the viewer facilitates at least one room. */
  get active() {
    return this.store.facilitated().length > 0;
  }

  rooms() {
    return this.store.facilitated();
  }

  roomName(id) {
    const room = this.store.room(id);
    return room ? room.name : `Room ${id}`;
  }

  // ---- loading -------------------------------------------------------------------

  /** Load (or reload) everything; live frames that arrive meanwhile are kept. */
  load() {
    if (!this.active) return Promise.resolve();
    if (this.loading) return this.loading;
    const live = { alerts: new Map(), reports: new Map() };
    this.live = live;
    this.loading = (async () => {
      try {
        const [{ alerts }, { reports }] = await Promise.all([api.alerts(), api.reports()]);
        const open = new Set();
        const missed = [];
        for (const a of alerts) {
          open.add(a.id);
          if (this.putAlert(a) && a.urgent && !a.acknowledged_at) missed.push(a);
        }
        // A frame that came while we asked is newer than the answer; one raised after
        // the answer was read is not in it, yet still open.
        for (const a of live.alerts.values()) this.putAlert(a);
        for (const [id, a] of this.alerts) {
          if (!open.has(id) && !live.alerts.has(id) && !a.acknowledged_at) this.alerts.delete(id);
        }
        this.reports.clear();
        for (const r of reports) this.reports.set(r.id, r);
        for (const r of live.reports.values()) this.reports.set(r.id, r);
        // Raised while this tab was offline or signed out: nobody has been cued yet.
        const unheard = missed.filter((a) => !this.alerts.get(a.id).acknowledged_at);
        if (unheard.length) this.dispatchEvent(new CustomEvent("urgent", { detail: unheard }));
        await Promise.all(this.rooms().map((r) => this.loadHeld(r.id, false)));
        this.loaded = true;
        this.error = null;
      } catch (err) {
        this.error = err.message;
      } finally {
        if (this.live === live) this.live = null;
        this.loading = null;
        this.changed({ all: true });
      }
    })();
    return this.loading;
  }

  async loadHeld(room, notify = true) {
    const live = new Map();
    this.heldLive.set(room, live);
    try {
      const { held } = await api.held(room);
      this.held.set(room, held.filter((x) => x.state === "held"));
      // A hold decided (or added) while we asked wins over the older answer.
      for (const hold of live.values()) this.putHold(hold);
    } catch (err) {
      if (!this.held.has(room)) this.held.set(room, []);
      this.error = err.message;
    } finally {
      if (this.heldLive.get(room) === live) this.heldLive.delete(room);
    }
    if (notify) this.changed({ held: room });
  }

  // ---- live frames -----------------------------------------------------------------

  putAlert(alert) {
    const held = this.alerts.get(alert.id);
    // An acknowledgement comes without the evidence: keep what we were shown.
    const merged = held && !(alert.evidence && alert.evidence.length)
      ? { ...alert, evidence: held.evidence } : alert;
    this.alerts.set(alert.id, merged);
    return !held;
  }

  /** An `alert` frame: new, or acknowledged by someone (deciding a hold answers its alert). */
  alertFrame(alert) {
    if (this.live) this.live.alerts.set(alert.id, alert);
    const isNew = this.putAlert(alert);
    this.changed({ alert: alert.id });
    if (isNew && alert.urgent && !alert.acknowledged_at) {
      this.dispatchEvent(new CustomEvent("urgent", { detail: [alert] }));
    }
  }

  /** Keep one hold in its room's queue while it is held; drop it once decided. */
  putHold(hold) {
    const list = (this.held.get(hold.room) || []).filter((x) => x.id !== hold.id);
    if (hold.state === "held") list.push(hold);
    this.held.set(hold.room, list);
  }

  /** A `hold` frame: a message entered the queue, or someone decided it. */
  holdFrame(hold) {
    const live = this.heldLive.get(hold.room);
    if (live) live.set(hold.id, hold);
    this.putHold(hold);
    this.changed({ held: hold.room });
  }

  reportFrame(report) {
    if (this.live) this.live.reports.set(report.id, report);
    this.reports.set(report.id, report);
    this.changed({ report: report.id });
  }

  // ---- views ---------------------------------------------------------------------------

  openAlerts() {
    return [...this.alerts.values()].filter((a) => !a.acknowledged_at).sort(byUrgencyThenNewest);
  }

  openCount() {
    return this.openAlerts().length;
  }

  urgentCount() {
    return this.openAlerts().filter((a) => a.urgent).length;
  }

  /** Held messages across rooms, oldest first (people are waiting). */
  heldMessages() {
    const out = [];
    for (const list of this.held.values()) out.push(...list);
    return out.sort((a, b) => Date.parse(a.sent_at) - Date.parse(b.sent_at) || a.id - b.id);
  }

  openReports() {
    return [...this.reports.values()].filter((r) => r.state !== "resolved")
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  }

  // ---- actions ---------------------------------------------------------------------------

  async acknowledge(alertId) {
    await this.socket.moderate("acknowledge_alert", { alert: alertId });
    const alert = this.alerts.get(alertId);
    if (alert && !alert.acknowledged_at) {
      alert.acknowledged_at = new Date().toISOString();
      this.changed({ alert: alertId });
    }
  }

  /**
   * Approve or reject a held message. The server answers its alert with it, and tells
   * every facilitator (`hold` and `alert` frames); the queue here updates at once.
   */
  async decide(held, approve, note = "") {
    if (approve) await this.socket.moderate("approve", { held: held.id });
    else await this.socket.moderate("reject", { held: held.id, note });
    this.putHold({ ...held, state: approve ? "approved" : "rejected" });
    this.changed({ held: held.room });
  }

  async handleReport(report, state, note = "") {
    await this.socket.moderate("handle_report", { report: report.id, state, note });
    const held = this.reports.get(report.id);
    if (held) {
      held.state = state;
      held.note = note || held.note;
      this.changed({ report: report.id });
    }
  }
}
