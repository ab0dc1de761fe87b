/* global window, document, CSS, Element, HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement, PointerEvent, ShadowRoot, NodeFilter, Node, getAccessibleName, getAccessibleRole */
// The in-page half of the recorder harness (see README.md beside this file). It is evaluated as a script in an
// isolated world with the DevTools command-line API, like Chrome's Recorder: it gets the page's accessible names and
// roles from Blink through getAccessibleName/getAccessibleRole, listens to the DOM events a person's actions cause,
// and reports raw steps (with their selectors) to the harness through the `souqRecorderStep` binding.
// It follows the Recorder's published selector strategy: aria, css, xpath, pierce, text, in that order.
// This file is plain browser JavaScript because it is sent to the page as text.
(function startRecordingClient(a11y) {
  if (window.__souqRecorderStarted) return;
  window.__souqRecorderStarted = true;

  const TEST_ATTRIBUTES = [
    'data-testid',
    'data-test',
    'data-qa',
    'data-cy',
    'data-test-id',
    'data-qa-id',
    'data-testing',
  ];
  const send = (step) => window.souqRecorderStep(JSON.stringify(step));

  // ---- CSS: the shortest chain of per-element parts that is unique in the document ----
  function cssPart(el) {
    for (const attr of TEST_ATTRIBUTES) {
      const v = el.getAttribute(attr);
      if (v) return `[${attr}='${CSS.escape(v)}']`;
    }
    if (el.id && el.getRootNode().querySelectorAll(`#${CSS.escape(el.id)}`).length === 1)
      return `#${CSS.escape(el.id)}`;
    const tag = el.tagName.toLowerCase();
    if (el.tagName === 'BODY' || el.tagName === 'HEAD' || el.tagName === 'HTML') return tag;
    const parent = el.parentNode;
    if (!parent) return tag;
    const siblings = [...parent.children].filter((s) => s !== el);
    if (!siblings.some((s) => s.tagName === el.tagName)) return tag;
    if (el instanceof HTMLInputElement && !siblings.some((s) => s instanceof HTMLInputElement && s.type === el.type))
      return `${tag}[type='${CSS.escape(el.type)}']`;
    const own = new Set(el.classList);
    for (const s of siblings) for (const c of s.classList) own.delete(c);
    if (own.size) return `${tag}.${CSS.escape(own.values().next().value)}`;
    const sameTag = [...parent.children].filter((s) => s.tagName === el.tagName);
    return `${tag}:nth-of-type(${sameTag.indexOf(el) + 1})`;
  }

  /** Grows the selector upwards only while it is not unique; an ancestor more than one level up joins with a space. */
  function cssSelector(node) {
    const root = node.getRootNode();
    const groups = [[]];
    let depth = 0;
    const add = (el) => {
      if (depth > 1) groups.unshift([cssPart(el)]);
      else groups[0].unshift(cssPart(el));
      depth = 0;
      return groups.map((g) => g.join(' > ')).join(' ');
    };
    const up = (n) => n.parentNode || n.getRootNode();
    let low = node;
    let high = up(node);
    for (;;) {
      const value = add(low);
      let unique = true;
      while (high !== root) {
        low = high;
        high = up(low);
        depth += 1;
        if (high.querySelectorAll(value).length !== 1) {
          unique = false;
          break;
        }
      }
      if (unique) return value;
    }
  }

  // ---- XPath: a test attribute or an id anchors it; otherwise positions from <html> ----
  function xpathIndex(el) {
    const parent = el.parentNode;
    if (!parent || !parent.children) return 0;
    const same = [...parent.children].filter((c) => c.localName === el.localName);
    return same.length > 1 ? same.indexOf(el) + 1 : 0;
  }

  function xpathSelector(node) {
    const parts = [];
    let anchored = false;
    for (let el = node; el && el !== document;) {
      let part;
      for (const attr of TEST_ATTRIBUTES) {
        const v = el.getAttribute(attr);
        if (v) {
          part = `//*[@${attr}=${JSON.stringify(v)}]`;
          break;
        }
      }
      if (!part && el.id) part = `//*[@id=${JSON.stringify(el.id)}]`;
      if (part) {
        parts.unshift(part);
        anchored = true;
        break;
      }
      const i = xpathIndex(el);
      parts.unshift(i > 0 ? `${el.localName}[${i}]` : el.localName);
      el = el.parentNode;
    }
    return (anchored ? '' : '/') + parts.join('/');
  }

  // ---- Text: the shortest unique prefix of the element's text, as Puppeteer's text/ query matches it ----
  const TRIVIAL_INPUTS = new Set(['checkbox', 'image', 'radio']);
  const suitable = (n) =>
    n.nodeName !== 'SCRIPT' && n.nodeName !== 'STYLE' && !(document.head && document.head.contains(n));
  function textOf(n) {
    if (!suitable(n)) return '';
    if (
      n instanceof HTMLSelectElement ||
      n instanceof HTMLTextAreaElement ||
      (n instanceof HTMLInputElement && !TRIVIAL_INPUTS.has(n.type))
    )
      return n.value;
    let out = '';
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === Node.TEXT_NODE) out += c.nodeValue || '';
      else if (c.nodeType === Node.ELEMENT_NODE) out += textOf(c);
    }
    if (n instanceof Element && n.shadowRoot) out += textOf(n.shadowRoot);
    return out;
  }
  function* textMatches(root, text) {
    let found = false;
    for (const c of root.childNodes) {
      if (c instanceof Element && suitable(c)) {
        for (const m of textMatches(c.shadowRoot || c, text)) {
          found = true;
          yield m;
        }
      }
    }
    if (!found && root instanceof Element && suitable(root) && textOf(root).includes(text)) yield root;
  }
  function onlyMatch(text, node) {
    const hits = [];
    for (const m of textMatches(document, text)) {
      hits.push(m);
      if (hits.length > 1) break;
    }
    return hits.length === 1 && hits[0] === node;
  }
  function textSelector(node) {
    const content = textOf(node).trim();
    if (!content) return undefined;
    if (content.length <= 12) return onlyMatch(content, node) ? content : undefined;
    if (content.length > 64) return undefined;
    let left = 12;
    let right = content.length;
    while (left <= right) {
      const mid = left + ((right - left) >> 2);
      if (onlyMatch(content.slice(0, mid), node)) right = mid - 1;
      else left = mid + 1;
    }
    if (right === content.length) return undefined;
    const length = right + 1;
    const rest = content.slice(length, length + 64);
    return content.slice(0, length + rest.search(/ |$/));
  }

  // ---- ARIA: accessible name (or name + role), chained under a named ancestor when needed ----
  const nameOf = (n) => {
    try {
      return a11y.getAccessibleName(n) || '';
    } catch {
      return '';
    }
  };
  const roleOf = (n) => {
    try {
      return a11y.getAccessibleRole(n) || '';
    } catch {
      return '';
    }
  };
  function queryTree(scope, name, role) {
    const out = [];
    const visit = (root) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
      do {
        const el = walker.currentNode;
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el instanceof ShadowRoot) continue;
        if (name && nameOf(el) !== name) continue;
        if (role && roleOf(el) !== role) continue;
        out.push(el);
      } while (walker.nextNode());
    };
    visit(scope === document ? document.documentElement : scope);
    return out;
  }
  function single(scope, name, role) {
    if (!name && !role) return null;
    const hits = queryTree(scope, name, role);
    return hits.length === 1 ? hits[0] : null;
  }
  function chainFor(elements, roleAlone) {
    const chain = [];
    let scope = document;
    for (const e of elements) {
      let hit = e.name ? single(scope, e.name, '') : null;
      if (hit) {
        chain.push(e.name);
        scope = hit;
        continue;
      }
      if (roleAlone && e.role) {
        hit = single(scope, '', e.role);
        if (hit) {
          chain.push(`[role="${e.role}"]`);
          scope = hit;
          continue;
        }
      }
      hit = e.name && e.role ? single(scope, e.name, e.role) : null;
      if (hit) {
        chain.push(`${e.name}[role="${e.role}"]`);
        scope = hit;
        continue;
      }
      return undefined;
    }
    return chain;
  }
  function ariaSelector(node) {
    const elements = [];
    for (let cur = node; cur;) {
      const role = roleOf(cur);
      const name = nameOf(cur);
      if (role || name) {
        elements.unshift({ name, role });
        const chain = chainFor(elements, cur !== node);
        if (chain) return chain;
        if (cur !== node) elements.shift();
      } else if (cur === node) {
        return undefined;
      }
      cur = cur.parentNode;
      if (cur instanceof ShadowRoot) cur = cur.host;
    }
    return undefined;
  }

  function selectorsFor(node) {
    const out = [];
    const aria = ariaSelector(node);
    if (aria) out.push(aria.map((s) => `aria/${s}`));
    const css = cssSelector(node);
    out.push([css]);
    out.push([`xpath/${xpathSelector(node)}`]);
    out.push([`pierce/${css}`]);
    const text = textSelector(node);
    if (text) out.push([`text/${text}`]);
    return out;
  }

  // ---- Events a person causes ----
  let inputTarget = { element: document.documentElement, selectors: [] };
  const setInputTarget = (event) => {
    const el = event.composedPath()[0];
    if (!(el instanceof Element) || inputTarget.element === el) return;
    inputTarget = { element: el, selectors: selectorsFor(el) };
  };
  let pointerTarget = { element: document.documentElement, selectors: [] };
  const setPointerTarget = (event) => {
    const el = event.composedPath().find((n) => {
      if (!(n instanceof Element)) return false;
      const r = n.getBoundingClientRect();
      return r.width !== 0 && r.height !== 0;
    });
    if (!el || pointerTarget.element === el) return;
    pointerTarget = { element: el, selectors: selectorsFor(el) };
  };
  let pointerDownAt = 0;

  const on = (type, fn) => window.addEventListener(type, (e) => e.isTrusted && fn(e), true);
  on('keydown', (e) => {
    setInputTarget(e);
    send({ type: 'keyDown', key: e.key });
  });
  on('beforeinput', setInputTarget);
  on('input', (e) => {
    setInputTarget(e);
    const el = inputTarget.element;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) return;
    send({ type: 'change', selectors: inputTarget.selectors, value: 'value' in el ? el.value : el.textContent });
  });
  on('keyup', (e) => send({ type: 'keyUp', key: e.key }));
  on('pointerdown', (e) => {
    pointerDownAt = e.timeStamp;
    setPointerTarget(e);
  });
  const onClick = (e) => {
    setPointerTarget(e);
    let deviceType;
    if (e instanceof PointerEvent) {
      if (e.pointerType === 'pen' || e.pointerType === 'touch') deviceType = e.pointerType;
      else if (e.pointerType !== 'mouse') return;
    }
    const rect = pointerTarget.element.getBoundingClientRect();
    const offsetX = e.clientX - rect.x;
    const offsetY = e.clientY - rect.y;
    if (offsetX < 0 || offsetY < 0) return;
    const duration = e.timeStamp - pointerDownAt;
    send({
      type: e.detail === 2 ? 'doubleClick' : 'click',
      selectors: pointerTarget.selectors,
      duration: duration > 350 ? duration : undefined,
      button: ['auxiliary', 'secondary', 'back', 'forward'][e.button - 1],
      deviceType,
      offsetX,
      offsetY,
    });
  };
  on('click', onClick);
  on('auxclick', onClick);
  on('beforeunload', () => send({ type: 'beforeUnload' }));
})({ getAccessibleName, getAccessibleRole });
