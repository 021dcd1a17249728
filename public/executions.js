// Progressive enhancement only: the page works fully without this file.
(() => {
  'use strict';

  // When a swap removed the focused control (the Next arrow on reaching the last page), move
  // focus to the table caption, or the results region, instead of leaving it on <body>.
  const keepFocus = (event) => {
    const region = event.target;
    if (!(region instanceof Element) || region.id !== 'xa-results') return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const caption = document.getElementById('xa-caption');
    const target = caption || region.querySelector('.xa-empty') || region;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: false });
  };
  // Settle events fire on the swapped target (swap events fire on the link, which a swap may have
  // detached). htmx 4 names it htmx:after:settle, htmx 2 htmx:afterSettle: hosts may load either.
  document.addEventListener('htmx:after:settle', keepFocus);
  document.addEventListener('htmx:afterSettle', keepFocus);
})();
