// Transparansi: reads /api/public/figures and draws cards, bars and an SVG chart (no libraries).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var fmt = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
  var pct = function (v) { return v === null ? '–' : fmt.format(v * 100) + '%'; };
  var num = function (v) { return v === null || v === undefined ? '–' : fmt.format(v); };
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function card(label, value, testid) {
    var c = el('div', { class: 'card', 'data-testid': testid });
    c.appendChild(el('div', { class: 'value' }, value));
    c.appendChild(el('div', { class: 'label' }, label));
    return c;
  }
  function bar(label, value, max, second, testid) {
    var row = el('div', { class: 'bar', 'data-testid': testid || 'bar' });
    row.appendChild(el('span', {}, label));
    var track = el('div', { class: 'track' });
    var fill = el('div', { class: 'fill' });
    fill.style.width = (max > 0 ? (100 * value) / max : 0) + '%';
    track.appendChild(fill);
    if (second !== undefined) {
      var done = el('div', { class: 'fill done' });
      done.style.width = (max > 0 ? (100 * second) / max : 0) + '%';
      track.appendChild(done);
    }
    track.appendChild(el('span', { class: 'num' }, second !== undefined ? num(value) + ' / ' + num(second) + ' selesai' : num(value)));
    row.appendChild(track);
    return row;
  }
  function durations(svg, t) {
    var rows = [['Verifikasi', t.daysToVerification], ['Jawaban pertama', t.daysToFirstAnswer], ['Selesai', t.daysToResolution]];
    var max = Math.max(1, ...rows.map(function (r) { return r[1].p90 || 0; }));
    var ns = 'http://www.w3.org/2000/svg', w = 600, rowH = 44, left = 150;
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + (rows.length * rowH + 16));
    svg.textContent = '';
    rows.forEach(function (r, i) {
      var y = 12 + i * rowH, scale = (w - left - 80) / max;
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('x', 8); label.setAttribute('y', y + 20); label.textContent = r[0];
      svg.appendChild(label);
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', left); rect.setAttribute('y', y + 4); rect.setAttribute('height', 22);
      rect.setAttribute('width', Math.max(1, (r[1].median || 0) * scale)); rect.setAttribute('fill', '#0b6e4f'); rect.setAttribute('rx', 3);
      svg.appendChild(rect);
      if (r[1].p90 !== null) {
        var line = document.createElementNS(ns, 'line');
        var x = left + r[1].p90 * scale;
        line.setAttribute('x1', x); line.setAttribute('x2', x); line.setAttribute('y1', y); line.setAttribute('y2', y + 30);
        line.setAttribute('stroke', '#e0a100'); line.setAttribute('stroke-width', 4);
        svg.appendChild(line);
      }
      var value = document.createElementNS(ns, 'text');
      value.setAttribute('x', w - 74); value.setAttribute('y', y + 20);
      value.textContent = r[1].count ? num(r[1].median) + ' / ' + num(r[1].p90) + ' hr' : 'belum ada';
      svg.appendChild(value);
    });
  }
  function render(report) {
    var t = report.total;
    var cards = document.querySelector('[data-testid="cards"]');
    cards.textContent = '';
    cards.appendChild(card('Laporan diterima', num(t.received), 'card-received'));
    cards.appendChild(card('Selesai', num(t.done), 'card-done'));
    cards.appendChild(card('Tingkat tanggapan', pct(t.responseRate), 'card-response'));
    cards.appendChild(card('Terlambat saat ini', num(t.overdueNow), 'card-overdue'));
    cards.appendChild(card('Rata-rata penilaian (1–5)', t.averageRating === null ? '–' : num(t.averageRating), 'card-rating'));
    var funnel = $('funnel');
    funnel.textContent = '';
    [['Diterima', t.received], ['Diverifikasi', t.verified], ['Diteruskan ke instansi', t.forwarded], ['Dijawab', t.answered], ['Selesai', t.done]].forEach(function (s) {
      funnel.appendChild(bar(s[0], s[1], t.received, undefined, 'funnel-bar'));
    });
    durations($('durations'), t);
    var agencies = $('agencies');
    agencies.textContent = '';
    var maxA = Math.max(0, ...report.byAgency.map(function (a) { return a.figures.received; }));
    report.byAgency.forEach(function (a) { agencies.appendChild(bar(a.agency ? a.agency.name : 'Menunggu verifikasi', a.figures.received, maxA, a.figures.done, 'agency-bar')); });
    var regions = $('regions');
    regions.textContent = '';
    var maxR = Math.max(0, ...report.byRegion.map(function (r) { return r.figures.received; }));
    report.byRegion.forEach(function (r) { regions.appendChild(bar(r.region ? r.region.name : 'Tanpa wilayah', r.figures.received, maxR, r.figures.done, 'region-bar')); });
    $('status').textContent = 'Periode ' + report.period.from + ' s.d. ' + report.period.to + ' · ' + num(t.received) + ' laporan';
  }
  // The optional list of complaints that are not rahasia (hidden when the server has it turned off).
  var list = { query: '', page: 1 };
  var dateFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Jakarta' });
  function item(c) {
    var li = el('li', { 'data-testid': 'list-item' });
    li.appendChild(el('div', { class: 'title' }, c.title));
    var closed = c.status === 'DONE' || c.status === 'ARCHIVED';
    li.appendChild(el('span', { class: 'status' + (closed ? ' closed' : '') }, c.statusLabel.id));
    var meta = [c.trackingCode, c.category.name, c.agency || 'Menunggu verifikasi', c.region, dateFmt.format(new Date(c.submittedAt))].filter(Boolean);
    li.appendChild(el('div', { class: 'meta' }, meta.join(' · ')));
    return li;
  }
  function loadList(more) {
    list.page = more ? list.page + 1 : 1;
    var state = $('list-state').value;
    var parts = [list.query, state ? 'state=' + state : '', 'page=' + list.page].filter(Boolean);
    fetch('/api/public/complaints?' + parts.join('&')).then(function (res) {
      if (res.status === 404) return;
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.message || 'gagal memuat');
        $('list-section').hidden = false;
        if (!more) $('list').textContent = '';
        body.items.forEach(function (c) { $('list').appendChild(item(c)); });
        var shown = $('list').children.length;
        $('list-count').textContent = body.total === 0 ? 'Tidak ada laporan pada periode ini.' : 'Menampilkan ' + num(shown) + ' dari ' + num(body.total) + ' laporan';
        $('list-more').hidden = shown >= body.total;
      });
    }).catch(function (error) { $('list-count').textContent = 'Tidak dapat memuat daftar: ' + error.message; });
  }
  $('list-state').addEventListener('change', function () { loadList(false); });
  $('list-more').addEventListener('click', function () { loadList(true); });

  function load(query) {
    list.query = query;
    loadList(false);
    $('status').textContent = 'Memuat…';
    $('json').href = '/api/public/figures' + (query ? '?' + query : '');
    $('csv').href = '/api/public/figures?' + (query ? query + '&' : '') + 'format=csv';
    fetch('/api/public/figures' + (query ? '?' + query : '')).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.message || 'gagal memuat');
        render(body);
      });
    }).catch(function (error) { $('status').textContent = 'Tidak dapat memuat angka: ' + error.message; });
  }
  $('period').addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(event.target), parts = [];
    ['from', 'to'].forEach(function (k) { if (data.get(k)) parts.push(k + '=' + encodeURIComponent(data.get(k))); });
    load(parts.join('&'));
  });
  load(location.search.slice(1));
})();
