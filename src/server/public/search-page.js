// The search page: as-you-type results, suggestions (ARIA combobox), facets,
// sorting, dates, pagination and history, on top of the server-rendered page. The server
// renders every piece of the page: for a new address this script asks it for
// the pieces (GET /fragments with the page's parameters) and swaps them in,
// so the page is the same with and without JavaScript, where the plain form
// and links do the same job.
import { arabicNumber, searchHref } from './format.js';

const SEARCH_DELAY = 200;
const SUGGEST_DELAY = 120;

const $ = (id) => document.getElementById(id);
const form = $('search-form');
const input = /** @type {HTMLInputElement} */ ($('q'));
const list = $('suggestions');
const modeSelect = $('mode');
const sortSelect = /** @type {HTMLSelectElement} */ ($('sort'));
const fromInput = /** @type {HTMLInputElement} */ ($('from'));
const toInput = /** @type {HTMLInputElement} */ ($('to'));
const statusLine = $('status');
const notice = $('notice');
const results = $('results');
const facets = $('facets');
const collapseLine = $('collapse');
const pager = $('pager');
const failed = /** @type {HTMLTemplateElement} */ ($('search-failed'));

/** @typedef {{ q: string, page: number, mode: string, source?: string, from?: string, to?: string, sort: string, collapse: boolean, correct: boolean }} State */

const no = (v) => v === 'false' || v === '0';

/** What an address asks for, read as the form shows it (the server validates it). @param {string} href @returns {State} */
function stateFrom(href) {
  const p = new URL(href, location.origin).searchParams;
  return {
    q: (p.get('q') ?? '').trim(),
    page: Number(p.get('page')) || 1,
    mode: p.get('mode') === 'all' ? 'all' : 'any',
    // An empty source is a choice (documents without one); a missing one is none.
    source: p.get('source') ?? undefined,
    from: p.get('from') || undefined,
    to: p.get('to') || undefined,
    sort: p.get('sort') === 'newest' ? 'newest' : 'relevance',
    collapse: !no(p.get('collapse')),
    correct: !no(p.get('correct')),
  };
}

/** Element with optional attributes and children. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}

let state = stateFrom(location.href);

// ---------- showing an address ----------

/** The server's pieces of the page, each in its place. */
function render(pieces) {
  document.title = pieces.title;
  statusLine.textContent = pieces.status;
  notice.innerHTML = pieces.notice;
  facets.innerHTML = pieces.facets;
  collapseLine.innerHTML = pieces.collapse;
  results.innerHTML = pieces.results;
  pager.innerHTML = pieces.pager;
}

/** The server could not answer: the page's own notice, with the server's reason when it gave one. */
function showFailure(message) {
  statusLine.textContent = '';
  facets.replaceChildren();
  collapseLine.replaceChildren();
  results.replaceChildren();
  pager.replaceChildren();
  const box = /** @type {DocumentFragment} */ (failed.content.cloneNode(true));
  if (message) box.querySelector('.detail').textContent = message;
  notice.replaceChildren(box);
}

let fetchController;
let fetchSeq = 0;

async function show(href) {
  fetchController?.abort();
  const ctrl = new AbortController();
  fetchController = ctrl;
  const mine = ++fetchSeq;
  results.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`/fragments${new URL(href, location.origin).search}`, { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    const body = await res.json().catch(() => null);
    if (mine !== fetchSeq) return;
    // 200 and 400 (a bad parameter) both bring the pieces; anything else is a failure.
    if (typeof body?.results === 'string') render(body);
    else showFailure(res.status < 500 ? body?.error?.message : undefined);
  } catch (e) {
    if (e?.name === 'AbortError' || mine !== fetchSeq) return;
    showFailure(undefined);
  } finally {
    if (mine === fetchSeq) results.removeAttribute('aria-busy');
  }
}

/** The form's hidden field `name`: present with `value`, or absent when undefined. */
function syncHidden(name, value) {
  let field = form.querySelector(`input[name="${name}"]`);
  if (value === undefined) {
    field?.remove();
    return;
  }
  if (!field) {
    field = el('input', { type: 'hidden', name });
    form.querySelector('.search-button').before(field);
  }
  field.value = value;
}

function syncForm(s) {
  if (input.value.trim() !== s.q) input.value = s.q;
  if (modeSelect) modeSelect.value = s.mode;
  sortSelect.value = s.sort;
  fromInput.value = s.from ?? '';
  toInput.value = s.to ?? '';
  syncHidden('source', s.source);
  syncHidden('collapse', s.collapse ? undefined : 'false');
}

/**
 * Shows state `s` at address `href` (made from `s` unless it comes from a link
 * or the history, which are shown as they are): history entry ('push' |
 * 'replace' | 'none'), form, pieces.
 */
function go(s, how, href = searchHref(s)) {
  state = s;
  const here = location.pathname + location.search;
  if (how === 'push' && href !== here) history.pushState(null, '', href);
  else if (how !== 'none' && href !== here) history.replaceState(null, '', href);
  syncForm(s);
  return show(href);
}

let searchTimer;
function scheduleSearch() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    const q = input.value.trim();
    if (q === state.q) return;
    // A new burst of typing from a page without a query gets its own history entry; refinements replace it.
    go({ ...state, q, page: 1, correct: true }, state.q ? 'replace' : 'push');
  }, SEARCH_DELAY);
}

function searchNow(s, href) {
  clearTimeout(searchTimer);
  clearTimeout(suggestTimer);
  closeSuggestions();
  go(s, 'push', href);
}

// ---------- suggestions (ARIA combobox) ----------

let suggestions = [];
let active = -1;
let suggestTimer;
let suggestController;

function openSuggestions() {
  if (!suggestions.length) return;
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
}

function closeSuggestions() {
  suggestController?.abort();
  list.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
  for (const o of list.children) o.setAttribute('aria-selected', 'false');
}

function setActive(i) {
  active = i;
  [...list.children].forEach((o, j) => o.setAttribute('aria-selected', j === i ? 'true' : 'false'));
  if (i >= 0) {
    input.setAttribute('aria-activedescendant', `suggestion-${i}`);
    list.children[i]?.scrollIntoView({ block: 'nearest' });
  } else input.removeAttribute('aria-activedescendant');
}

function showSuggestions(items) {
  suggestions = items;
  active = -1;
  list.replaceChildren(
    ...items.map((s, i) =>
      el('li', { id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false', 'data-index': String(i) }, el('bdi', { class: 'term' }, s.query), el('span', { class: 'count' }, arabicNumber(s.count))),
    ),
  );
  input.removeAttribute('aria-activedescendant');
  if (items.length && document.activeElement === input) openSuggestions();
  else closeSuggestions();
}

async function fetchSuggestions(raw) {
  suggestController?.abort();
  if (!raw.trim() || /\s$/.test(raw)) {
    showSuggestions([]);
    return;
  }
  const ctrl = new AbortController();
  suggestController = ctrl;
  try {
    const res = await fetch(`/api/suggest?${new URLSearchParams({ q: raw })}`, { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const body = await res.json();
    if (ctrl.signal.aborted || input.value !== raw) return;
    showSuggestions(body.suggestions.filter((s) => s.query.trim() !== raw.trim()));
  } catch {
    // Suggestions are a convenience: a failed request just shows none.
  }
}

function choose(i) {
  const s = suggestions[i];
  if (!s) return;
  input.value = s.query;
  searchNow({ ...state, q: s.query.trim(), page: 1, correct: true });
}

input.addEventListener('input', () => {
  scheduleSearch();
  clearTimeout(suggestTimer);
  const raw = input.value;
  suggestTimer = setTimeout(() => fetchSuggestions(raw), SUGGEST_DELAY);
});

input.addEventListener('keydown', (e) => {
  const open = !list.hidden;
  switch (e.key) {
    case 'ArrowDown':
      if (!suggestions.length) return;
      e.preventDefault();
      if (!open) openSuggestions();
      setActive(active + 1 >= suggestions.length ? 0 : active + 1);
      break;
    case 'ArrowUp':
      if (!suggestions.length) return;
      e.preventDefault();
      if (!open) openSuggestions();
      setActive(active <= 0 ? suggestions.length - 1 : active - 1);
      break;
    case 'Enter':
      if (open && active >= 0) {
        e.preventDefault();
        choose(active);
      }
      break;
    case 'Escape':
      if (open) {
        e.preventDefault();
        closeSuggestions();
      }
      break;
    default:
  }
});

input.addEventListener('blur', () => closeSuggestions());
input.addEventListener('focus', () => openSuggestions());
// mousedown would blur the input before the click lands.
list.addEventListener('mousedown', (e) => e.preventDefault());
list.addEventListener('click', (e) => {
  const li = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
  if (li) choose(Number(li.getAttribute('data-index')));
});

/** The state the form shows now (a new query is corrected again when misspelled). */
function formState() {
  const q = input.value.trim();
  return {
    ...state,
    q,
    mode: modeSelect?.value === 'all' ? 'all' : 'any',
    sort: sortSelect.value === 'newest' ? 'newest' : 'relevance',
    from: fromInput.value || undefined,
    to: toInput.value || undefined,
    page: 1,
    correct: q === state.q ? state.correct : true,
  };
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  searchNow(formState());
});

// The mode, the order and the dates search at once; a date half typed is not a change yet.
for (const control of [modeSelect, sortSelect, fromInput, toInput]) control?.addEventListener('change', () => searchNow(formState()));

// Facets, pages, did-you-mean, correction and folding links: same URLs as without JavaScript, handled in place.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[data-nav]') : null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  const url = new URL(a.href);
  searchNow(stateFrom(a.href), url.pathname + url.search);
  if (a.classList.contains('page')) statusLine.scrollIntoView({ block: 'start', behavior: 'smooth' });
});

window.addEventListener('popstate', () => {
  closeSuggestions();
  go(stateFrom(location.href), 'none', location.pathname + location.search);
});
