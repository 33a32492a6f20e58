// The REST API under /api, as small fetch wrappers.
//
// Owns: JSON requests with the session cookie (same origin), and turning error bodies
// `{"error": {"code", "message"}}` into `ApiError`. No DOM.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** A network failure (server down, offline): status 0. */
export const NETWORK = "network";

async function request(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, NETWORK, "We can't reach Hearth right now. Please try again.");
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(
      response.status,
      err.code || "http_" + response.status,
      err.message || "Something went wrong. Please try again.",
      err.retry_after ?? null,
    );
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  config: () => request("GET", "/api/config"),
  me: () => request("GET", "/api/me"),
  updateMe: (changes) => request("PATCH", "/api/me", changes),
  login: (username, password) => request("POST", "/api/session", { username, password }),
  logout: () => request("DELETE", "/api/session"),
  viewInvite: (token) => request("GET", `/api/invites/${enc(token)}`),
  redeemInvite: (token, body) => request("POST", `/api/invites/${enc(token)}`, body),
  rooms: () => request("GET", "/api/rooms"),
  history: (room, before = null, limit = 50) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before != null) q.set("before", String(before));
    return request("GET", `/api/rooms/${enc(room)}/messages?${q}`);
  },
  members: (room) => request("GET", `/api/rooms/${enc(room)}/members`),
  agreement: (room) => request("GET", `/api/rooms/${enc(room)}/agreement`),
  acceptAgreement: (room, version) =>
    request("POST", `/api/rooms/${enc(room)}/agreement/accept`, { version }),
  cohorts: () => request("GET", "/api/cohorts"),
  createCohort: (body) => request("POST", "/api/cohorts", body),
  createInvite: (cohort) => request("POST", `/api/cohorts/${enc(cohort)}/invites`, {}),
  staff: () => request("GET", "/api/staff"),
  // Facilitator views (the server checks that the viewer facilitates the room).
  alerts: (all = false) => request("GET", `/api/alerts${all ? "?all=true" : ""}`),
  reports: (all = false) => request("GET", `/api/reports${all ? "?all=true" : ""}`),
  held: (room) => request("GET", `/api/rooms/${enc(room)}/held`),
  policy: (room) => request("GET", `/api/rooms/${enc(room)}/policy`),
  setPolicy: (room, policy) => request("PUT", `/api/rooms/${enc(room)}/policy`, { policy }),
  setAgreement: (room, text) => request("PUT", `/api/rooms/${enc(room)}/agreement`, { text }),
  original: (room, seq) => request("GET", `/api/rooms/${enc(room)}/messages/${enc(seq)}/original`),
  audit: (room) => request("GET", `/api/audit${room != null ? `?room=${enc(room)}` : ""}`),
  // Routine: check-ins, the schedule, reminders, quiet members, milestones.
  checkIn: (room, body) => request("POST", `/api/rooms/${enc(room)}/checkins`, body),
  myCheckins: (room) => request("GET", `/api/rooms/${enc(room)}/checkins/mine`),
  checkinOverview: (room) => request("GET", `/api/rooms/${enc(room)}/checkins`),
  quiet: (room, days) => request("GET", `/api/rooms/${enc(room)}/quiet?days=${enc(days)}`),
  schedule: (room) => request("GET", `/api/rooms/${enc(room)}/schedule`),
  setSchedule: (room, body) => request("PUT", `/api/rooms/${enc(room)}/schedule`, body),
  changeSession: (room, body) => request("POST", `/api/rooms/${enc(room)}/schedule/changes`, body),
  setReminder: (room, minutes) =>
    request("PUT", `/api/rooms/${enc(room)}/schedule/reminder`, { minutes_before: minutes }),
  sobriety: () => request("GET", "/api/me/sobriety"),
  setSobriety: (since) => request("PUT", "/api/me/sobriety", { since }),
  milestones: (room) => request("GET", `/api/rooms/${enc(room)}/milestones`),
  shareMilestones: (room, share) => request("PUT", `/api/rooms/${enc(room)}/milestones`, { share }),
  // Records (admins): retention and legal holds.
  retention: (room) => request("GET", `/api/rooms/${enc(room)}/retention`),
  setRetention: (room, days) => request("PUT", `/api/rooms/${enc(room)}/retention`, { days }),
  holds: () => request("GET", "/api/holds"),
  placeHold: (body) => request("POST", "/api/holds", body),
  releaseHold: (id, reason) => request("POST", `/api/holds/${enc(id)}/release`, { reason }),
  // ---- access: second factor, break-glass, the disclosure ledger (issue 7) ----
  loginSetup: (challenge) => request("POST", "/api/session/totp/setup", { challenge }),
  loginCode: (challenge, code) => request("POST", "/api/session/totp", { challenge, code }),
  access: () => request("GET", "/api/me/access"),
  startTotp: () => request("POST", "/api/me/totp", {}),
  confirmTotp: (code) => request("POST", "/api/me/totp/confirm", { code }),
  renewRecoveryCodes: (code) => request("POST", "/api/me/totp/recovery-codes", { code }),
  breakGlass: (room, reason) => request("POST", `/api/rooms/${enc(room)}/break-glass`, { reason }),
  privacyOfficers: () => request("GET", "/api/privacy-officers"),
  setPrivacyOfficer: (user, enabled) =>
    request("PUT", `/api/staff/${enc(user)}/privacy-officer`, { enabled }),
  breakGlassLog: () => request("GET", "/api/break-glass"),
  myDisclosures: () => request("GET", "/api/me/disclosures"),
  disclosures: () => request("GET", "/api/disclosures"),
  // Discharge and the alumni network (the server checks every permission).
  roster: (cohort) => request("GET", `/api/cohorts/${enc(cohort)}/roster`),
  setGraceDays: (cohort, days) => request("PATCH", `/api/cohorts/${enc(cohort)}`, { grace_days: days }),
  discharge: (cohort, body) => request("POST", `/api/cohorts/${enc(cohort)}/discharges`, body),
  discharges: (cohort) => request("GET", `/api/cohorts/${enc(cohort)}/discharges`),
  closeCohort: (cohort) => request("POST", `/api/cohorts/${enc(cohort)}/close`, {}),
  readmit: (cohort, user) => request("POST", `/api/cohorts/${enc(cohort)}/readmissions`, { user }),
  alumni: () => request("GET", "/api/alumni"),
  alumniConsent: () => request("GET", "/api/me/alumni-consent"),
  setAlumniConsent: (consent, version) => request("PUT", "/api/me/alumni-consent", { consent, version }),
  alumniRooms: () => request("GET", "/api/alumni/rooms"),
  myHeld: () => request("GET", "/api/me/held"),
  createAlumniRoom: (body) => request("POST", "/api/alumni/rooms", body),
  joinAlumniRoom: (room) => request("POST", `/api/alumni/rooms/${enc(room)}/join`, {}),
  leaveAlumniRoom: (room) => request("POST", `/api/alumni/rooms/${enc(room)}/leave`, {}),
  inviteToAlumniRoom: (room, user) => request("POST", `/api/alumni/rooms/${enc(room)}/invitations`, { user }),
  setModerator: (room, user, on) => request(on ? "PUT" : "DELETE", `/api/alumni/rooms/${enc(room)}/moderators/${enc(user)}`),
  muteRoom: (room, muted) => request("PUT", `/api/rooms/${enc(room)}/notifications`, { muted }),
};
