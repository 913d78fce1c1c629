/* A ticket's phone page, live: the state comes from GET /api/v1/tickets/<token> on every
   (re)connect and every nudge from the ticket's Socket.IO room; when the ticket is called
   the phone vibrates and chimes where it is allowed to. Words come from #ticket-config. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const config = JSON.parse($("ticket-config").textContent);
  const words = config.words;
  const REFRESH_WHILE_WAITING_MS = 30000; // people ahead change with other citizens' calls
  let status = config.status;
  let audio = null; // an AudioContext, once the citizen tapped "sound on"

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const plural = (forms, n) => fill(n === 1 ? forms.one : forms.other, { n });
  const dayOf = (iso) => iso.split("-").reverse().join("/");

  /** Headline and lines, as motcua.kiosk.texts.describe_ticket tells them on the server. */
  function describe(ticket) {
    const sector = config.lang === "en" ? ticket.sector.name_en : ticket.sector.name_vi;
    const values = { counter: ticket.counter, number: ticket.display_number, date: dayOf(ticket.day), sector };
    const state = ticket.is_today ? ticket.status : "other_day";
    if (state !== "waiting") {
      return { state, headline: fill(words.headline[state], values), lines: [fill(words.detail[state], values)] };
    }
    const lines = [];
    if (ticket.transferred) lines.push(fill(words.detail.transferred, values));
    lines.push(ticket.ahead ? plural(words.ahead, ticket.ahead) : words.ahead_none);
    if (ticket.estimated_wait_minutes) lines.push(fill(words.wait, { n: ticket.estimated_wait_minutes }));
    return { state, headline: words.headline.waiting, lines };
  }

  function render(ticket) {
    const told = describe(ticket);
    $("ticket").dataset.state = told.state;
    $("number").textContent = ticket.display_number;
    $("sector").textContent = config.lang === "en" ? ticket.sector.name_en : ticket.sector.name_vi;
    $("headline").textContent = told.headline;
    $("lines").replaceChildren(...told.lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    if (told.state === "called") {
      document.title = fill(words.called_title, { counter: ticket.counter, number: ticket.display_number });
    }
  }

  function chime() {
    if (!audio) return;
    const start = audio.currentTime;
    [880, 660].forEach((frequency, i) => {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, start + i * 0.45);
      volume.gain.exponentialRampToValueAtTime(0.4, start + i * 0.45 + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.45 + 0.4);
      tone.connect(volume).connect(audio.destination);
      tone.start(start + i * 0.45);
      tone.stop(start + i * 0.45 + 0.42);
    });
  }

  function alertCitizen() {
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    chime();
  }

  async function refresh() {
    let fresh;
    try {
      const response = await fetch(config.urls.status, { cache: "no-store" });
      if (!response.ok) return;
      fresh = await response.json();
    } catch (error) {
      return; // offline for a moment: the next reconnect refreshes
    }
    const newlyCalled = fresh.status === "called" && fresh.is_today
      && (status.status !== "called" || fresh.call_count > status.call_count);
    status = fresh;
    render(status);
    if (newlyCalled) alertCitizen();
  }

  function connection(state) {
    $("connection").dataset.state = state;
    $("connection").textContent = state === "live" ? words.live : words.offline;
  }

  $("sound").addEventListener("click", () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context) {
      audio = new Context();
      chime();
    }
    $("sound").disabled = true;
    $("sound").querySelector("span").textContent = words.sound_on;
  });

  if (typeof io === "function") {
    const socket = io("/ticket", { auth: { token: config.token } });
    socket.on("connect", () => { connection("live"); refresh(); });
    socket.on("disconnect", () => connection("offline"));
    socket.on("connect_error", () => connection("offline"));
    // called, recalled, started, completed, no-show, transferred; and resync, when the
    // server's message queue may have lost some of them
    socket.onAny(refresh);
  }
  setInterval(() => { if (status.status === "waiting" && status.is_today) refresh(); }, REFRESH_WHILE_WAITING_MS);
})();
