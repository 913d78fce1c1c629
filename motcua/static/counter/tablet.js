/* The rating tablet: idle until the counter finishes a ticket, then asks the citizen, once,
   and goes back to idle after a time-out. The server decides which ticket to ask about. */
"use strict";

(() => {
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const screens = ["idle", "prompt", "reason", "thanks"];
  const asked = new Set(); // tickets already asked about on this tablet
  let ticket = null;
  let level = null;
  let timer = null;

  function show(name) {
    screens.forEach((screen) => {
      document.getElementById(`screen-${screen}`).hidden = screen !== name;
    });
  }

  function after(seconds, then) {
    clearTimeout(timer);
    timer = setTimeout(then, seconds * 1000);
  }

  function idle() {
    clearTimeout(timer);
    ticket = null;
    level = null;
    show("idle");
    check();
  }

  function ask(pending) {
    ticket = pending;
    asked.add(pending.id);
    document.getElementById("prompt-ticket").textContent =
      page.strings.ticket.replace("%(number)s", pending.display_number);
    show("prompt");
    after(page.prompt_seconds, idle);
  }

  async function check() {
    let data;
    try {
      const response = await fetch(page.pending_url, { credentials: "same-origin" });
      if (!response.ok) return;
      data = await response.json();
    } catch (_) {
      return;
    }
    const serving = document.getElementById("serving");
    serving.hidden = !data.serving;
    document.getElementById("serving-number").textContent = data.serving || "";
    if (data.ticket && ticket === null && !asked.has(data.ticket.id)) ask(data.ticket);
  }

  async function submit(reason) {
    clearTimeout(timer);
    const rated = ticket;
    const body = { ticket_id: rated.id, level, reason: reason || null };
    let message = page.strings.thanks;
    try {
      const response = await fetch(page.rate_url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        const data = await response.json().catch(() => null);
        // Rated already: the answer thanks the citizen; anything else is one plain sentence.
        const code = data && data.error && data.error.code;
        message = code === "already_rated" ? data.error.message : page.strings.not_rateable;
      }
    } catch (_) {
      message = page.strings.offline;
    }
    document.getElementById("thanks-text").textContent = message;
    show("thanks");
    after(page.thanks_seconds, idle);
  }

  document.querySelectorAll("[data-level]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!ticket) return;
      level = button.dataset.level;
      if (level === page.unhappy) {
        show("reason");
        after(page.prompt_seconds, () => submit(null)); // unhappy counts even without a reason
      } else {
        submit(null);
      }
    });
  });
  document.querySelectorAll("[data-reason]").forEach((button) => {
    button.addEventListener("click", () => { if (ticket && level) submit(button.dataset.reason); });
  });

  const offline = document.getElementById("offline");
  const socket = LiveLink.connect({
    namespace: "/counter", auth: { hall: page.hall, counter: page.counter }, refetch: check,
    onStatus: (up) => { offline.hidden = up; },
  });
  [EVENTS.TICKET_COMPLETED, EVENTS.TICKET_CALLED, EVENTS.TICKET_TRANSFERRED, EVENTS.TICKET_NO_SHOW,
    EVENTS.COUNTER_CHANGED]
    .forEach((name) => socket.on(name, check));
  show("idle");
})();
