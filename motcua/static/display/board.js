// The hall board: the number being called (large, flashing), the last calls, each open
// counter with its number, people waiting per sector, the clock and the notices. Events
// update it at once; the full state is re-read on every (re)connect and every minute.
import { HallClock, connectLive, make, readConfig, replay } from "./live.js";
import { ClipPlayer } from "./player.js";

const RECENT_SHOWN = 6; // calls listed under the current one
const RECENT_KEPT = 12;
const RESYNC_MS = 60000; // a board re-reads the truth this often, spread over boards
const FRESH_MS = 8000; // a counter tile stays highlighted this long after a call
const TICKER_SPEED = 140; // pixels per second of the scrolling notices
const DENSE_FROM = 12; // more counters than this get smaller tiles, six to a row
const ROOMY_UP_TO = 6; // this few sectors are listed in one column, in larger type

const config = readConfig();
const text = config.strings;
const onlySectors = new Set(config.sectors);
const shows = (sector) => onlySectors.size === 0 || onlySectors.has(sector);
const $ = (id) => document.getElementById(id);

const board = {
  sectors: [], // {code, name, waiting}
  counters: new Map(), // number -> {number, state, sectors, current, freshUntil}
  recent: [], // {display_number, counter, sector}, newest first
  notices: [],
};

const clock = new HallClock(config.time_zone, config.lang);
clock.show($("clock-time"), $("clock-date"));

function sectorName(code) {
  return board.sectors.find((s) => s.code === code)?.name ?? "";
}

function call(ticket) {
  return { display_number: ticket.display_number, counter: ticket.counter, sector: ticket.sector };
}

function applyState(state) {
  board.sectors = state.sectors.map((s) => ({
    code: s.code, name: config.lang === "en" ? s.name_en : s.name_vi, waiting: s.waiting,
  }));
  const before = board.counters;
  board.counters = new Map(state.counters.map((c) => [c.number, {
    number: c.number,
    state: c.state,
    sectors: c.sectors,
    current: c.current,
    freshUntil: before.get(c.number)?.freshUntil ?? 0,
  }]));
  board.recent = state.recent_calls.filter((c) => shows(c.sector)).map(call).slice(0, RECENT_KEPT);
  $("hall-name").textContent = state.hall.name; // renamed in the admin: re-read on HALL_CHANGED
  clock.sync(state.hall.now);
  render();
}

function applyNotices(notices) {
  const changed = notices.join("\n") !== board.notices.join("\n");
  board.notices = notices;
  if (changed) renderTicker();
}

const readState = LiveLink.reader(config.urls.state, applyState);
const readNotices = LiveLink.reader(config.urls.notices, (data) => applyNotices(data.notices));
const resync = () => Promise.all([readState(), readNotices()]);

// --- voice ----------------------------------------------------------------------------------

let player = null;
if (config.voice.enabled) {
  player = new ClipPlayer({
    onBlocked: () => { $("audio-help").hidden = false; },
    onAllowed: () => { $("audio-help").hidden = true; },
    onSpeaking: (sentence) => { $("spoken").textContent = sentence; },
  });
  player.allowed().then(() => player.preload(config.voice.preload));
}

function announce(ticket) {
  if (player === null || ticket.counter === null) return;
  const query = new URLSearchParams({ number: ticket.display_number, counter: ticket.counter });
  player.enqueue(fetch(`${config.voice.announcement}?${query}`).then((r) => (r.ok ? r.json() : null)));
}

// --- events ---------------------------------------------------------------------------------

function setCurrent(counterNumber, ticket) {
  const counter = board.counters.get(counterNumber);
  if (counter) counter.current = ticket;
}

function clearCurrent(counterNumber, displayNumber) {
  const counter = board.counters.get(counterNumber);
  if (counter && counter.current?.display_number === displayNumber) counter.current = null;
}

function called(ticket) {
  setCurrent(ticket.counter, ticket);
  if (!shows(ticket.sector)) return;
  board.recent = [call(ticket), ...board.recent.filter(
    (c) => c.display_number !== ticket.display_number)].slice(0, RECENT_KEPT);
  const counter = board.counters.get(ticket.counter);
  if (counter) counter.freshUntil = Date.now() + FRESH_MS;
  replay($("now"), "flash");
  announce(ticket);
  setTimeout(renderCounters, FRESH_MS + 100);
}

function onEvent(name, message) {
  if (message.waiting) {
    for (const sector of board.sectors) {
      if (sector.code in message.waiting) sector.waiting = message.waiting[sector.code];
    }
  }
  const ticket = message.ticket;
  switch (name) {
    case EVENTS.TICKET_CALLED:
    case EVENTS.TICKET_RECALLED:
      called(ticket);
      break;
    case EVENTS.TICKET_STARTED:
      setCurrent(ticket.counter, ticket);
      break;
    case EVENTS.TICKET_COMPLETED:
    case EVENTS.TICKET_NO_SHOW:
      clearCurrent(ticket.counter, ticket.display_number);
      break;
    case EVENTS.TICKET_TRANSFERRED:
      clearCurrent(message.from_counter, ticket.display_number);
      break;
    case EVENTS.COUNTER_CHANGED: {
      const counter = board.counters.get(message.counter);
      if (counter === undefined) {
        readState(); // a counter this board has not seen yet
        break;
      }
      counter.state = message.state;
      if (message.state === "closed") counter.current = null;
      break;
    }
    case EVENTS.NOTICES_CHANGED:
      applyNotices(message.notices);
      break;
    case EVENTS.SECTOR_CHANGED: // administration renamed, reordered, opened or closed a sector
    case EVENTS.HALL_CHANGED:
      readState();
      break;
    default:
      break;
  }
  render();
  if (readState.busy()) readState(); // a read under way may predate this event: read again after
}

// --- drawing --------------------------------------------------------------------------------

function renderNow() {
  const now = board.recent[0];
  $("now-number").textContent = now ? now.display_number : "—";
  $("now-counter").textContent = now && now.counter !== null ? now.counter : "—";
  $("now-sector").textContent = now ? sectorName(now.sector) : "";
}

function renderRecent() {
  const list = $("recent-list");
  list.replaceChildren(...board.recent.slice(1, 1 + RECENT_SHOWN).map((c) => {
    const item = make("li", "recent-item");
    item.append(make("span", "recent-number", c.display_number), make("span", "recent-arrow", "→"),
      make("span", "recent-counter", `${text.counter} ${c.counter ?? "—"}`));
    return item;
  }));
}

function renderCounters() {
  const shown = [...board.counters.values()].filter(
    (c) => c.state !== "closed" && c.sectors.some(shows));
  const tiles = shown.map((c) => {
    const tile = make("li", `tile tile-${c.state}`);
    if (c.freshUntil > Date.now()) tile.classList.add("tile-fresh");
    tile.append(make("span", "tile-label", `${text.counter} ${c.number}`));
    if (c.state === "paused") tile.append(make("span", "tile-note", text.paused));
    else if (c.current) tile.append(make("span", "tile-number", c.current.display_number));
    else tile.append(make("span", "tile-note", text.idle));
    return tile;
  });
  if (tiles.length === 0) tiles.push(make("li", "tile tile-none", text.no_counters));
  const grid = $("counter-grid");
  grid.classList.toggle("dense", tiles.length > DENSE_FROM);
  grid.replaceChildren(...tiles);
}

function renderWaiting() {
  const items = board.sectors.filter((s) => shows(s.code)).map((s) => {
    const item = make("li", s.waiting > 0 ? "waiting-item" : "waiting-item waiting-none");
    item.append(make("span", "waiting-name", s.name), make("span", "waiting-count", s.waiting));
    return item;
  });
  const list = $("waiting-list");
  list.classList.toggle("roomy", items.length <= ROOMY_UP_TO);
  list.replaceChildren(...items);
}

function renderTicker() {
  const footer = $("ticker");
  const line = $("ticker-line");
  footer.hidden = board.notices.length === 0;
  line.textContent = board.notices.join("     •     ");
  if (footer.hidden) return;
  // Constant reading speed whatever the length: the line crosses the screen and its own width.
  const distance = footer.clientWidth + line.scrollWidth;
  line.style.setProperty("--ticker-duration", `${Math.max(distance / TICKER_SPEED, 8)}s`);
  replay(line, "ticker-run");
}

function render() {
  renderNow();
  renderRecent();
  renderCounters();
  renderWaiting();
}

// --- start ----------------------------------------------------------------------------------

applyState(config.state);
board.notices = config.notices;
renderTicker();
connectLive({
  namespace: config.namespace,
  auth: { hall: config.hall },
  statusElement: $("link-status"),
  onConnect: resync,
  onEvent,
});
setInterval(resync, RESYNC_MS + Math.random() * 10000);
