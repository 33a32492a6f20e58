// What a facilitator is looking after: open alerts, reports, and held messages.
//
// Owns: the alerts, reports and hold queues of the rooms the viewer facilitates, loaded
// over REST (on every `welcome`, so nothing missed while offline is lost) and kept live
// from `alert` and `report` frames; and the facilitator actions on them (over the
// socket). No DOM: it emits "change" events, and "urgent" for a new urgent alert.

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
    this.loading = (async () => {
      try {
        const [{ alerts }, { reports }] = await Promise.all([api.alerts(), api.reports()]);
        const open = new Set();
        for (const a of alerts) {
          open.add(a.id);
          this.putAlert(a);
        }
        for (const [id, a] of this.alerts) if (!open.has(id) && !a.acknowledged_at) this.alerts.delete(id);
        this.reports.clear();
        for (const r of reports) this.reports.set(r.id, r);
        await Promise.all(this.rooms().map((r) => this.loadHeld(r.id, false)));
        this.loaded = true;
        this.error = null;
      } catch (err) {
        this.error = err.message;
      } finally {
        this.loading = null;
        this.changed({ all: true });
      }
    })();
    return this.loading;
  }

  async loadHeld(room, notify = true) {
    try {
      const { held } = await api.held(room);
      this.held.set(room, held.filter((x) => x.state === "held"));
    } catch (err) {
      this.held.set(room, []);
      this.error = err.message;
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

  /** An `alert` frame: new, or acknowledged by someone. */
  alertFrame(alert) {
    const isNew = this.putAlert(alert);
    if (alert.kind === "held") this.loadHeld(alert.room);
    this.changed({ alert: alert.id });
    if (isNew && alert.urgent && !alert.acknowledged_at) {
      this.dispatchEvent(new CustomEvent("urgent", { detail: alert }));
    }
  }

  reportFrame(report) {
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

  /** Approve or reject a held message; its open alert is answered with it. */
  async decide(held, approve, note = "") {
    if (approve) await this.socket.moderate("approve", { held: held.id });
    else await this.socket.moderate("reject", { held: held.id, note });
    const list = this.held.get(held.room) || [];
    this.held.set(held.room, list.filter((x) => x.id !== held.id));
    this.changed({ held: held.room });
    for (const alert of this.openAlerts()) {
      if (alert.held === held.id) {
        try {
          await this.acknowledge(alert.id);
        } catch {
          // The alert stays in the list; it can be acknowledged by hand.
        }
      }
    }
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
