// Your records and who received them; break-glass and lawful disclosure for admins.
//
// Owns: downloads of exports (fetched, then saved from a blob: never opened in this
// page), the disclosure ledger a member reads in Settings, and the admin tools on the
// Staff screen: break-glass with a stated reason (read-only, time-boxed), disclosure
// exports with recipient and purpose, and the logs privacy officers read. Text only.

import { api, ApiError } from "./api.js";
import { h, field, formMessage } from "./view.js";

function filename(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(header);
  return match ? match[1] : fallback;
}

/** Fetch a document and hand it to the browser as a download. */
async function download(path, init = {}, fallback = "hearth-records") {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...init });
  } catch {
    throw new ApiError(0, "network", "We can't reach Hearth right now. Please try again.");
  }
  if (!response.ok) {
    let err = {};
    try {
      err = (await response.json()).error || {};
    } catch {
      err = {};
    }
    throw new ApiError(response.status, err.code || `http_${response.status}`,
      err.message || "Something went wrong. Please try again.");
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = h("a", { attrs: { href: url, download: filename(response, fallback) }, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

function ledgerItem(d) {
  const what = d.what.type === "room" ? `the records of room “${d.what.name}”` : `the records of ${d.what.name}`;
  return h("li", { class: "ledger-entry" },
    h("p", {}, h("strong", { text: when(d.at) }), ` — ${d.by.name} disclosed ${what}`),
    h("p", { text: `To: ${d.recipient}` }),
    h("p", { text: `Why: ${d.purpose}` }));
}

/** Settings: download my records, and see who received them. */
export function privacySection() {
  const msg = formMessage();
  const button = (label, format) => h("button", { type: "button", class: "button", text: label,
    data: { export: format },
    on: { click: async () => {
      msg.clear();
      try {
        await download(`/api/me/export?format=${format}`, {}, `hearth-my-records.${format}`);
        msg.ok("Your download has started.");
      } catch (err) {
        msg.error(err.message);
      }
    } } });
  const ledger = h("ul", { class: "ledger", attrs: { "aria-label": "Disclosures of your records" } },
    h("li", { class: "hint", text: "Loading…" }));
  api.myDisclosures().then(({ disclosures }) => {
    ledger.replaceChildren(...(disclosures.length
      ? disclosures.map(ledgerItem)
      : [h("li", { class: "hint", text: "Your records have not been disclosed to anyone." })]));
  }).catch((err) => ledger.replaceChildren(h("li", { text: err.message })));
  return h("section", { class: "stack privacy", attrs: { "aria-labelledby": "records-title" } },
    h("h2", { id: "records-title", text: "Your records" }),
    h("p", { text: "Download your messages and account data: as data (JSON), or as a page you can read and print." }),
    h("div", { class: "row" }, button("Download as data (JSON)", "json"), button("Download as a readable page", "html")),
    msg.el,
    h("h3", { text: "Who has received your records" }),
    h("p", { class: "hint", text: "Every time the program discloses records that include yours, it is listed here: who, what, to whom, why and when." }),
    ledger);
}

function grantItem(g) {
  return h("li", {},
    h("p", {}, h("strong", { text: when(g.created_at) }), ` — ${g.admin.name} opened “${g.room_name}”`),
    h("p", { text: `Reason: ${g.reason}` }),
    h("p", { class: "hint", text: g.ended ? "Ended." : `Until ${when(g.expires_at)}.` }));
}

function breakGlassTool(cohorts) {
  const msg = formMessage();
  const selectId = "bg-room";
  const select = h("select", { id: selectId, name: "room" },
    cohorts.map((c) => h("option", { value: String(c.room), text: c.name })));
  const reasonId = "bg-reason";
  const reason = h("textarea", { id: reasonId, name: "reason", rows: 3, required: true,
    attrs: { minlength: 10, maxlength: 500, "aria-describedby": "bg-reason-hint" } });
  const out = h("div", { class: "stack break-glass-view" });
  const form = h("form", { class: "stack", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    try {
      const { access } = await api.breakGlass(Number(select.value), reason.value.trim());
      const { messages } = await api.history(access.room, null, 200);
      out.replaceChildren(
        h("h3", { text: `Reading “${access.room_name}” until ${when(access.expires_at)}` }),
        h("ol", { class: "readonly-messages" }, messages.map((m) => h("li", {},
          h("strong", { text: m.author.name }), " ", h("time", { dateTime: m.sent_at, text: when(m.sent_at) }),
          h("p", { text: m.deleted ? "(deleted)" : m.removed ? "(removed by a facilitator)" : m.text || "" })))));
      msg.ok("Access granted and recorded. The privacy officer has been told.");
    } catch (err) {
      msg.error(err.message);
    }
  } } },
  h("div", { class: "field" }, h("label", { htmlFor: selectId, text: "Room" }), select),
  h("div", { class: "field" }, h("label", { htmlFor: reasonId, text: "Reason (required)" }),
    h("p", { class: "hint", id: "bg-reason-hint", text: "Why you need to read this room now. It is kept in the audit log and sent to the privacy officer." }),
    reason),
  msg.el,
  h("button", { type: "submit", class: "button danger", text: "Open read-only access" }));
  return h("section", { class: "stack", attrs: { "aria-labelledby": "bg-title" } },
    h("h2", { id: "bg-title", text: "Break-glass access" }),
    h("p", { text: "For an emergency or a legal duty only: read a room you are not a member of, for a limited time." }),
    form, out);
}

function disclosureTool(cohorts) {
  const msg = formMessage();
  const kind = h("select", { id: "dx-kind", name: "subject" },
    h("option", { value: "room", text: "A room" }), h("option", { value: "member", text: "A member (by account id)" }));
  const room = h("select", { id: "dx-room", name: "room" },
    cohorts.map((c) => h("option", { value: String(c.room), text: c.name })));
  const member = field({ label: "Member account id", name: "member_id", required: false });
  member.wrap.hidden = true;
  kind.addEventListener("change", () => {
    member.wrap.hidden = kind.value !== "member";
    room.parentElement.hidden = kind.value !== "room";
  });
  const recipient = field({ label: "Recipient (who receives it)", name: "recipient", maxlength: 200 });
  const purpose = field({ label: "Purpose and legal basis", name: "purpose", maxlength: 1000 });
  const format = h("select", { id: "dx-format", name: "format" },
    h("option", { value: "html", text: "Readable page (HTML)" }), h("option", { value: "json", text: "Data (JSON)" }));
  const form = h("form", { class: "stack", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    const id = Number(kind.value === "room" ? room.value : member.input.value);
    try {
      await download("/api/disclosures", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ subject: kind.value, id, recipient: recipient.input.value,
          purpose: purpose.input.value, format: format.value }),
      }, `hearth-disclosure.${format.value}`);
      msg.ok("Exported with the federal confidentiality notice and entered in the disclosure ledger.");
    } catch (err) {
      msg.error(err.message);
    }
  } } },
  h("div", { class: "field" }, h("label", { htmlFor: "dx-kind", text: "Records of" }), kind),
  h("div", { class: "field" }, h("label", { htmlFor: "dx-room", text: "Room" }), room),
  member.wrap, recipient.wrap, purpose.wrap,
  h("div", { class: "field" }, h("label", { htmlFor: "dx-format", text: "Format" }), format),
  msg.el,
  h("button", { type: "submit", class: "button", text: "Export for disclosure" }));
  return h("section", { class: "stack", attrs: { "aria-labelledby": "dx-title" } },
    h("h2", { id: "dx-title", text: "Lawful disclosure" }),
    h("p", { text: "Every export carries the 42 CFR Part 2 notice and is entered in the ledger the member can read." }),
    form);
}

/** Admins: which staff are told of every break-glass access. */
function officersTool() {
  const msg = formMessage();
  const list = h("div", { class: "stack" }, h("p", { class: "hint", text: "Loading…" }));
  Promise.all([api.staff(), api.privacyOfficers()]).then(([{ users }, { users: officers }]) => {
    list.replaceChildren(...users.map((u) => {
      const id = `po-${u.id}`;
      const box = h("input", { id, type: "checkbox", checked: officers.includes(u.id),
        on: { change: async () => {
          msg.clear();
          try {
            await api.setPrivacyOfficer(u.id, box.checked);
            msg.ok(box.checked ? `${u.name} is now a privacy officer.` : `${u.name} is no longer a privacy officer.`);
          } catch (err) {
            box.checked = !box.checked;
            msg.error(err.message);
          }
        } } });
      return h("div", { class: "check" }, box, h("label", { htmlFor: id, text: `${u.name} (${u.role})` }));
    }));
  }).catch((err) => list.replaceChildren(h("p", { text: err.message })));
  return h("section", { class: "stack", attrs: { "aria-labelledby": "officers-title" } },
    h("h2", { id: "officers-title", text: "Privacy officers" }),
    h("p", { class: "hint", text: "They are told at once of every break-glass access and can read the privacy logs." }),
    h("fieldset", {}, h("legend", { text: "Privacy officer" }), list), msg.el);
}

function logs() {
  const grants = h("ul", { class: "ledger", attrs: { "aria-label": "Break-glass log" } });
  const ledger = h("ul", { class: "ledger", attrs: { "aria-label": "Disclosure ledger" } });
  api.breakGlassLog().then(({ access }) => grants.replaceChildren(...(access.length
    ? access.map(grantItem) : [h("li", { class: "hint", text: "No break-glass access yet." })])))
    .catch((err) => grants.replaceChildren(h("li", { text: err.message })));
  api.disclosures().then(({ disclosures }) => ledger.replaceChildren(...(disclosures.length
    ? disclosures.map(ledgerItem) : [h("li", { class: "hint", text: "No disclosures yet." })])))
    .catch((err) => ledger.replaceChildren(h("li", { text: err.message })));
  return h("section", { class: "stack", attrs: { "aria-labelledby": "po-title" } },
    h("h2", { id: "po-title", text: "Privacy logs" }),
    h("h3", { text: "Break-glass log" }), grants,
    h("h3", { text: "Disclosure ledger" }), ledger);
}

/**
 * The Staff screen's privacy tools: admins get break-glass and disclosures; admins
 * and privacy officers get the logs. Returns null for anyone else.
 */
export async function staffPrivacyTools({ profile, cohorts }) {
  let officer = false;
  try {
    officer = (await api.access()).privacy_officer;
  } catch {
    officer = false;
  }
  const admin = profile.role === "admin";
  if (!admin && !officer) return null;
  return h("div", { class: "stack privacy-tools" },
    admin && cohorts.length ? breakGlassTool(cohorts) : null,
    admin ? disclosureTool(cohorts) : null,
    admin ? officersTool() : null,
    logs());
}

/** A live notice about break-glass, as one sentence. */
export function breakGlassNotice(frame) {
  const a = frame.access || {};
  if (frame.kind === "break_glass") {
    return `Break-glass: ${a.admin ? a.admin.name : "An admin"} opened “${a.room_name}”. Reason: ${a.reason}`;
  }
  if (frame.kind === "break_glass_ended") return `Break-glass access to “${a.room_name}” has ended.`;
  return null;
}
