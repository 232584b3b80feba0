// The search page: as-you-type results, suggestions (ARIA combobox), facets,
// pagination and history. Works on top of the server-rendered page; without
// JavaScript the plain form and links do the same job.
import { arabicNumber, formatDate, searchHref, statusText } from './format.js';

const PAGE_SIZE = 10;
const MAX_PAGE = 1001;
const SEARCH_DELAY = 200;
const SUGGEST_DELAY = 120;
/** The facet key for documents without a source; not usable as a filter. */
const NO_SOURCE = '(none)';

const $ = (id) => document.getElementById(id);
const form = $('search-form');
const input = /** @type {HTMLInputElement} */ ($('q'));
const list = $('suggestions');
const modeSelect = $('mode');
const statusLine = $('status');
const notice = $('notice');
const results = $('results');
const facets = $('facets');
const pager = $('pager');

/** @typedef {{ q: string, page: number, mode: string, source?: string, from?: string, to?: string }} State */

/** @param {string} href @returns {State} */
function stateFrom(href) {
  const p = new URL(href, location.origin).searchParams;
  const page = Number(p.get('page'));
  return {
    q: (p.get('q') ?? '').trim(),
    page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1,
    mode: p.get('mode') === 'all' ? 'all' : 'any',
    source: p.get('source') || undefined,
    from: p.get('from') || undefined,
    to: p.get('to') || undefined,
  };
}

function documentHref(id, q) {
  return `/doc/${encodeURIComponent(id)}${q ? `?q=${encodeURIComponent(q)}#m1` : ''}`;
}

/** Element with optional class and children. */
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

/**
 * Highlighted HTML from the API → DOM nodes. The API escapes everything and
 * adds only <mark>; as defense in depth the HTML is parsed in an inert
 * <template> and rebuilt from text: MARK elements stay marks, anything else
 * becomes its plain text. No HTML from the API ever reaches the live document.
 */
export function markedNodes(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const out = [];
  for (const node of tpl.content.childNodes) {
    if (node.nodeName === 'MARK') out.push(el('mark', {}, node.textContent ?? ''));
    else out.push(document.createTextNode(node.textContent ?? ''));
  }
  return out;
}

let state = stateFrom(location.href);

// ---------- rendering ----------

function hitElement(hit, q) {
  const title = hit.title ? markedNodes(hit.titleHighlighted) : [hit.id];
  const date = formatDate(hit.metadata?.date);
  const source = typeof hit.metadata?.source === 'string' && hit.metadata.source ? hit.metadata.source : undefined;
  const meta = [];
  if (source) meta.push(el('span', { class: 'source' }, el('bdi', {}, source)));
  if (date) meta.push(el('time', { datetime: date.iso || undefined }, date.text));
  const metaLine = meta.length ? el('p', { class: 'result-meta' }) : undefined;
  meta.forEach((m, i) => {
    if (i) metaLine.append(el('span', { class: 'sep', 'aria-hidden': 'true' }, '|'));
    metaLine.append(m);
  });
  return el(
    'li',
    { class: 'result' },
    el('h2', { class: 'result-title' }, el('a', { href: documentHref(hit.id, q), dir: 'auto' }, ...title)),
    ...(metaLine ? [metaLine] : []),
    el('p', { class: 'snippet', dir: 'auto' }, ...markedNodes(hit.snippet)),
  );
}

function facetsElement(facetCounts, s) {
  const entries = Object.entries(facetCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return [];
  const all = entries.reduce((a, [, n]) => a + n, 0);
  const item = (label, n, source, active) =>
    source === NO_SOURCE
      ? el('li', {}, el('span', { class: 'facet static' }, el('bdi', {}, 'بدون مصدر'), ' ', el('span', { class: 'count' }, arabicNumber(n))))
      : el(
      'li',
      {},
      el(
        'a',
        { class: `facet${active ? ' active' : ''}`, href: searchHref({ ...s, source, page: 1 }), 'aria-current': active ? 'true' : undefined, 'data-nav': true },
        el('bdi', {}, label),
        ' ',
        el('span', { class: 'count' }, arabicNumber(n)),
      ),
    );
  return [
    el('h2', { class: 'facets-title' }, 'المصدر'),
    el('ul', { class: 'facet-list' }, item('كل المصادر', all, undefined, !s.source), ...entries.map(([name, n]) => item(name, n, name, s.source === name))),
  ];
}

function pagerElements(total, s) {
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), MAX_PAGE);
  if (pages <= 1) return [];
  const cur = Math.min(s.page, pages);
  const link = (p, label, rel, cls = '') => el('a', { class: `page${cls}`, href: searchHref({ ...s, page: p }), rel, 'data-nav': true }, label);
  const out = [];
  if (cur > 1) out.push(link(cur - 1, 'السابق', 'prev', ' prev'));
  const lo = Math.max(1, cur - 2);
  const hi = Math.min(pages, lo + 4);
  for (let p = Math.max(1, hi - 4); p <= hi; p++) {
    out.push(p === cur ? el('span', { class: 'page current', 'aria-current': 'page' }, arabicNumber(p)) : link(p, arabicNumber(p)));
  }
  if (cur < pages) out.push(link(cur + 1, 'التالي', 'next', ' next'));
  return out;
}

function clearResults() {
  statusLine.textContent = '';
  notice.replaceChildren();
  results.replaceChildren();
  facets.replaceChildren();
  pager.replaceChildren();
}

function render(body, s) {
  statusLine.textContent = statusText(body.total, body.took_ms);
  results.replaceChildren(...body.hits.map((h) => hitElement(h, s.q)));
  facets.replaceChildren(...facetsElement(body.facets?.source ?? {}, s));
  pager.replaceChildren(...pagerElements(body.total, s));
  notice.replaceChildren();
  if (body.total === 0) {
    const box = el('div', { class: 'notice empty' }, el('p', {}, 'لا توجد نتائج لـ «', el('bdi', {}, s.q), '».'));
    if (body.didYouMean) {
      box.append(el('p', { class: 'did-you-mean' }, 'هل تقصد: ', el('a', { href: searchHref({ q: body.didYouMean }), 'data-nav': true }, el('bdi', {}, body.didYouMean)), '؟'));
    }
    notice.append(box);
  } else if (body.hits.length === 0) {
    notice.append(el('div', { class: 'notice empty' }, el('p', {}, 'لا توجد نتائج في هذه الصفحة.')));
  }
}

function showError(message) {
  clearResults();
  statusLine.textContent = 'تعذّر إجراء البحث';
  const box = el('div', { class: 'notice error', role: 'alert' });
  if (message) box.append(el('p', {}, 'تعذّر إجراء البحث.'), el('p', { class: 'detail', dir: 'auto' }, message));
  else box.append(el('p', {}, 'تعذّر الاتصال بالخادم. تحقّق من الاتصال ثم أعد المحاولة.'));
  notice.append(box);
}

// ---------- searching ----------

let searchController;
let searchSeq = 0;

async function runSearch(s) {
  searchController?.abort();
  if (!s.q) {
    searchSeq++;
    clearResults();
    return;
  }
  const ctrl = new AbortController();
  searchController = ctrl;
  const mine = ++searchSeq;
  const p = new URLSearchParams({ q: s.q, limit: String(PAGE_SIZE), offset: String((s.page - 1) * PAGE_SIZE), mode: s.mode });
  if (s.source) p.set('source', s.source);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  results.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`/api/search?${p}`, { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    const body = await res.json().catch(() => null);
    if (mine !== searchSeq) return;
    if (!res.ok || !body) showError(res.status < 500 ? body?.error?.message : undefined);
    else render(body, s);
  } catch (e) {
    if (e?.name === 'AbortError' || mine !== searchSeq) return;
    showError(undefined);
  } finally {
    if (mine === searchSeq) results.removeAttribute('aria-busy');
  }
}

function syncForm(s) {
  if (input.value.trim() !== s.q) input.value = s.q;
  if (modeSelect) modeSelect.value = s.mode;
  let hidden = form.querySelector('input[name="source"]');
  if (s.source) {
    if (!hidden) {
      hidden = el('input', { type: 'hidden', name: 'source' });
      form.append(hidden);
    }
    hidden.value = s.source;
  } else hidden?.remove();
  document.title = s.q ? `${s.q} — بحث فهرس` : 'فهرس — بحث في النصوص العربية';
}

/** Shows state `s`: history entry ('push' | 'replace' | 'none'), form, results. */
function go(s, how) {
  state = s;
  const href = searchHref(s);
  const here = location.pathname + location.search;
  if (how === 'push' && href !== here) history.pushState(null, '', href);
  else if (how !== 'none' && href !== here) history.replaceState(null, '', href);
  syncForm(s);
  return runSearch(s);
}

let searchTimer;
function scheduleSearch() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    const q = input.value.trim();
    if (q === state.q) return;
    // A new burst of typing from a page without a query gets its own history entry; refinements replace it.
    go({ ...state, q, page: 1 }, state.q ? 'replace' : 'push');
  }, SEARCH_DELAY);
}

function searchNow(s) {
  clearTimeout(searchTimer);
  clearTimeout(suggestTimer);
  closeSuggestions();
  go(s, 'push');
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
  searchNow({ ...state, q: s.query.trim(), page: 1 });
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

form.addEventListener('submit', (e) => {
  e.preventDefault();
  searchNow({ ...state, q: input.value.trim(), mode: modeSelect?.value === 'all' ? 'all' : 'any', page: 1 });
});

modeSelect?.addEventListener('change', () => {
  searchNow({ ...state, q: input.value.trim(), mode: modeSelect.value === 'all' ? 'all' : 'any', page: 1 });
});

// Facets, pages and did-you-mean links: same URLs as without JavaScript, handled in place.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[data-nav]') : null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  const next = stateFrom(a.href);
  searchNow(next);
  if (a.classList.contains('page')) statusLine.scrollIntoView({ block: 'start', behavior: 'smooth' });
});

window.addEventListener('popstate', () => {
  closeSuggestions();
  go(stateFrom(location.href), 'none');
});

// The server rendered the results for the URL's query already; only a query without results needs fetching.
if (state.q && !results.children.length && !notice.children.length) runSearch(state);
