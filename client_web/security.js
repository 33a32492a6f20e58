// Two-step sign-in: the code step of a login, TOTP enrolment, and recovery codes.
//
// Owns: the second-factor screen a login shows after a right password (enrolling first
// when the program requires it), and the "Two-step sign-in" section of Settings. Text
// only (textContent); the secret is shown as text and as an otpauth:// link an
// authenticator app opens. No QR code: it would need a library for one picture, and
// every authenticator app accepts the key typed or the link tapped.

import { api } from "./api.js";
import { h, field, formMessage } from "./view.js";

/** The otpauth link, only if it is exactly what the server makes. */
function otpauthLink(uri) {
  if (typeof uri !== "string" || !uri.startsWith("otpauth://totp/")) return null;
  return h("a", { class: "button", attrs: { href: uri }, text: "Open in authenticator app" });
}

/** The key in groups of four, easier to type into an app. */
function grouped(secret) {
  return String(secret).replace(/(.{4})/g, "$1 ").trim();
}

function setupBlock(enrolment) {
  return h("div", { class: "stack totp-setup" },
    h("p", { text: "1. In an authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis), add an account with this key:" }),
    h("p", { class: "secret-key", attrs: { "data-totp-secret": enrolment.secret } }, grouped(enrolment.secret)),
    otpauthLink(enrolment.uri),
    h("p", { class: "hint", text: "The key is time-based, 6 digits, every 30 seconds." }),
    h("p", { text: "2. Type the 6-digit code the app shows." }));
}

/** Recovery codes, shown once, with a way to keep them. */
export function recoveryCodesBlock(codes, onDone = null) {
  const text = codes.join("\n");
  const msg = formMessage();
  return h("div", { class: "stack recovery-codes" },
    h("h2", { text: "Your recovery codes" }),
    h("p", { text: "Each code signs you in once if you lose your phone. Keep them somewhere safe: this is the only time they are shown." }),
    h("ul", { class: "codes", attrs: { "aria-label": "Recovery codes" } },
      codes.map((c) => h("li", { text: c }))),
    h("div", { class: "row" },
      h("button", { type: "button", class: "button", text: "Copy codes", on: { click: async () => {
        try {
          await navigator.clipboard.writeText(text);
          msg.ok("Copied.");
        } catch {
          msg.error("Copy them by hand, please.");
        }
      } } }),
      onDone ? h("button", { type: "button", class: "button primary", text: "I have saved them",
        on: { click: onDone } }) : null),
    msg.el);
}

/**
 * The second step of a login.
 * @param {{second: {challenge: string, enrol: boolean}, onDone: Function, onCancel: Function}} opts
 */
export function secondFactorScreen({ second, onDone, onCancel }) {
  const card = h("section", { class: "card narrow", attrs: { "aria-labelledby": "totp-title" } });
  const code = field({ label: second.enrol ? "Code from the app" : "Code from your authenticator app, or a recovery code",
    name: "code", autocomplete: "one-time-code", maxlength: 24 });
  code.input.setAttribute("inputmode", second.enrol ? "numeric" : "text");
  const msg = formMessage();
  const submit = h("button", { type: "submit", class: "button primary", text: "Continue" });
  const form = h("form", { class: "stack", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    const value = code.input.value.trim();
    if (!value) {
      msg.error("Please enter the code.");
      return;
    }
    submit.disabled = true;
    try {
      const done = await api.loginCode(second.challenge, value);
      if (done.recovery_codes) {
        card.replaceChildren(
          h("h1", { id: "totp-title", text: "Two-step sign-in is on" }),
          recoveryCodesBlock(done.recovery_codes, () => onDone(done.user)));
        const title = card.querySelector("h1");
        title.setAttribute("tabindex", "-1");
        title.focus();
      } else {
        onDone(done.user);
      }
    } catch (err) {
      msg.error(err.code === "unauthenticated"
        ? "This sign-in timed out. Please enter your password again." : err.message);
      submit.disabled = false;
      code.input.select();
      if (err.code === "unauthenticated") onCancel(msg.el.textContent);
    }
  } } }, code.wrap, msg.el, submit);

  const back = h("button", { type: "button", class: "button quiet", text: "Cancel",
    on: { click: () => onCancel(null) } });
  if (!second.enrol) {
    card.append(
      h("h1", { id: "totp-title", text: "Two-step sign-in" }),
      h("p", { class: "lead", text: "Enter the 6-digit code your authenticator app shows now." }),
      form, back);
    return card;
  }
  const start = h("button", { type: "button", class: "button primary", text: "Set up two-step sign-in" });
  const slot = h("div", {}, start);
  start.addEventListener("click", async () => {
    msg.clear();
    start.disabled = true;
    try {
      const enrolment = await api.loginSetup(second.challenge);
      slot.replaceChildren(setupBlock(enrolment), form);
      code.input.focus();
    } catch (err) {
      start.disabled = false;
      slot.append(msg.el);
      msg.error(err.message);
    }
  });
  card.append(
    h("h1", { id: "totp-title", text: "Set up two-step sign-in" }),
    h("p", { class: "lead", text: "Staff accounts can read people’s health information, so your program asks for a code from your phone as well as your password." }),
    slot, back);
  return card;
}

/** The "Two-step sign-in" section of Settings. */
export function securitySection() {
  const section = h("section", { class: "stack security", attrs: { "aria-labelledby": "security-title" } },
    h("h2", { id: "security-title", text: "Two-step sign-in" }));
  const body = h("div", { class: "stack" }, h("p", { class: "hint", text: "Loading…" }));
  section.append(body);
  const render = async () => {
    let access;
    try {
      access = await api.access();
    } catch (err) {
      body.replaceChildren(h("p", { text: err.message }));
      return;
    }
    const t = access.totp;
    const msg = formMessage();
    if (t.enrolled) {
      const code = field({ label: "Current code from your app", name: "renew_code",
        autocomplete: "one-time-code", maxlength: 24 });
      const renew = h("form", { class: "stack", on: { submit: async (e) => {
        e.preventDefault();
        msg.clear();
        try {
          const { recovery_codes: codes } = await api.renewRecoveryCodes(code.input.value.trim());
          body.replaceChildren(recoveryCodesBlock(codes, render));
        } catch (err) {
          msg.error(err.message);
        }
      } } }, code.wrap, msg.el,
      h("button", { type: "submit", class: "button", text: "Make new recovery codes" }));
      body.replaceChildren(
        h("p", { text: `Two-step sign-in is on. Recovery codes left: ${t.recovery_codes_left}.` }),
        renew);
      return;
    }
    const start = h("button", { type: "button", class: "button primary", text: "Set up two-step sign-in" });
    start.addEventListener("click", async () => {
      msg.clear();
      try {
        const enrolment = await api.startTotp();
        const code = field({ label: "Code from the app", name: "enrol_code",
          autocomplete: "one-time-code", maxlength: 6 });
        const confirm = h("form", { class: "stack", on: { submit: async (e) => {
          e.preventDefault();
          msg.clear();
          try {
            const { recovery_codes: codes } = await api.confirmTotp(code.input.value.trim());
            body.replaceChildren(recoveryCodesBlock(codes, render));
          } catch (err) {
            msg.error(err.message);
          }
        } } }, code.wrap, msg.el, h("button", { type: "submit", class: "button primary", text: "Turn on" }));
        body.replaceChildren(setupBlock(enrolment), confirm);
        code.input.focus();
      } catch (err) {
        msg.error(err.message);
      }
    });
    body.replaceChildren(
      h("p", { text: t.required
        ? "Your program requires two-step sign-in for your account."
        : "Add a code from your phone to your password, so nobody else can sign in as you." }),
      start, msg.el);
  };
  render();
  return section;
}
