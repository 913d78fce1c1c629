/* The ticket kiosk's screens: sectors → (priority group) → the ticket; look-ups; an attract
   screen after inactivity. Every word comes translated from the page (#kiosk-config). */
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("kiosk-config").textContent);
  const words = config.words;
  const timing = config.timing;
  const root = document.getElementById("kiosk");
  const $ = (id) => document.getElementById(id);
  const SCREENS = ["home", "priority", "ticket", "message", "lookup", "booking", "procedures",
    "attract", "late", "phone"].filter((name) => $("screen-" + name)); // "phone": where the hall sends notifications
  const BOOKING_LINK = "/dat-lich/xem/"; // a booking's QR code: checked in wherever it is scanned
  const KEEP_PRINT_NEWS = 50; // print outcomes remembered for tickets not shown yet
  const SCAN_GAP_MS = 1000; // a pause this long between keys starts a new scan
  const PAGE_LIFETIME_MS = 6 * 3600 * 1000; // reload when idle after this, to pick up changes
  const REFRESH_DELAY_MS = 1500; // after an event, let the burst of a call settle first
  const REFRESH_GAP_MS = 10000; // events re-read the sectors at most this often
  const MODE_CLASSES = { contrast: "high-contrast", "large-text": "large-text", voice: "voice-guidance" };
  const MODES_KEY = "motcua-kiosk-modes"; // kept across reloads until the attract screen
  const WORD_GAP_S = 0.06; // between clips of one sentence, as the board's announcements
  const STEP_GAP_S = 0.45; // between sentences, and between the sectors read out

  const state = {
    screen: "home",
    priority: null, // the priority group chosen for the next ticket
    late: null, // the sector tapped whose ticket would pass closing, while the kiosk asks
    busy: false, // a ticket is being issued: further taps do nothing
    ticket: null, // token of the ticket on screen
    ticketId: null, // its id, for the optional phone number
    phone: "", // typed on the phone keypad
    ticketSector: null, // its sector, whose procedures the ticket screen offers
    procedure: null, // the procedure whose papers are on the "Thủ tục" screen
    photograph: false, // the ticket screen waits longer while its number is to be photographed
    printNews: new Map(), // token → "failed" | "printed" | "sent", as the printer reports
    code: "", // typed on the look-up keypad
    codeLookedUp: false, // the code on the keypad was looked up: the next key starts anew
    stale: false, // the hall renamed, its sectors changed, added, removed or reordered: reload when idle
    modes: { contrast: false, "large-text": false, voice: false }, // for citizens who need them
  };
  const loadedAt = Date.now();
  let timer = null;

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const plural = (forms, n) => fill(n === 1 ? forms.one : forms.other, { n });
  const sectorName = (ticket) => (config.lang === "en" ? ticket.sector_name_en : ticket.sector_name_vi);

  // --- screens and their timers -------------------------------------------------------------

  function show(name) {
    if (name !== state.screen) stopSpeaking();
    state.screen = name;
    for (const screen of SCREENS) $("screen-" + screen).hidden = screen !== name;
    root.dataset.screen = name;
    unpress();
    restartTimer();
  }

  function restartTimer() {
    clearTimeout(timer);
    const seconds = {
      home: state.priority ? timing.priority : timing.idle,
      priority: timing.priority,
      ticket: state.photograph ? timing.print_failed : timing.confirm,
      message: timing.message,
      late: timing.message,
      lookup: timing.lookup,
      booking: timing.lookup,
      phone: timing.lookup,
      procedures: timing.lookup,
    }[state.screen];
    if (seconds) timer = setTimeout(timeUp, seconds * 1000);
  }

  function timeUp() {
    if (state.screen === "home" && !state.priority) goIdle();
    else goHome();
  }

  function restart(url) {
    location.replace(url); // a fresh page in the hall's language, with the latest sectors
  }

  /** Back to the sectors, for a regular ticket, in the hall's language. */
  function goHome() {
    if (config.lang !== config.startLang) return restart(config.urls.start);
    setPriority(null);
    show("home");
    sectorGrid.scrollTop = 0; // the next citizen finds the sectors from the first (once shown:
    // a list out of sight keeps its place)
  }

  function goIdle() {
    setModes({ contrast: false, "large-text": false, voice: false }); // the next citizen starts plain
    if (config.lang !== config.startLang || state.stale || Date.now() - loadedAt > PAGE_LIFETIME_MS) {
      return restart(config.urls.idle);
    }
    setPriority(null);
    show("attract");
  }

  // --- taps -------------------------------------------------------------------------------------

  function unpress() {
    for (const el of root.querySelectorAll(".pressed")) el.classList.remove("pressed");
  }

  // Feedback in the very next frame: the pressed look is set on pointerdown, before the click.
  document.addEventListener("pointerdown", (event) => {
    restartTimer();
    const target = event.target.closest("button, a.btn");
    if (!target || target.disabled || state.busy) return;
    target.classList.add("pressed");
    if (target.dataset.sector) {
      performance.mark("kiosk-tap");
      const start = event.timeStamp;
      requestAnimationFrame(() => performance.measure("kiosk-tap-feedback", { start, end: performance.now() }));
    }
  }, { passive: true });
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, () => { if (!state.busy) setTimeout(unpress, 100); }, { passive: true });
  }
  document.addEventListener("contextmenu", (event) => event.preventDefault()); // long presses

  const actions = {
    home: goHome,
    done: goHome,
    priority: () => show("priority"),
    "take-anyway": () => { const code = state.late; state.late = null; show("home"); issue(code); },
    "cancel-priority": () => { setPriority(null); restartTimer(); },
    lookup: () => { clearLookup(); show("lookup"); },
    booking: () => { clearLookup(); showBookingNote(words.booking.empty, false); show("booking"); },
    "booking-submit": () => checkIn(state.code),
    erase: () => { state.code = state.code.slice(0, -1); state.codeLookedUp = false; renderCode(); },
    "lookup-submit": () => lookUp(state.code),
    phone: () => { state.phone = ""; renderPhone(); $("phone-done").hidden = true; show("phone"); },
    "phone-erase": () => { state.phone = state.phone.slice(0, -1); renderPhone(); },
    "phone-submit": () => givePhone(),
    procedures: () => openProcedures(null),
    "procedures-of-ticket": () => openProcedures(state.ticketSector),
    "print-checklist": printChecklist,
    "more-sectors": scrollSectors,
    contrast: () => toggleMode("contrast"),
    "large-text": () => toggleMode("large-text"),
    voice: () => {
      toggleMode("voice");
      if (!state.modes.voice) stopSpeaking();
      else if (state.screen === "ticket") readTicket();
      else readSectors();
    },
  };

  root.addEventListener("click", (event) => {
    const el = event.target.closest("[data-sector], [data-priority], [data-key], [data-digit], "
      + "[data-action], [data-procedure-sector], [data-procedure]");
    if (!el || el.disabled) return;
    if (el.dataset.digit) typeDigit(el.dataset.digit);
    else if (el.dataset.sector) tapSector(el.dataset.sector);
    else if (el.dataset.procedureSector) showProcedures(el.dataset.procedureSector);
    else if (el.dataset.procedure) showProcedure(el.dataset.procedure);
    else if (el.dataset.priority) { setPriority(el.dataset.priority); show("home"); }
    else if (el.dataset.key) typeKey(el.dataset.key);
    else if (actions[el.dataset.action]) actions[el.dataset.action]();
  });
  $("screen-attract").addEventListener("click", goHome);

  // More sectors than the screen holds: the bar under them says so, and a tap scrolls them
  // (a citizen new to touchscreens may not think of sliding the list up), then back to the top.
  const sectorGrid = $("sectors");
  const more = $("sectors-more");
  const atEnd = () => sectorGrid.scrollTop + sectorGrid.clientHeight >= sectorGrid.scrollHeight - 2;
  function showMore() {
    // the room the sectors would have without the bar, so that showing it (and taking its
    // height from them) cannot be what keeps it shown
    const bar = more.hidden ? 0 : more.offsetHeight
      + parseFloat(getComputedStyle(more.parentElement).rowGap || "0");
    more.hidden = sectorGrid.scrollHeight <= sectorGrid.clientHeight + bar + 2;
    const end = atEnd();
    more.querySelector(".more-down").hidden = end;
    more.querySelector(".more-up").hidden = !end;
  }
  function scrollSectors() {
    const top = atEnd() ? 0 : sectorGrid.scrollTop + sectorGrid.clientHeight * 0.8;
    sectorGrid.scrollTo({ top, behavior: "smooth" });
  }
  sectorGrid.addEventListener("scroll", showMore, { passive: true });
  const resized = new ResizeObserver(showMore); // the screen, the text size, the sectors' lines
  resized.observe(sectorGrid);
  for (const button of sectorGrid.children) resized.observe(button);

  function setPriority(priority) {
    state.priority = priority;
    root.classList.toggle("priority-mode", Boolean(priority));
    $("prompt").hidden = Boolean(priority);
    $("priority-banner").hidden = !priority;
    $("priority-chosen").textContent = priority ? words.priority[priority] : "";
  }

  // --- high contrast, large text, voice: one tap from every screen, until the attract screen ---

  function setModes(modes) {
    state.modes = { ...modes };
    for (const [mode, on] of Object.entries(state.modes)) {
      document.documentElement.classList.toggle(MODE_CLASSES[mode], on);
      const button = root.querySelector(`[data-action="${mode}"]`);
      if (button) button.setAttribute("aria-pressed", String(on));
    }
    if (!state.modes.voice) stopSpeaking();
    if (Object.values(state.modes).some(Boolean)) sessionStorage.setItem(MODES_KEY, JSON.stringify(state.modes));
    else sessionStorage.removeItem(MODES_KEY);
  }

  function toggleMode(mode) {
    setModes({ ...state.modes, [mode]: !state.modes[mode] });
  }

  // Voice guidance: clips played back to back on the audio clock; what is being read is
  // outlined on screen, so a citizen who cannot read sees which button the voice means.
  const speech = { context: null, buffers: new Map(), sources: [], run: 0, timers: [] };

  function audio() {
    if (!speech.context) speech.context = new AudioContext();
    speech.context.resume().catch(() => undefined); // allowed: this runs after a tap
    return speech.context;
  }

  function clip(url) {
    if (!speech.buffers.has(url)) {
      const decoded = fetch(url)
        .then((response) => {
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((bytes) => audio().decodeAudioData(bytes));
      decoded.catch(() => speech.buffers.delete(url));
      speech.buffers.set(url, decoded);
    }
    return speech.buffers.get(url);
  }

  function markSpoken(el) {
    for (const old of root.querySelectorAll(".speaking")) old.classList.remove("speaking");
    if (!el) return;
    el.classList.add("speaking");
    // a sector past the bottom of the screen comes into sight as it is read
    if (el.dataset.sector) el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function stopSpeaking() {
    speech.run += 1;
    for (const source of speech.sources) source.stop();
    for (const id of speech.timers) clearTimeout(id);
    speech.sources = [];
    speech.timers = [];
    markSpoken(null);
    root.dataset.speaking = "";
  }

  /** Read `steps` ({urls, mark}) one after another; a clip that fails to load is left out. */
  async function speak(what, steps) {
    stopSpeaking();
    const run = speech.run;
    root.dataset.speaking = what;
    const context = audio();
    const buffers = await Promise.all(steps.map((step) =>
      Promise.all(step.urls.map((url) => clip(url).catch(() => null)))));
    if (run !== speech.run) return;
    let at = context.currentTime + 0.05;
    const later = (seconds, action) => speech.timers.push(setTimeout(() => {
      if (run === speech.run) action();
    }, Math.max(0, (seconds - context.currentTime) * 1000)));
    steps.forEach((step, index) => {
      const loaded = buffers[index].filter(Boolean);
      if (!loaded.length) return;
      later(at, () => markSpoken(step.mark));
      for (const buffer of loaded) {
        const source = context.createBufferSource();
        source.buffer = buffer;
        source.connect(context.destination);
        source.start(at);
        speech.sources.push(source);
        at += buffer.duration + WORD_GAP_S;
      }
      at += STEP_GAP_S;
    });
    later(at, () => { markSpoken(null); root.dataset.speaking = ""; });
    restartTimer(); // the screen stays while it is being read
  }

  function readSectors() {
    const voice = config.voice;
    const open = [...root.querySelectorAll("[data-sector]")].filter((b) => !b.disabled);
    speak("sectors", [{ urls: [voice.choose], mark: null },
      ...open.map((button) => ({ urls: [voice.sectors[button.dataset.sector]], mark: button }))]);
  }

  async function readTicket() {
    const token = state.ticket;
    const url = new URL(config.voice.ticket, location.href);
    url.searchParams.set("number", $("ticket-number").textContent);
    let guidance;
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) return;
      guidance = await response.json();
    } catch (error) {
      return; // offline for a moment: the number stays on screen
    }
    if (state.screen !== "ticket" || state.ticket !== token) return;
    const [number, advice] = guidance.parts;
    speak("ticket", [{ urls: number, mark: $("ticket-number") }, { urls: advice, mark: null }]);
  }

  // --- sectors ----------------------------------------------------------------------------------

  function sectorLine(sector) {
    if (sector.availability !== "open") {
      const text = words.availability[sector.availability] || words.availability.closed;
      return fill(text, { windows: sector.issuing_windows.replace(/-/g, "–").replace(/,/g, ", ") });
    }
    if (!sector.waiting) return words.nobody_waiting;
    const waiting = plural(words.waiting, sector.waiting);
    if (!sector.estimated_wait_minutes) return waiting; // not estimated yet: the next refresh says
    return `${waiting} · ${fill(words.wait_about, { n: sector.estimated_wait_minutes })}`;
  }

  /** What the page drew and keeps until it reloads: the sectors, their order, names and icons. */
  const layout = (sectors) => JSON.stringify(sectors.map((s) => [s.code, s.name_vi, s.name_en, s.icon]));
  const drawn = layout(config.sectors);

  function applySectors(sectors) {
    config.sectors = sectors;
    if (layout(sectors) !== drawn) state.stale = true;
    for (const button of root.querySelectorAll("[data-sector]")) {
      // a sector deleted meanwhile issues no more: its button stays, disabled, until the reload
      const sector = sectors.find((s) => s.code === button.dataset.sector);
      button.disabled = state.busy || !sector || sector.availability !== "open";
      button.querySelector(".sector-status").textContent = sector ? sectorLine(sector) : words.availability.closed;
    }
  }

  /** Waiting counts as an event tells them, before the next refresh brings the estimates. */
  function applyWaiting(waiting) {
    for (const sector of config.sectors) {
      if (sector.code in waiting) sector.waiting = waiting[sector.code];
    }
    applySectors(config.sectors);
  }

  // Sectors are re-read on (re)connect, every minute, and after events — at most every
  // REFRESH_GAP_MS, since a busy hall sends many and every kiosk would re-read on each.
  let lastRefresh = 0;
  let refreshTimer = null;
  let clockOffsetMs = 0; // the hall's clock minus this PC's
  /** The hall's clock, not the kiosk PC's: the server's "now" sets the offset shown. */
  function syncClock(serverNow) {
    const server = Date.parse(serverNow);
    if (!Number.isNaN(server)) clockOffsetMs = server - Date.now();
  }
  syncClock(config.now);

  async function refreshSectors() {
    lastRefresh = Date.now();
    try {
      const response = await fetch(config.urls.sectors, { cache: "no-store" });
      if (response.ok) {
        const answer = await response.json();
        syncClock(answer.hall.now);
        if (answer.hall.name !== config.hallName) state.stale = true;
        applySectors(answer.sectors);
        if (state.stale && state.screen === "attract") restart(config.urls.idle); // nobody is using it
      }
    } catch (error) {
      // Offline for a moment: the sectors keep their last known state.
    }
  }
  function refreshSoon() {
    if (refreshTimer) return;
    const wait = Math.max(REFRESH_DELAY_MS, lastRefresh + REFRESH_GAP_MS - Date.now());
    refreshTimer = setTimeout(() => { refreshTimer = null; refreshSectors(); }, wait);
  }

  // --- issuing ----------------------------------------------------------------------------------

  /** A sector whose new tickets would be called after closing asks first (the hall chose to
      warn rather than stop issuing); any other sector issues at once. */
  function tapSector(code) {
    const sector = config.sectors.find((s) => s.code === code);
    if (!sector || !sector.past_closing || state.busy || state.screen !== "home") return issue(code);
    state.late = code;
    $("late-text").textContent = fill(words.past_closing, sector.estimated_wait);
    show("late");
  }

  /** One tap, one ticket: while a request is out, and once the ticket is on screen, further
      taps on sectors are ignored (a slow second tap of a double tap lands after the answer). */
  async function issue(sector) {
    if (state.busy || state.screen !== "home") return;
    state.busy = true;
    state.printNews.clear();
    for (const button of root.querySelectorAll("[data-sector]")) button.disabled = true;
    $("busy").hidden = false;
    const body = { sector };
    if (state.priority) body.priority = state.priority;
    let answer;
    try {
      const response = await fetch(config.urls.issue, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${config.token}` },
        body: JSON.stringify(body),
        cache: "no-store",
      });
      answer = { ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) };
    } catch (error) {
      answer = { ok: false, status: 0, body: {} };
    }
    if (answer.status === 401) return location.reload(); // unregistered meanwhile: say so
    state.busy = false;
    $("busy").hidden = true;
    applySectors(config.sectors);
    if (answer.ok) showTicket(answer.body);
    else showProblem(answer);
  }

  function showTicket(ticket) {
    state.ticket = ticket.token;
    $("ticket-booking").hidden = !ticket.booking;
    $("ticket-booking").textContent = ticket.booking ? ticket.booking.note : "";
    state.ticketId = ticket.id;
    state.ticketSector = ticket.sector;
    $("ticket-number").textContent = ticket.display_number;
    $("ticket-priority").hidden = !ticket.priority;
    $("ticket-priority").textContent = ticket.priority
      ? fill(words.priority_mark, { group: words.priority[ticket.priority] }) : "";
    $("ticket-sector").textContent = sectorName(ticket);
    $("ticket-ahead").textContent = ticket.ahead ? plural(words.ahead, ticket.ahead) : words.ahead_none;
    $("ticket-wait").textContent = ticket.estimated_wait_minutes ? fill(words.wait, ticket.estimated_wait) : "";
    $("ticket-counters").textContent = ticket.counters.length
      ? fill(words.counters, { counters: ticket.counters.join(", ") }) : "";
    $("ticket-qr").src = config.urls.qr.replace("TOKEN", encodeURIComponent(ticket.token));
    setPriority(null);
    showPrint(printMode(ticket));
    show("ticket");
    if (state.modes.voice) readTicket();
    requestAnimationFrame(() => setTimeout(() => {
      // from the tap on a sector; a booking's check-in (or a fresh page) has no such tap
      if (!performance.getEntriesByName("kiosk-tap", "mark").length) return;
      performance.mark("kiosk-ticket-shown");
      performance.measure("kiosk-tap-to-ticket", "kiosk-tap", "kiosk-ticket-shown");
      performance.clearMarks("kiosk-tap"); // a later check-in is not measured from this tap
    }));
    refreshSoon();
  }

  /** What the issuing answer and any news from the printer say about the slip. */
  function printMode(ticket) {
    if (state.printNews.has(ticket.token)) return state.printNews.get(ticket.token);
    if (!ticket.print_job) return "none";
    return { failed: "failed", printed: "printed", unconfirmed: "sent" }[ticket.print_job.status] || "printing";
  }

  /** How printing goes: "printing", "printed", "sent" (to a printer that cannot say whether it
   * printed), "failed", or "none" for a kiosk with no printer. */
  function showPrint(mode) {
    const photograph = mode === "failed" || mode === "none";
    state.photograph = photograph;
    $("screen-ticket").classList.toggle("failed", mode === "failed");
    $("print-status").hidden = mode === "failed";
    $("print-status").classList.toggle("printed", mode === "printed" || mode === "sent");
    $("print-text").textContent = {
      printing: words.printing, printed: words.printed, sent: words.sent, none: words.no_printer,
    }[mode] || "";
    $("print-failed").hidden = mode !== "failed";
    $("print-failed-title").textContent = words.print_failed;
    $("print-failed-detail").textContent = words.print_failed_detail;
  }

  function printNews(outcome, message) {
    const token = message && message.ticket_token;
    if (!token) return;
    if (state.ticket === token && state.screen === "ticket") {
      if (outcome === "failed" || !state.photograph) {
        showPrint(outcome);
        restartTimer();
      }
    } else if (state.busy) {
      // The printer can answer before the kiosk hears back about its own ticket.
      state.printNews.set(token, outcome);
      if (state.printNews.size > KEEP_PRINT_NEWS) state.printNews.delete(state.printNews.keys().next().value);
    }
  }

  function showProblem(answer) {
    const code = answer.status === 0 ? "network" : answer.status === 429 ? "rate_limited"
      : answer.body.error && answer.body.error.code;
    $("message-text").textContent = words.errors[code] || words.errors.other;
    setPriority(null);
    show("message");
    refreshSectors();
  }

  // --- the optional phone number: "còn N người nữa" and the call, by SMS or Zalo -------------

  function renderPhone() {
    $("phone-number").textContent = state.phone;
    $("phone-problem").hidden = true;
  }

  function typeDigit(digit) {
    if (state.phone.length < 12) state.phone += digit;
    renderPhone();
  }

  async function givePhone() {
    if (!state.phone || state.busy) return;
    state.busy = true;
    let answer;
    try {
      const response = await fetch(config.urls.phone.replace("/ID/", `/${state.ticketId}/`), {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${config.token}` },
        body: JSON.stringify({ phone: state.phone }),
        cache: "no-store",
      });
      answer = { ok: response.ok, body: await response.json().catch(() => ({})) };
    } catch (error) {
      answer = { ok: false, body: {} };
    }
    state.busy = false;
    if (answer.ok) {
      $("phone-done").hidden = false;
      clearTimeout(timer);
      timer = setTimeout(goHome, 3000); // said, then the next citizen
      return;
    }
    restartTimer();
    const problem = $("phone-problem");
    const invalid = answer.body.error && answer.body.error.code === "invalid_input";
    problem.textContent = invalid ? problem.dataset.invalid : problem.dataset.other;
    problem.hidden = false;
  }

  // --- "Thủ tục": a sector's procedures, one procedure's papers, its checklist printed ----------

  /** Fragments come rendered (and escaped) by the server, in the kiosk's language. */
  async function fragment(url) {
    const separator = url.includes("?") ? "&" : "?";
    try {
      const response = await fetch(`${url}${separator}lang=${config.lang}`,
        { cache: "no-store", credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      return response.ok ? body.html : null;
    } catch (error) {
      return null;
    }
  }

  function paneSays(html, reading) {
    $("screen-procedures").classList.toggle("reading", reading); // the papers get the whole height
    const pane = $("procedure-pane");
    if (html === null) {
      pane.replaceChildren(Object.assign(document.createElement("p"),
        { className: "lookup-error", textContent: words.errors.network }));
    } else {
      pane.innerHTML = html;
    }
    pane.scrollTop = 0;
    restartTimer();
  }

  function openProcedures(sector) {
    $("screen-procedures").classList.remove("reading");
    show("procedures");
    if (sector) showProcedures(sector);
  }

  async function showProcedures(sector) {
    for (const button of root.querySelectorAll("[data-procedure-sector]")) {
      const chosen = button.dataset.procedureSector === sector;
      button.setAttribute("aria-pressed", String(chosen));
      // in sight in its list when opened from the ticket (the list may scroll)
      if (chosen) button.scrollIntoView({ block: "nearest" });
    }
    state.procedure = null;
    paneSays(await fragment(`${config.urls.procedures}?sector=${encodeURIComponent(sector)}`), false);
  }

  async function showProcedure(code) {
    state.procedure = code;
    paneSays(await fragment(config.urls.procedure.replace("CODE", encodeURIComponent(code))), true);
  }

  async function printChecklist() {
    const answer = $("procedure-pane").querySelector("[data-print-answer]");
    if (!state.procedure || !answer) return;
    let ok = false;
    let message = words.checklist.failed;
    try {
      const response = await fetch(config.urls.print_checklist.replace("CODE", encodeURIComponent(state.procedure)),
        { method: "POST", cache: "no-store", credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      ok = response.ok && body.status !== "failed";
      if (!response.ok && body.error) message = body.error.message;
    } catch (error) {
      ok = false;
    }
    answer.textContent = ok ? words.checklist.printing : message;
    answer.dataset.state = ok ? "printing" : "failed";
    answer.scrollIntoView({ block: "nearest" });
    restartTimer();
  }

  // --- look-up: the on-screen keypad and a USB scanner typing like a keyboard ------------------

  function renderCode() {
    $("lookup-code").textContent = state.code;
    $("booking-code").textContent = state.code;
  }

  function clearLookup() {
    state.code = "";
    state.codeLookedUp = false;
    renderCode();
  }

  function typeKey(key) {
    if (state.codeLookedUp) clearLookup(); // a key after a look-up starts a new code
    if (state.code.length < 12) state.code += key;
    renderCode();
  }

  async function lookUp(code) {
    if (!code.trim()) return;
    state.codeLookedUp = true;
    if (state.screen !== "lookup") show("lookup");
    const result = $("lookup-result");
    result.replaceChildren(Object.assign(document.createElement("p"),
      { className: "lookup-empty", textContent: words.lookup.searching }));
    let answer;
    try {
      const response = await fetch(config.urls.lookup, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code }), cache: "no-store", credentials: "same-origin",
      });
      answer = { ok: response.ok, body: await response.json().catch(() => ({})) };
    } catch (error) {
      answer = { ok: false, body: { error: { message: words.lookup.network } } };
    }
    if (answer.ok) {
      result.innerHTML = answer.body.html; // rendered and escaped by the server's template
    } else {
      const message = (answer.body.error && answer.body.error.message) || words.lookup.network;
      result.replaceChildren(Object.assign(document.createElement("p"),
        { className: "lookup-error", textContent: message }));
    }
    restartTimer();
  }

  // --- check-in with a booking: its QR code, its code on the keypad, or the chip ID card -----------

  function showBookingNote(text, problem) {
    $("booking-result").replaceChildren(Object.assign(document.createElement("p"),
      { className: problem ? "lookup-error" : "lookup-empty", textContent: text }));
  }

  async function checkIn(code) {
    if (!code.trim() || state.busy) return;
    state.codeLookedUp = true;
    if (state.screen !== "booking") show("booking");
    state.busy = true;
    showBookingNote(words.booking.checking, false);
    let answer;
    try {
      const response = await fetch(config.urls.check_in, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${config.token}` },
        body: JSON.stringify({ code }), cache: "no-store",
      });
      answer = { ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) };
    } catch (error) {
      answer = { ok: false, status: 0, body: {} };
    }
    state.busy = false;
    if (answer.status === 401) return location.reload();
    if (answer.ok) return showTicket(answer.body);
    const error = answer.body.error || {};
    // The kiosk's own words for issuing refusals (closed sector, hours, cap), else the server's.
    const message = answer.status === 429 ? words.errors.rate_limited
      : words.errors[error.code] || error.message || words.booking.network;
    showBookingNote(message, true); // the refusal in words, on the same screen: try again or ask
    restartTimer();
  }

  let scanned = "";
  let lastKeyAt = 0;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || state.busy || state.screen === "phone") return;
    const now = performance.now();
    if (now - lastKeyAt > SCAN_GAP_MS) scanned = "";
    lastKeyAt = now;
    restartTimer();
    if (event.key === "Enter") {
      event.preventDefault();
      if (scanned) {
        clearLookup();
        if (state.screen === "booking" || scanned.includes(BOOKING_LINK)) checkIn(scanned);
        else lookUp(scanned);
        scanned = "";
      }
    } else if (event.key.length === 1) {
      event.preventDefault();
      scanned += event.key;
    }
  });

  // --- the clock, live updates ------------------------------------------------------------------

  const clockFormat = new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "vi-VN",
    { hour: "2-digit", minute: "2-digit", timeZone: config.timeZone });
  function tick() {
    const now = clockFormat.format(new Date(Date.now() + clockOffsetMs));
    for (const el of document.querySelectorAll("[data-clock]")) el.textContent = now;
  }
  tick();
  setInterval(tick, 10000);
  setInterval(refreshSectors, 60000); // issuing windows open and close with the clock

  if (typeof io === "function") {
    // Sectors are re-read on every (re)connect and resync: missed events are not replayed.
    const socket = LiveLink.connect({
      namespace: "/kiosk", auth: { token: config.token }, refetch: refreshSectors,
      downAfterMs: 2000, onStatus: (up) => { $("link-status").hidden = up; },
      onEvent: (name, message) => {
        if (message && message.waiting) {
          applyWaiting(message.waiting);
          refreshSoon();
        }
      },
    });
    socket.on(EVENTS.PRINT_FAILED, (message) => printNews("failed", message));
    socket.on(EVENTS.PRINT_PRINTED, (message) => printNews("printed", message));
    socket.on(EVENTS.PRINT_UNCONFIRMED, (message) => printNews("sent", message));
  }

  applySectors(config.sectors);
  const attract = new URLSearchParams(location.search).get("screen") === "attract";
  const kept = attract ? null : JSON.parse(sessionStorage.getItem(MODES_KEY) || "null");
  setModes({ ...state.modes, ...(kept || {}) });
  show(attract ? "attract" : "home");
})();
