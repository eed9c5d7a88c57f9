// The search page (theme/templates/search.html): asks the Pagefind index that plugins/search
// builds, through Pagefind's JS API, and lists the results. Every word it shows comes from the
// page itself (data-* attributes and the filters' options), so it speaks the page's language.
// Without this script the page shows the lists to browse instead; with it, the form appears.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const FILTERS = ["prefecture", "kind", "language", "year"];
const selects = Object.fromEntries(
  FILTERS.map((name) => [name, document.getElementById(`search-${name}`)]).filter(([, el]) => el),
);
const PAGE = 20; // results shown at once
const lang = document.documentElement.lang;
const dates = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
  dateStyle: "long",
  timeZone: "UTC",
});

let pagefind = null;
let latest = 0; // the newest search: answers to older ones are dropped
let pending = [];

function say(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

function optionText(name, value) {
  const option = selects[name] && [...selects[name].options].find((o) => o.value === value);
  return option ? option.textContent : "";
}

async function load() {
  const bundle = new URL(root.dataset.bundle, document.baseURI).href;
  const base = new URL(root.dataset.base, document.baseURI).pathname;
  const api = await import(new URL("pagefind.js", bundle).href);
  await api.options({ baseUrl: base, excerptLength: 24 });
  await api.init();
  // Pagefind answers from the index of the page's language; pages written in the other
  // language are in their own index of the same bundle, merged in.
  for (const other of ["en", "ja"]) {
    if (other !== lang) {
      await api.mergeIndex(bundle, { language: other, baseUrl: base });
    }
  }
  return api;
}

// Pagefind's excerpt is text with <mark> around the matches: keep exactly that, as nodes.
function excerpt(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "search-excerpt";
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.append(node.textContent);
    } else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

function item(data) {
  const li = document.createElement("li");
  const written = (data.filters.language || [])[0];
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  heading.append(link);
  const facts = document.createElement("p");
  facts.className = "meta";
  const parts = [
    optionText("prefecture", (data.filters.prefecture || [])[0]),
    optionText("kind", (data.filters.kind || [])[0]),
  ].filter(Boolean);
  facts.append(parts.join(" · "));
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date;
    time.textContent = dates.format(new Date(`${data.meta.date}T00:00:00Z`));
    facts.append(parts.length ? " · " : "", time);
  }
  const body = excerpt(data.excerpt);
  if (written && written !== lang) {
    link.lang = written;
    body.lang = written;
    const language = document.createElement("span");
    language.lang = written;
    language.textContent = optionText("language", written);
    facts.append(" · ", language);
  }
  li.append(heading, facts, body);
  return li;
}

async function showMore(button) {
  const batch = pending.splice(0, PAGE);
  const items = await Promise.all(batch.map((result) => result.data()));
  list.append(...items.map(item));
  button.hidden = pending.length === 0;
}

function chosen() {
  const filters = {};
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) filters[name] = select.value;
  }
  return filters;
}

function remember(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function run() {
  const query = input.value.trim();
  const filters = chosen();
  remember(query, filters);
  const mine = ++latest;
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  status.textContent = root.dataset.searching;
  const found = await pagefind.search(query || null, { filters });
  if (mine !== latest) return;
  const results = found ? found.results : [];
  pending = [...results];
  list.replaceChildren();
  await showMore(more);
  if (mine !== latest) return;
  const label =
    query ||
    Object.entries(filters)
      .map(([name, value]) => optionText(name, value))
      .join(", ");
  const count = results.length;
  let message = say(
    count === 0 ? root.dataset.none : count === 1 ? root.dataset.one : root.dataset.many,
    { count: count.toLocaleString(lang), query: label },
  );
  if (count > PAGE) message += ` ${say(root.dataset.more, { shown: PAGE })}`;
  status.textContent = message;
  root.dataset.answered = String(mine); // the searches answered so far (tests wait for it)
}

const more = document.createElement("button");
more.type = "button";
more.className = "search-more";
more.hidden = true;
more.textContent = root.dataset.showMore;
more.addEventListener("click", () => showMore(more));
list.after(more);

let timer = 0;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(run, 250);
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const [name, select] of Object.entries(selects)) {
    const value = params.get(name);
    if (value && [...select.options].some((o) => o.value === value)) select.value = value;
  }
  document.getElementById("search-fallback").hidden = true;
  form.hidden = false;
  try {
    pagefind = await load();
  } catch (error) {
    form.hidden = true;
    document.getElementById("search-fallback").hidden = false;
    status.textContent = root.dataset.failed;
    throw error;
  }
  // No <form>: the page's policy allows no form submission (form-action 'none'), so Enter
  // and the button search here.
  const now = () => {
    clearTimeout(timer);
    run();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      now();
    }
  });
  document.getElementById("search-button").addEventListener("click", now);
  input.addEventListener("input", soon);
  for (const select of Object.values(selects)) select.addEventListener("change", run);
  root.dataset.ready = "true"; // tests wait for this
  if (input.value || Object.keys(chosen()).length) await run();
}

start();
