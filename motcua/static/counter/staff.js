/* Shared by the staff pages: the page's data and words, JSON requests with the CSRF header,
   short messages, and the live connection to the /counter namespace. */
"use strict";

const Staff = (() => {
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  /** Fill "%(name)s" placeholders of a translated string. */
  function format(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, (_, key) => String(values[key] ?? ""));
  }

  /** A JSON request; answers {ok, status, data} or {ok: false, status, error}. */
  async function request(url, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrf;
    }
    let response;
    try {
      response = await fetch(url, {
        method, headers, credentials: "same-origin",
        body: method === "GET" ? undefined : JSON.stringify(body || {}),
      });
    } catch (_) {
      return { ok: false, status: 0, error: { code: "network", message: page.strings.network } };
    }
    const data = await response.json().catch(() => null);
    if (response.status === 401) {
      toast(page.strings.session_expired, "error");
      setTimeout(() => location.assign(page.sign_in_url), 1500);
    }
    if (!response.ok) {
      const error = (data && data.error) || { code: "error", message: response.statusText };
      return { ok: false, status: response.status, error };
    }
    return { ok: true, status: response.status, data };
  }

  function errorText(error) {
    if (error.code === "network") return page.strings.network;
    return format(page.strings.error, { message: error.message }); // in the officer's language
  }

  let toastTimer = null;
  function toast(text, kind = "info") {
    const box = document.getElementById("toast");
    box.textContent = text;
    box.className = `toast toast--${kind}`;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 6000 : 3500);
  }

  /** Show the link's state: "connecting" (first time), true (live) or false (lost). */
  function live(state) {
    const text = { connecting: page.strings.connecting, true: page.strings.online,
      false: page.strings.offline }[state];
    document.querySelectorAll(".live").forEach((node) => {
      node.classList.toggle("live--off", state !== true);
      node.querySelector(".live__text").textContent = text;
    });
  }

  /** Join the hall's (and counter's) rooms; `onConnect` re-reads state after every
      (re)connect and `resync` (static/live/link.js). */
  function connect(auth, onConnect) {
    live("connecting");
    return LiveLink.connect({ namespace: "/counter", auth, refetch: onConnect, onStatus: live });
  }

  /** Build an element; children are nodes or text (never parsed as HTML). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /** `read` (a `request` of a page's state) made so that an answer older than one already
      given comes back as null: a busy server may answer reads out of order, and an old
      state must not replace a newer one on the screen. */
  function newestOnly(read) {
    let asked = 0;
    let given = 0;
    return async () => {
      const mine = ++asked;
      const result = await read();
      if (mine < given) return null;
      given = mine;
      return result;
    };
  }

  function debounce(fn, ms) {
    let timer = null;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  return { page, format, request, errorText, toast, live, connect, el, debounce, newestOnly };
})();
