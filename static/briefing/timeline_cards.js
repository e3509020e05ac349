// The timeline's page of cards as one element (issue 25): a Streamlit component (v2, no
// iframe) drawing the cards and their "Show on map" buttons in the page itself.
//
// data = {cards: [[id, html, past], ...], scroll: [id, n] or null}: the cards in order
// (the picked one highlighted by its html) and the last request to scroll to a card.
// The cards' html is escaped by layers/web/timeline_panel.py (layers/web/html.py): it is
// the only markup inserted; ids and labels go in through textContent and dataset, never
// as markup. A click (mouse, Enter or Space on the focused button) sends the card's id as
// the trigger "picked" (a trigger is sent once per click: the same card can be picked
// again). A date change calls this function again with new data: the cards are updated
// in place (a card's content only when its html changed), so a focused button keeps its
// focus and nothing is laid out again that did not change.

const LABEL = "Show on map";

function card(id) {
  const box = document.createElement("div");
  box.className = "bm-card";
  const body = document.createElement("div");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = LABEL;
  button.dataset.pick = id;
  box.append(body, button);
  return { id: id, box: box, body: body, button: button, html: null, past: null };
}

function fill(item, html, past) {
  if (item.html !== html) {
    item.body.innerHTML = html; // escaped by the one path (layers/web/html.py)
    item.html = html;
  }
  if (item.past !== past) {
    item.button.className = past ? "bm-pick bm-pick-past" : "bm-pick bm-pick-later";
    item.past = past;
  }
}

// The nearest ancestor that scrolls (the timeline's box), never the page.
function scroller(el) {
  let box = el.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 1 &&
      /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  return box;
}

function scrollTo(items, id) {
  const item = items.get(id);
  if (!item) return;
  const box = scroller(item.box);
  if (!box || box === document.documentElement || box === document.body) return;
  const c = item.box.getBoundingClientRect(), b = box.getBoundingClientRect();
  box.scrollTop += (c.top - b.top) - (b.height - Math.min(c.height, b.height)) / 2;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(":scope > .bm-timeline");
  if (!root) {
    root = document.createElement("div");
    root.className = "bm-timeline";
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-pick]");
      if (button) setTriggerValue("picked", button.dataset.pick);
    });
    root.bmItems = new Map();
    root.bmOrder = [];
    root.bmScrolled = null;
    parentElement.appendChild(root);
  }
  const cards = (data && data.cards) || [];
  const items = root.bmItems;
  const order = cards.map((c) => String(c[0]));
  const same = order.length === root.bmOrder.length &&
    order.every((id, i) => id === root.bmOrder[i]);
  if (!same) {
    const focused = document.activeElement && root.contains(document.activeElement)
      ? document.activeElement.dataset.pick : null;
    const next = new Map();
    const boxes = order.map((id) => {
      const item = items.get(id) || card(id);
      next.set(id, item);
      return item.box;
    });
    root.replaceChildren(...boxes);
    root.bmItems = next;
    root.bmOrder = order;
    if (focused && next.has(focused)) next.get(focused).button.focus();
  }
  cards.forEach((c) => fill(root.bmItems.get(String(c[0])), String(c[1]), Boolean(c[2])));
  const scroll = data && data.scroll;
  const request = scroll ? scroll[0] + "#" + scroll[1] : null;
  if (request && request !== root.bmScrolled) {
    root.bmScrolled = request;
    requestAnimationFrame(() => scrollTo(root.bmItems, String(scroll[0])));
  }
}
