// Aduan web chat, citizen page. Plain ES2020, no dependencies, no build step.
const API = '/api/webchat';
const K_CHAT = 'aduan.chatId';
const K_CUR = 'aduan.cursor';
const MAX = 4000;
const CODE_RE = /\b[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/g;
const BOLD_RE = /\*(\S(?:[^*\n]*\S)?)\*/;
const PH = { choice: 'Pilih atau ketik…', date: 'hari ini / 23/11/2026', location: 'Ketik alamat…', yesno: 'Ketik ya / tidak…' };

const $ = (s) => document.querySelector(s);
const list = $('#messages');
const scroller = $('#main');
const input = $('#input');
const count = $('#count');
const conn = $('#conn');
const live = $('#live');
const typing = $('#typing');
const locBtn = $('#loc');
const dateBox = $('#datebox');
const dateIn = $('#date');

// localStorage may throw (privacy modes, blocked storage in the embed iframe): then nothing persists.
const store = (op, k, v) => { try { return localStorage[op](k, v); } catch { return null; } };

const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
  : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids) if (c != null) e.append(c);
  return e;
}

let chatId = store('getItem', K_CHAT);
const firstVisit = !chatId;
if (firstVisit) store('setItem', K_CHAT, (chatId = uuid()));
let cursor = null; // first poll without cursor: the server sends the stored history
const seen = new Set();
let lastBot = null;

// --- rendering

const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 140;

function add(node, force) {
  const stick = force || nearBottom();
  $('#empty')?.remove();
  list.append(node);
  if (!stick) return;
  scroller.scrollTop = scroller.scrollHeight;
  if (node.offsetTop < scroller.scrollTop) scroller.scrollTop = node.offsetTop - 8; // keep a tall message's start in view
}

function announce(text) {
  if (!text) return;
  live.append(h('p', null, text));
  while (live.childElementCount > 3) live.firstElementChild.remove();
}

function timeNode(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (isNaN(d)) return null;
  const opt = { hour: '2-digit', minute: '2-digit' };
  if (d.toDateString() !== new Date().toDateString()) Object.assign(opt, { day: 'numeric', month: 'short' });
  return h('time', { datetime: d.toISOString() }, d.toLocaleString('id-ID', opt));
}

async function copy(code, btn) {
  let ok = true;
  try { await navigator.clipboard.writeText(code); } catch { ok = false; } // needs HTTPS
  btn.textContent = ok ? 'tersalin ✓' : 'gagal';
  announce(ok ? `Kode ${code} disalin.` : 'Gagal menyalin. Tekan lama pada kode untuk menyalin.');
  setTimeout(() => { btn.textContent = 'salin'; }, 2000);
}

function addCodes(parent, s) {
  let last = 0;
  for (const m of s.matchAll(CODE_RE)) {
    const btn = h('button', { type: 'button', class: 'copy', 'data-testid': 'copy-code', 'aria-label': `Salin kode ${m[0]}` }, 'salin');
    btn.addEventListener('click', () => copy(m[0], btn));
    parent.append(s.slice(last, m.index), h('span', { class: 'code' }, m[0]), btn);
    last = m.index + m[0].length;
  }
  parent.append(s.slice(last));
}

// Plain text only (textContent); *bold* -> <strong>; tracking codes get a copy button.
function rich(text) {
  const p = h('p', { class: 'text' });
  String(text).split(BOLD_RE).forEach((part, i) => addCodes(i % 2 ? p.appendChild(h('strong')) : p, part));
  return p;
}

function mediaNode(m) {
  let url;
  try { url = new URL(m.url, location.href); } catch { return null; }
  if (!/^https?:$/.test(url.protocol)) return null;
  const type = String(m.mimeType || '');
  const name = String(m.name || 'berkas');
  const a = { src: url.href, controls: true, preload: 'none', class: 'media', 'aria-label': name };
  if (type.startsWith('video/')) return h('video', a);
  if (type.startsWith('audio/')) return h('audio', a);
  const img = type.startsWith('image/');
  return h('a', { href: url.href, target: '_blank', rel: 'noopener', class: img ? 'media' : 'file' },
    img ? h('img', { src: url.href, alt: name, loading: 'lazy' }) : `📄 ${name}`);
}

function setGroup(g, disabled) {
  for (const b of g.children) b.disabled = disabled;
}

function choiceGroup(choices) {
  const g = h('div', { class: 'choices', role: 'group', 'aria-label': 'Pilihan jawaban' });
  for (const c of choices) {
    const label = String(c.label ?? c.id);
    const b = h('button', { type: 'button', class: 'choice', 'data-testid': 'choice', 'data-choice': c.id }, label);
    b.addEventListener('click', () => {
      setGroup(g, true);
      b.classList.add('chosen');
      send(c.id != null ? { choice: String(c.id) } : { text: c.text }, label, () => {
        b.classList.remove('chosen');
        if (g.parentElement === lastBot) setGroup(g, false);
      });
    });
    g.append(b);
  }
  return g;
}

function renderBot(m) {
  const id = String(m.id);
  if (seen.has(id)) return false;
  seen.add(id);
  const bubble = h('div', { class: 'bubble' }, m.text ? rich(m.text) : null);
  for (const md of Array.isArray(m.media) ? m.media : []) if (md) bubble.append(mediaNode(md) || '');
  bubble.append(h('div', { class: 'meta' }, timeNode(m.time)));
  const li = h('li', { class: `msg bot${m.input === 'summary' ? ' summary' : ''}`, 'data-testid': 'bot-message', 'data-id': id }, bubble);
  let choices = Array.isArray(m.choices) ? m.choices.filter(Boolean) : [];
  if (!choices.length && m.input === 'yesno') choices = [{ label: 'Ya', text: 'ya' }, { label: 'Tidak', text: 'tidak' }];
  if (choices.length) li.append(choiceGroup(choices));
  for (const g of list.querySelectorAll('.choices')) setGroup(g, true); // only the last question is open
  add(li);
  lastBot = li;
  setMode(m.input);
  return true;
}

function renderUser(content) {
  const li = h('li', { class: 'msg user pending', 'data-testid': 'user-message' }, h('div', { class: 'bubble' },
    typeof content === 'string' ? h('p', { class: 'text' }, content) : content,
    h('div', { class: 'meta' }, timeNode(), h('span', { class: 'status' }, 'mengirim…'))));
  add(li, true);
  return li;
}

function mark(li, ok) {
  if (!li) return;
  li.classList.remove('pending');
  li.classList.toggle('failed', !ok);
  li.querySelector('.status').textContent = ok ? '✓ terkirim' : '✕ tidak terkirim';
}

function notice(text) {
  add(h('li', { class: 'notice', 'data-testid': 'notice' }, text), true);
  announce(text);
}

function warning(text) {
  add(h('li', { class: 'msg bot warn', 'data-testid': 'bot-warning' }, h('div', { class: 'bubble' }, h('p', { class: 'text' }, `⚠️ ${text}`))), true);
  announce(text);
}

let typingTimer = 0;
function showTyping(on) {
  clearTimeout(typingTimer);
  typing.hidden = !on;
  if (on && nearBottom()) scroller.scrollTop = scroller.scrollHeight;
  if (on) typingTimer = setTimeout(() => { typing.hidden = true; }, 20000);
}

function setMode(mode) {
  locBtn.hidden = mode !== 'location';
  dateBox.hidden = mode !== 'date';
  $('#tools').hidden = locBtn.hidden && dateBox.hidden;
  $('#attach').classList.toggle('hl', mode === 'media');
  input.placeholder = PH[mode] || 'Ketik pesan…';
}

// --- sending

async function fetchT(url, opts, ms) {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), ms);
  try {
    return await fetch(url, { ...opts, signal: ac.signal, credentials: 'same-origin' });
  } finally {
    clearTimeout(t);
  }
}

// Network failure or a proxy 5xx: retry once with the same clientMessageId (the server de-duplicates).
async function postJson(body) {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await fetchT(`${API}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, 20000);
      if (r.status >= 500 && r.status !== 503 && !attempt) throw new Error(String(r.status));
      return { status: r.status, data: await r.json().catch(() => ({})) };
    } catch {
      if (attempt) return { status: 0 };
      await sleep(1500);
    }
  }
}

function outcome(res, li, onFail) {
  const s = res.status;
  if (s >= 200 && s < 300) {
    mark(li, true);
    // Replies the server could not keep in the chat's history come with the answer itself.
    const unsent = Array.isArray(res.data?.messages) ? res.data.messages.filter((m) => m && m.id != null && renderBot(m)) : [];
    if (unsent.length) {
      showTyping(false);
      unsent.forEach((m) => announce(m.text));
    }
    pollSoon();
    return;
  }
  mark(li, false);
  showTyping(false);
  const d = res.data || {};
  if (s === 503) warning(d.message || d.error || 'Layanan sedang sibuk. Silakan coba lagi sebentar lagi.');
  else if (s) notice(d.error || (s === 413 ? 'Berkas terlalu besar.' : s === 429 ? 'Terlalu banyak pesan. Tunggu sebentar lalu coba lagi.' : 'Pesan tidak dapat diproses. Silakan coba lagi.'));
  else notice('Pesan tidak terkirim. Periksa koneksi internet Anda lalu coba lagi.');
  if (onFail) onFail();
}

async function send(payload, bubble, onFail) {
  const li = bubble == null ? null : renderUser(bubble);
  showTyping(true);
  outcome(await postJson({ chatId, ...payload, clientMessageId: uuid() }), li, onFail);
}

function setInput(text) {
  input.value = text;
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
  const n = text.length;
  count.hidden = n < MAX - 500;
  count.textContent = `${n}/${MAX} karakter`;
  count.classList.toggle('max', n >= MAX);
}

function submitText() {
  const text = input.value.trim();
  if (!text) return input.focus();
  setInput('');
  // on failure put the words back so the citizen can just press Kirim again
  send({ text: text.slice(0, MAX) }, text, () => input.value.trim() || setInput(text));
}

$('#composer').addEventListener('submit', (e) => {
  e.preventDefault();
  submitText();
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    submitText();
  }
});
input.addEventListener('input', () => setInput(input.value));

// Quick actions are commands, not text: they work at any step, even in the middle of a form.
for (const b of document.querySelectorAll('[data-command]')) {
  b.addEventListener('click', () => send({ command: b.dataset.command }, b.textContent.trim()));
}

// --- location

function noLocation(why) {
  notice(`${why} Silakan ketik alamat lengkap lokasi kejadian di kotak pesan.`);
  input.focus();
}

locBtn.addEventListener('click', () => {
  if (!navigator.geolocation) return noLocation('Perangkat ini tidak dapat membagikan lokasi.');
  const label = locBtn.textContent;
  locBtn.disabled = true;
  locBtn.textContent = '📍 Mencari lokasi…';
  const done = () => { locBtn.disabled = false; locBtn.textContent = label; };
  navigator.geolocation.getCurrentPosition((pos) => {
    done();
    const latitude = +pos.coords.latitude.toFixed(6);
    const longitude = +pos.coords.longitude.toFixed(6);
    send({ location: { latitude, longitude } }, `📍 Lokasi saya\n${latitude.toFixed(5)}, ${longitude.toFixed(5)}`);
  }, (err) => {
    done();
    noLocation(err && err.code === 1 ? 'Izin lokasi ditolak.' : 'Lokasi tidak dapat ditemukan.');
  }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
});

// --- date helper

dateIn.max = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
$('#date-send').addEventListener('click', () => {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(dateIn.value);
  if (!m) return dateIn.focus();
  dateIn.value = '';
  const text = `${m[3]}/${m[2]}/${m[1]}`;
  send({ text }, text);
});

// --- media upload

const size = (n) => (n < 1048576 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1048576).toFixed(1)} MB`);

function upload(file) {
  const clientMessageId = uuid();
  const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Progres unggah' });
  const li = renderUser(h('div', null, h('p', { class: 'text' }, `📎 ${file.name} (${size(file.size)})`), bar));
  const status = li.querySelector('.status');
  status.textContent = 'mengunggah…';
  const finish = (res) => { bar.remove(); outcome(res, li); };
  const attempt = (n) => {
    const xhr = new XMLHttpRequest();
    const again = () => (n ? finish({ status: 0 }) : setTimeout(attempt, 1500, 1));
    xhr.open('POST', `${API}/media`);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = `mengunggah… ${bar.value}%`;
    };
    xhr.onload = () => {
      if (xhr.status >= 500 && xhr.status !== 503 && !n) return again();
      let data = {};
      try { data = JSON.parse(xhr.responseText) || {}; } catch { /* proxy error page */ }
      finish({ status: xhr.status, data });
    };
    xhr.onerror = again;
    const fd = new FormData();
    fd.append('chatId', chatId); // fields before the file, for streaming multipart parsers
    fd.append('clientMessageId', clientMessageId);
    fd.append('file', file, file.name);
    xhr.send(fd);
  };
  showTyping(true);
  attempt(0);
}

$('#file').addEventListener('change', (e) => {
  const f = e.target.files && e.target.files[0];
  e.target.value = '';
  if (f) upload(f);
});

// --- polling

let timer = 0;
let polling = false;
let fails = 0;
let loaded = false;

function pollSoon() {
  clearTimeout(timer);
  timer = setTimeout(poll, 500);
}

async function poll() {
  clearTimeout(timer);
  if (polling) return;
  polling = true;
  let delay;
  try {
    const q = new URLSearchParams({ chatId });
    if (cursor) q.set('after', cursor);
    const r = await fetchT(`${API}/messages?${q}`, { cache: 'no-store' }, 20000);
    if (!r.ok) throw new Error(String(r.status));
    const data = await r.json();
    const fresh = (Array.isArray(data.messages) ? data.messages : []).filter((m) => m && m.id != null && renderBot(m));
    if (fresh.length) {
      showTyping(false);
      if (loaded) fresh.forEach((m) => announce(m.text)); // history on load is not read out
    }
    if (data.cursor != null) store('setItem', K_CUR, (cursor = String(data.cursor)));
    if (!loaded) {
      loaded = true;
      $('#loading').remove();
      if (!list.children.length && !firstVisit) list.append(h('li', { id: 'empty', class: 'notice' }, 'Belum ada pesan. Tekan "Lapor" atau ketik pesan untuk memulai.'));
    }
    fails = 0;
    conn.hidden = true;
    delay = document.hidden ? 10000 : 1500;
  } catch {
    fails++;
    conn.hidden = false;
    delay = Math.min(15000, 1500 * 2 ** fails);
  }
  polling = false;
  clearTimeout(timer);
  timer = setTimeout(poll, delay);
}

document.addEventListener('visibilitychange', () => document.hidden || poll());
addEventListener('online', () => poll());

$('#reset').addEventListener('click', (e) => {
  e.preventDefault();
  if (!confirm('Mulai percakapan baru? Riwayat chat ini akan dihapus dari perangkat ini. Simpan dulu kode laporan Anda.')) return;
  store('removeItem', K_CHAT);
  store('removeItem', K_CUR);
  location.reload();
});

// --- start

if (/[?&]embed=/.test(location.search)) { // inside the embed.js panel: it shows the title, Escape closes it
  document.documentElement.classList.add('embed');
  addEventListener('keydown', (e) => e.key === 'Escape' && parent.postMessage('aduan:close', '*'));
}

list.append(h('li', { id: 'loading', class: 'notice' }, 'Memuat percakapan…'));
setMode(null);
if (firstVisit) send({ command: 'start' }, null);
poll();
