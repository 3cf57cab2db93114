// What the browser keeps across reloads: the cart, the signed-in customer, and the idempotency
// keys of a checkout that has not finished (so a retry of the same cart line reuses its key and
// never orders twice).

const CART_KEY = "cloudmart.cart.v1";
const SESSION_KEY = "cloudmart.session.v1";
const CHECKOUT_KEY = "cloudmart.checkout.v1";
export const MAX_QUANTITY = 100;

function read(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? "null");
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value === null) {
      localStorage.removeItem(key);
    } else {
      localStorage.setItem(key, JSON.stringify(value));
    }
  } catch {
    // Storage full or disabled (private mode): the page still works, it only forgets on reload.
  }
}

/** The cart as [{ id, quantity }], in the order items were added; unknown or bad entries dropped. */
export function loadCart(catalog) {
  const lines = read(CART_KEY, []);
  if (!Array.isArray(lines)) {
    return [];
  }
  return lines
    .filter((l) => l && catalog.has(l.id) && Number.isInteger(l.quantity) && l.quantity > 0)
    .map((l) => ({ id: l.id, quantity: Math.min(l.quantity, limitFor(catalog.get(l.id))) }))
    .filter((l) => l.quantity > 0);
}

export function saveCart(lines) {
  write(CART_KEY, lines.length === 0 ? null : lines);
}

/** The most of one product a cart line may hold: the stock, and never more than the API takes. */
export function limitFor(product) {
  return Math.max(0, Math.min(product.stock, MAX_QUANTITY));
}

export function loadSession() {
  const session = read(SESSION_KEY, null);
  if (!session || typeof session.token !== "string" || typeof session.username !== "string") {
    return null;
  }
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
    write(SESSION_KEY, null);
    return null;
  }
  return session;
}

export function saveSession(session) {
  write(SESSION_KEY, session);
}

/**
 * The checkout in progress: for each cart line (product and quantity) its Idempotency-Key and,
 * once placed, its order. A line whose quantity changed since the last attempt gets a new key.
 */
export function checkoutFor(lines, newKey) {
  const previous = read(CHECKOUT_KEY, null);
  const before = Array.isArray(previous?.lines) ? previous.lines : [];
  const attempt = {
    lines: lines.map((line) => {
      const same = before.find((p) => p.id === line.id && p.quantity === line.quantity && typeof p.key === "string");
      return same ? { ...same } : { id: line.id, quantity: line.quantity, key: newKey(), order: null };
    }),
  };
  write(CHECKOUT_KEY, attempt);
  return attempt;
}

export function saveCheckout(attempt) {
  write(CHECKOUT_KEY, attempt);
}

export function clearCheckout() {
  write(CHECKOUT_KEY, null);
}
