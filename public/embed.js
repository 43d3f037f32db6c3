/* Aduan chat widget: <script src="https://HOST/embed.js" defer></script>
   Optional attributes: data-label="Lapor" data-color="#0b4f8a". Keep this file ASCII-only:
   agency pages may not be UTF-8. */
(() => {
  const me = document.currentScript || document.querySelector('script[src*="embed.js"]');
  if (!me || window.__aduanWidget) return;
  window.__aduanWidget = 1;
  const src = `${new URL(me.src, location.href).origin}/?embed=1`;
  const c = /^#[0-9a-f]{3,8}$/i.test(me.dataset.color) ? me.dataset.color : '#0b4f8a';
  const title = 'Aduan \u2014 Layanan Pengaduan';
  const host = document.createElement('aduan-widget'); // own tag: page rules for div do not reach it
  const root = host.attachShadow({ mode: 'open' });
  const css = `:host{all:initial}*{font-family:system-ui,sans-serif}
.b{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;align-items:center;gap:8px;height:56px;padding:0 20px 0 16px;border:0;border-radius:28px;background:${c};color:#fff;font-size:16px;font-weight:700;box-shadow:0 4px 14px #0005;cursor:pointer}
.p{position:fixed;right:16px;bottom:84px;z-index:2147483000;display:flex;flex-direction:column;width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 110px));border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 8px 30px #0006}
.p[hidden]{display:none}
.h{display:flex;align-items:center;justify-content:space-between;padding:2px 2px 2px 12px;background:${c};color:#fff;font-size:14px;font-weight:600}
.x{min-width:44px;min-height:40px;border:0;background:none;color:#fff;font-size:16px;cursor:pointer}
iframe{flex:1;width:100%;border:0}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
@media (max-width:480px){.p{inset:0;width:100%;height:100%;border-radius:0}.open .b{display:none}}`;
  root.innerHTML = `<div><div class="p" id="p" role="dialog" aria-label="${title}" hidden><div class="h">${title}<button class="x" type="button" aria-label="Tutup chat">\u2715</button></div></div>
<button class="b" type="button" aria-controls="p" aria-expanded="false"><span aria-hidden="true">\u{1F4AC}</span><span class="l"></span></button></div>`;
  try { // a constructed sheet is not blocked by a strict CSP on the agency page
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.prepend(Object.assign(document.createElement('style'), { textContent: css }));
  }
  const [wrap, panel, btn, close] = ['div', '.p', '.b', '.x'].map((s) => root.querySelector(s));
  root.querySelector('.l').textContent = me.dataset.label || 'Aduan';
  btn.title = `Buka chat ${title}`;
  let frame;
  const toggle = (open) => {
    if (open && !frame) { // the chat loads only when asked: the agency page stays light
      frame = Object.assign(document.createElement('iframe'), { src, title, allow: 'geolocation; clipboard-write' });
      panel.append(frame);
    }
    panel.hidden = !open;
    wrap.classList.toggle('open', open);
    btn.setAttribute('aria-expanded', open);
    (open ? frame : btn).focus();
  };
  btn.onclick = () => toggle(panel.hidden);
  close.onclick = () => toggle(false);
  root.addEventListener('keydown', (e) => e.key === 'Escape' && !panel.hidden && toggle(false));
  addEventListener('message', (e) => frame && e.source === frame.contentWindow && e.data === 'aduan:close' && toggle(false));
  const mount = () => document.body.append(host);
  if (document.body) mount();
  else addEventListener('DOMContentLoaded', mount);
})();
