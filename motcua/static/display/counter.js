// The display above one counter: the ticket it is serving, or "Tạm nghỉ" / "Quầy đóng"; while
// it waits for the next citizen, the officer's name and the sectors it serves.
// It listens to its counter's room only; a call shows at once from the event, and every
// event, every reconnect and every minute re-read the counter over HTTP, so the screen shows
// the truth.
import { HallClock, connectLive, make, readConfig, replay } from "./live.js";

const RESYNC_MS = 60000; // the display re-reads the truth this often, events or not

const config = readConfig();
const text = config.strings;
const $ = (id) => document.getElementById(id);

let counter = config.state.counter;

function render() {
  const desk = $("desk");
  desk.dataset.state = counter.state;
  let caption = "";
  let big = "";
  if (counter.state === "paused") {
    big = text.paused;
  } else if (counter.state === "closed") {
    big = text.closed;
  } else if (counter.current) {
    caption = counter.current.status === "called" ? text.calling : text.serving;
    big = counter.current.display_number;
  } else {
    big = text.idle;
  }
  desk.classList.toggle("desk-has-ticket", counter.state === "open" && Boolean(counter.current));
  $("desk-caption").textContent = caption;
  $("desk-ticket").textContent = big;
  renderIdle(counter.state === "open" && !counter.current);
}

function renderIdle(idle) {
  $("desk-idle").hidden = !idle;
  $("desk-officer").hidden = !counter.officer;
  $("desk-officer").textContent = counter.officer ? text.officer.replace("{name}", counter.officer) : "";
  $("desk-sectors").replaceChildren(...counter.sectors.map(
    (code) => make("li", null, config.sector_names[code] ?? code)));
}

const readCounter = LiveLink.reader(config.urls.state, (data) => {
  counter = data.counter;
  render();
});

function onEvent(name, message) {
  const ticket = message.ticket;
  if ((name === EVENTS.TICKET_CALLED || name === EVENTS.TICKET_RECALLED) && ticket?.counter === config.counter) {
    counter = { ...counter, current: { ...ticket, status: "called" } };
    render();
    replay($("desk"), "flash");
  }
  readCounter();
}

const clock = new HallClock(config.time_zone, config.lang);
clock.sync(config.state.now);
clock.show($("clock-time"));
render();
connectLive({
  namespace: config.namespace,
  auth: { hall: config.hall, counter: config.counter },
  statusElement: $("link-status"),
  onConnect: readCounter,
  onEvent,
});
setInterval(readCounter, RESYNC_MS + Math.random() * 10000);
