// Progressive enhancement only: the page works fully without this file.
(() => {
  'use strict';

  // When a swap removes the focused control (the Next arrow on reaching the last page), move
  // focus to the table caption rather than leave it on <body>. Only focus that was inside the
  // results region is restored: a change made from the filters keeps focus where it is.
  let focusWasInResults = false;
  const results = () => document.getElementById('xa-results');

  const beforeSwap = () => {
    const region = results();
    focusWasInResults = Boolean(region && region.contains(document.activeElement));
  };
  const afterSettle = (event) => {
    const region = results();
    if (event.target !== region || !focusWasInResults) return;
    focusWasInResults = false;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const target = document.getElementById('xa-caption') || region.querySelector('.xa-empty') || region;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };

  // A live poll fills a row's action forms again when its run's status changes (Cancel becomes
  // Run again). Focus on a button it removed goes to the row's own link: not to <body>, and never
  // to the new button, where Enter would act on the run. Seen as the DOM changes, whichever htmx
  // swapped it.
  let lastFocused = null;
  document.addEventListener('focusin', (event) => {
    lastFocused = event.target;
  });
  const keepRowFocus = (mutations) => {
    if (!lastFocused || lastFocused.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const removed = mutations.find(
      (m) =>
        m.target instanceof Element &&
        m.target.classList.contains('xa-row-actions') &&
        [...m.removedNodes].some((node) => node === lastFocused || node.contains(lastFocused)),
    );
    const link = removed && removed.target.closest('tr') && removed.target.closest('tr').querySelector('a.xa-icon-link');
    if (link) link.focus();
  };
  new MutationObserver(keepRowFocus).observe(document.documentElement, { childList: true, subtree: true });

  // htmx 4 names these htmx:before:swap and htmx:after:settle; htmx 2 htmx:beforeSwap and
  // htmx:afterSettle. Hosts may load either. Settle fires on the swapped region itself.
  document.addEventListener('htmx:before:swap', beforeSwap);
  document.addEventListener('htmx:beforeSwap', beforeSwap);
  document.addEventListener('htmx:after:settle', afterSettle);
  document.addEventListener('htmx:afterSettle', afterSettle);

  // A user's choice kept in the browser. Storage is named by a function: merely reading
  // `localStorage` throws where it is refused (a sandboxed frame, blocked site data), and a choice
  // then holds until the page is left.
  const stored = (storage, key) => {
    try {
      return storage().getItem(key) === 'true';
    } catch {
      return false;
    }
  };
  const store = (storage, key, on) => {
    try {
      if (on) storage().setItem(key, 'true');
      else storage().removeItem(key);
    } catch {
      // Kept in the page alone.
    }
  };

  // Pause live updates: the choice lasts for the tab's session, across swaps and reloads. The
  // server renders the button hidden (nothing polls without JavaScript); shown here, pressed as
  // chosen. The outage poller has no button beside it, so it is never held.
  const PAUSED = 'executions-admin:live-updates-paused';
  const liveToggle = () => document.getElementById('xa-live-toggle');
  const showLiveToggle = () => {
    const toggle = liveToggle();
    if (!toggle) return;
    toggle.setAttribute('aria-pressed', String(stored(() => sessionStorage, PAUSED)));
    toggle.hidden = false;
  };
  document.addEventListener('click', (event) => {
    const toggle = event.target instanceof Element && event.target.closest('#xa-live-toggle');
    if (!toggle) return;
    const paused = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(paused));
    store(() => sessionStorage, PAUSED, paused);
  });

  // The activity chart's disclosure opens as the user left it last, in any tab: a layout choice,
  // kept in localStorage and asked of no server. The server renders it closed, so the table
  // starts within the first screen; a details element works without this.
  const CHART_OPEN = 'executions-admin:activity-chart-open';
  const chart = () => document.getElementById('xa-chart');
  // Once per disclosure, as its page arrives: a later swap leaves it as the user set it, even
  // where storage is refused.
  const restored = new WeakSet();
  const openChart = () => {
    const details = chart();
    if (!details || restored.has(details)) return;
    restored.add(details);
    details.open = stored(() => localStorage, CHART_OPEN);
  };
  // toggle does not bubble.
  document.addEventListener(
    'toggle',
    (event) => {
      if (event.target === chart()) store(() => localStorage, CHART_OPEN, event.target.open);
    },
    true,
  );

  // Small screens: the filters hide behind the Filters button (the MoJ filter pattern), which the
  // server renders hidden so that without JavaScript the form stays in view; the stylesheet hides
  // the form at small widths while the button is shown and collapsed. A field's error opens it.
  const filtersToggle = () => document.getElementById('xa-filters-toggle');
  const showFiltersToggle = () => {
    const toggle = filtersToggle();
    if (!toggle || !toggle.hidden) return;
    const form = document.getElementById(toggle.getAttribute('aria-controls') || '');
    const erring = form !== null && [...form.querySelectorAll('.xa-error-message')].some((p) => p.textContent !== '');
    toggle.setAttribute('aria-expanded', String(erring));
    toggle.hidden = false;
  };
  document.addEventListener('click', (event) => {
    const toggle = event.target instanceof Element && event.target.closest('#xa-filters-toggle');
    if (toggle) toggle.setAttribute('aria-expanded', String(toggle.getAttribute('aria-expanded') !== 'true'));
  });

  // Saved views: the header is outside the swapped region, so after a swap its save forms' query
  // and its current view's mark would be the page's first. Both follow the URL, the list's
  // canonical query pushed by each swap, without its page.
  const listSearch = () => {
    const params = new URLSearchParams(location.search);
    for (const name of ['page', 'after', 'before']) params.delete(name);
    return params.toString();
  };
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.closest('.xa-views') && form.elements.namedItem('query')) {
      form.elements.namedItem('query').value = listSearch();
    }
  });
  const markCurrentView = () => {
    const search = listSearch();
    for (const link of document.querySelectorAll('.xa-views__link')) {
      if (new URL(link.href).search.slice(1) === search) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  };
  document.addEventListener('htmx:after:history:push', markCurrentView);
  document.addEventListener('htmx:pushedIntoHistory', markCurrentView);

  const enhance = () => {
    showLiveToggle();
    openChart();
    showFiltersToggle();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance);
  else enhance();
  // A swap may bring the live bar; a history restore, a whole page.
  document.addEventListener('htmx:after:settle', enhance);
  document.addEventListener('htmx:afterSettle', enhance);

  // No poll while paused; and a poll would close an error the user is reading: skip that one, take
  // the next.
  const holdRefresh = (event) => {
    if (!(event.target instanceof Element) || event.target.id !== 'xa-refresh') return;
    const toggle = liveToggle();
    const paused = toggle !== null && toggle.getAttribute('aria-pressed') === 'true';
    if (paused || document.querySelector('.xa-error-popover:popover-open')) event.preventDefault();
  };
  document.addEventListener('htmx:before:request', holdRefresh);
  document.addEventListener('htmx:beforeRequest', holdRefresh);

  // A swap the user asked for (filter, page) marks the results busy until it ends — swapped, failed
  // or aborted; the stylesheet shows "Loading…" once that has lasted 200 ms. A timed poll is no
  // one waiting: it stays quiet. htmx 4 passes its request as detail.ctx, htmx 2 as detail.xhr.
  const inFlight = new Set();
  const busyStart = (event) => {
    const detail = event.detail || {};
    const request = detail.ctx || detail.xhr;
    const target = detail.ctx ? detail.ctx.target : detail.target;
    const source = detail.ctx ? detail.ctx.sourceElement : detail.elt;
    const region = results();
    if (!request || !region || target !== region) return;
    if (source instanceof Element && /^\s*every\s/.test(source.getAttribute('hx-trigger') || '')) return;
    inFlight.add(request);
    region.setAttribute('aria-busy', 'true');
  };
  const busyEnd = (event) => {
    const detail = event.detail || {};
    if (!inFlight.delete(detail.ctx || detail.xhr) || inFlight.size > 0) return;
    const region = results();
    if (region) region.removeAttribute('aria-busy');
  };
  // htmx 2's beforeSend comes after any listener could cancel the request, so afterRequest follows.
  document.addEventListener('htmx:before:request', busyStart);
  document.addEventListener('htmx:beforeSend', busyStart);
  document.addEventListener('htmx:finally:request', busyEnd);
  document.addEventListener('htmx:afterRequest', busyEnd);

  // Focusing an interestfor button by keyboard shows its popover after a delay. Enter, then
  // Escape within that delay, opened and closed it — and then the delay ran out and opened it
  // again. Once the user has clicked (Enter, Space, a tap) an alert button, clicks alone open and
  // close its error until focus or the pointer leaves the button.
  const clicked = new WeakSet();
  const toggleOf = (event) => event.target instanceof Element && event.target.closest('.xa-error-toggle');
  document.addEventListener('click', (event) => {
    const toggle = toggleOf(event);
    if (toggle) clicked.add(toggle);
  });
  const leave = (event) => {
    const toggle = toggleOf(event);
    if (toggle && !toggle.contains(event.relatedTarget)) clicked.delete(toggle);
  };
  document.addEventListener('focusout', leave);
  document.addEventListener('pointerout', leave);
  document.addEventListener(
    'interest',
    (event) => {
      if (clicked.has(event.source)) event.preventDefault();
    },
    true,
  );

  // Hovering the alert icon shows the error through the button's interestfor attribute; where
  // the browser lacks interest invokers, open the same popover on mouse hover here.
  const supportsInterest = 'interestForElement' in HTMLButtonElement.prototype;
  if (!supportsInterest && 'showPopover' in HTMLElement.prototype) {
    document.addEventListener('mouseover', (event) => {
      const toggle = event.target instanceof Element && event.target.closest('.xa-error-toggle');
      const popover = toggle && document.getElementById(toggle.getAttribute('popovertarget') || '');
      if (popover && !popover.matches(':popover-open')) popover.showPopover();
    });
  }
})();
