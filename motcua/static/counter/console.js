/* The officer's console: shows the counter's state, runs its actions through the JSON API,
   and re-reads the state whenever the /counter namespace says something changed. */
"use strict";

(() => {
  const { page, format, request, errorText, toast, el } = Staff;
  const S = page.strings;
  const $ = (id) => document.getElementById(id);
  const TICKET_EVENTS = [EVENTS.TICKET_ISSUED, EVENTS.TICKET_CALLED, EVENTS.TICKET_RECALLED,
    EVENTS.TICKET_STARTED, EVENTS.TICKET_COMPLETED, EVENTS.TICKET_NO_SHOW,
    EVENTS.TICKET_TRANSFERRED, EVENTS.COUNTER_CHANGED];

  let state = null;
  let clockOffset = 0; // server clock minus this browser's clock
  let busy = false;

  // --- state ---------------------------------------------------------------------------

  const readState = Staff.newestOnly(() => request(page.state_url));

  async function refresh() {
    const result = await readState();
    if (result === null) return; // older than what the officer sees already
    if (!result.ok) {
      if (result.error.code === "not_your_counter") leave(S.not_yours);
      else if (result.status !== 401) toast(errorText(result.error), "error");
      return;
    }
    state = result.data;
    clockOffset = Date.parse(state.now) - Date.now();
    if (!page.manager && !state.counter.mine) {
      leave(S.not_yours);
      return;
    }
    render();
  }
  const refreshSoon = Staff.debounce(refresh, 150);

  function leave(message) {
    toast(message, "error");
    setTimeout(() => location.assign(page.hall_url), 2000);
  }

  function enabled(action) {
    if (!state || busy) return false;
    const counter = state.counter;
    const current = counter.current;
    const open = counter.state === "open";
    switch (action) {
      case "call-next":
      case "call": return open;
      case "recall":
      case "start":
      case "no-show": return Boolean(current) && current.status === "called";
      case "complete":
      case "transfer": return Boolean(current);
      case "pause": return counter.state !== "closed";
      case "open": return counter.state === "closed";
      case "close": return !current;
      default: return false;
    }
  }

  // --- rendering -----------------------------------------------------------------------

  function clockText(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const mm = String(m).padStart(h ? 2 : 1, "0");
    const ss = String(s % 60).padStart(2, "0");
    return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  function tick() {
    const current = state && state.counter.current;
    const since = current && (current.started_at || current.called_at);
    $("current-timer").textContent = since
      ? clockText((Date.now() + clockOffset - Date.parse(since)) / 1000) : "";
  }

  function render() {
    const counter = state.counter;
    const current = counter.current;
    $("current-number").textContent = current ? current.display_number : "—";
    $("current-number").classList.toggle("current__number--empty", !current);
    const status = $("current-status");
    status.textContent = current ? S[current.status] || current.status : S.no_current;
    status.className = `badge badge--${current ? current.status : "none"}`;
    $("current-sector").textContent = current ? page.sectors[current.sector] || current.sector : "";
    const meta = [];
    if (current && current.priority) meta.push(S.priority);
    if (current && current.appointment) meta.push(S.appointment);
    if (current && current.call_count > 1) meta.push(format(S.calls, { count: current.call_count }));
    if (current && current.transferred_from_counter) {
      meta.push(format(S.from_counter, { counter: current.transferred_from_counter }));
    }
    $("current-meta").textContent = meta.join(" · ");
    tick();

    const banner = $("state-banner");
    banner.hidden = counter.state === "open";
    banner.className = `state-banner state-banner--${counter.state}`;
    $("state-banner-text").textContent = counter.state === "paused" ? S.paused_banner : S.closed_banner;
    $("open-button").hidden = counter.state !== "closed";

    const waiting = state.waiting.map((row) => el("li", { class: row.count ? "" : "waiting--none" },
      el("span", { class: "waiting__sector" }, page.sectors[row.sector] || row.sector),
      el("span", { class: "waiting__count" }, row.count)));
    if (state.reserved_waiting) {
      waiting.push(el("li", { class: "waiting--reserved" },
        el("span", { class: "waiting__sector" }, S.reserved_waiting),
        el("span", { class: "waiting__count" }, state.reserved_waiting)));
    }
    $("waiting").replaceChildren(...waiting);

    const next = state.next.map((row) => el("li", {
      class: `chip${row.priority ? " chip--priority" : ""}${row.reserved ? " chip--reserved" : ""}${
        row.appointment ? " chip--appointment" : ""}`,
      title: [page.sectors[row.sector], row.priority ? S.priority : "", row.reserved ? S.reserved_waiting : "",
        row.appointment ? S.appointment : ""]
        .filter(Boolean).join(" · "),
    }, row.display_number));
    $("next").replaceChildren(...(next.length ? next : [el("li", { class: "next__none" }, S.nobody)]));

    $("today-served").textContent = state.today.served;
    $("today-no-show").textContent = state.today.no_show;
    const average = state.today.average_service_seconds;
    $("today-average").textContent = average === null ? "—" : clockText(average);
    const rating = state.last_rating;
    $("last-rating").hidden = !rating;
    if (rating) {
      $("last-rating").textContent = format(S.rated, {
        number: rating.display_number, level: page.levels[rating.level] || rating.level });
    }

    document.querySelectorAll("[data-action]").forEach((button) => {
      button.disabled = !enabled(button.dataset.action);
    });
    const pause = document.querySelector('[data-action="pause"] .action__label');
    pause.textContent = counter.state === "paused" ? S.resume : S.pause;
  }

  // --- actions -------------------------------------------------------------------------

  async function run(action, body) {
    busy = true;
    document.body.classList.add("is-busy");
    const result = await request(`${page.api}/${action}`, { method: "POST", body });
    busy = false;
    document.body.classList.remove("is-busy");
    if (!result.ok) {
      toast(errorText(result.error), "error");
      await refresh();
      return;
    }
    const data = result.data;
    if (action === "close") {
      location.assign(page.hall_url);
      return;
    }
    if (action === "call-next" && !data.ticket) toast(S.nobody_waiting);
    else if (["call-next", "call", "recall"].includes(action) && data.ticket) {
      toast(format(S.called_number, { number: data.ticket.display_number }));
    } else if (action === "transfer") {
      toast(format(S.transferred, { number: data.transferred.display_number }));
    } else if (action === "complete") toast(S.done);
    await refresh();
  }

  const dialogs = { transfer: "dialog-transfer", call: "dialog-call", pause: "dialog-pause" };

  /** What a button or its key does: dialogs for actions that need a reason, else the call. */
  function trigger(action) {
    const button = document.querySelector(`[data-action="${action}"]`);
    if (!enabled(action)) {
      if (button) {
        button.classList.remove("action--refused");
        void button.offsetWidth; // restart the shake
        button.classList.add("action--refused");
      }
      return;
    }
    if (action === "pause" && state.counter.state === "paused") {
      run("resume");
      return;
    }
    if (dialogs[action]) {
      const dialog = $(dialogs[action]);
      dialog.querySelector("form").reset();
      showTarget(dialog);
      dialog.showModal();
      return;
    }
    run(action);
  }

  function showTarget(dialog) {
    const choice = dialog.querySelector('input[name="target"]:checked');
    if (!choice) return;
    dialog.querySelectorAll("[data-target]").forEach((field) => {
      field.hidden = field.dataset.target !== choice.value;
    });
  }

  function dialogBody(action, form) {
    const data = new FormData(form);
    const reason = String(data.get("reason") || "").trim();
    if (action === "transfer") {
      return data.get("target") === "counter"
        ? { to_counter: Number(data.get("to_counter")), reason }
        : { to_sector: String(data.get("to_sector")), reason };
    }
    if (action === "call") {
      return { display_number: String(data.get("display_number")).trim().toUpperCase(), reason };
    }
    return reason ? { reason } : {};
  }

  document.querySelectorAll("dialog form").forEach((form) => {
    const dialog = form.closest("dialog");
    form.addEventListener("change", () => showTarget(dialog));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const action = form.dataset.submit;
      const body = dialogBody(action, form);
      dialog.close();
      run(action, body);
    });
    form.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  });

  document.querySelectorAll("[data-action]").forEach((button) => {
    button.addEventListener("click", () => trigger(button.dataset.action));
  });

  // --- keyboard: F-keys always, keypad digits when no field has focus --------------------

  const keys = {};
  for (const [action, [fKey, padKey]] of Object.entries(page.shortcuts)) {
    keys[fKey] = { action, always: true };
    keys[padKey] = { action, always: false };
  }
  document.addEventListener("keydown", (event) => {
    if (document.querySelector("dialog[open]")) return; // Enter and Esc belong to the dialog
    const key = keys[event.code];
    if (!key || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!key.always && event.target.closest("input, select, textarea")) return;
    event.preventDefault();
    if (!event.repeat) trigger(key.action);
  });

  // --- live ----------------------------------------------------------------------------

  function printerAlert(message) {
    const device = message.device || S.a_kiosk;
    const text = message.display_number
      ? format(S.printer_failed, { device, number: message.display_number })
      : format(S.printer_failed_no_ticket, { device });
    const alert = el("p", { class: "alert", "data-testid": "printer-alert" },
      el("span", {}, text),
      message.job ? el("button", { type: "button", class: "alert__action", "data-testid": "reprint",
        onclick: () => reprint(message.job, alert) }, S.reprint) : null,
      el("button", { type: "button", class: "alert__close", "aria-label": S.dismiss,
        onclick: (event) => event.currentTarget.parentElement.remove() }, "×"));
    $("alerts").append(alert);
  }

  async function reprint(job, alert) {
    const result = await request(`/api/v1/print-jobs/${job}/reprint`, { method: "POST" });
    if (!result.ok) {
      toast(errorText(result.error), "error");
      return;
    }
    alert.remove();
    toast(S.reprinted);
  }

  const socket = Staff.connect({ hall: page.hall, counter: page.counter }, refresh);
  TICKET_EVENTS.forEach((name) => socket.on(name, refreshSoon));
  socket.on(EVENTS.TICKET_RATED, (message) => {
    if (message.counter !== page.counter) return;
    toast(format(S.rated, { number: message.ticket.display_number,
      level: page.levels[message.level] || message.level }));
    refreshSoon();
  });
  socket.on(EVENTS.PRINT_FAILED, printerAlert);
  setInterval(tick, 1000);
  refresh();
})();
