// The storefront: products from the shipped catalog, a cart kept in the browser, checkout through
// POST /api/orders (one order per cart line, as the API takes one item per order), sign-in through
// POST /api/token, and the signed-in customer's recent orders from GET /api/orders.

import { ApiError, callApi, newUuid } from "./api.js";
import { checkoutFor, clearCheckout, limitFor, loadCart, loadSession, saveCart, saveCheckout, saveSession } from "./store.js";
import { el, failureText, formatDate, hide, show } from "./view.js";

const HISTORY_SIZE = 5;

const state = { catalog: new Map(), money: null, cart: [], session: null, busy: false };
const $ = (id) => document.getElementById(id);

function price(cents) {
  return state.money.format(cents / 100);
}

function productCard(product) {
  const limit = limitFor(product);
  const stock = limit === 0 ? ["Out of stock", "stock stock-out"]
    : product.stock <= 5 ? [`Only ${product.stock} left`, "stock stock-low"]
    : [`${product.stock} in stock`, "stock"];
  const action = limit === 0 ? "Sold out" : "Add to cart";
  const add = el("button", { type: "button", className: "button", disabled: limit === 0, ariaLabel: `${action}: ${product.name}` }, action);
  add.addEventListener("click", () => addToCart(product.id));
  return el("li", { className: "product" },
    el("img", { src: product.image, alt: "", width: 160, height: 120, loading: "lazy" }),
    el("div", { className: "product-body" },
      el("h2", { className: "product-name" }, product.name),
      el("p", { className: "product-description" }, product.description),
      el("p", { className: stock[1] }, stock[0]),
      el("div", { className: "product-buy" }, el("span", { className: "price" }, price(product.priceCents)), add)));
}

function cartLine(line) {
  const product = state.catalog.get(line.id);
  const limit = limitFor(product);
  const inputId = `quantity-${line.id}`;
  const quantity = el("input", { id: inputId, type: "number", min: 1, max: limit, value: line.quantity, inputMode: "numeric" });
  quantity.addEventListener("change", () => setQuantity(line.id, Number.parseInt(quantity.value, 10)));
  const fewer = el("button", { type: "button", className: "step", ariaLabel: `One fewer ${product.name}` }, "−");
  fewer.addEventListener("click", () => setQuantity(line.id, line.quantity - 1));
  const more = el("button", { type: "button", className: "step", ariaLabel: `One more ${product.name}`, disabled: line.quantity >= limit }, "+");
  more.addEventListener("click", () => setQuantity(line.id, line.quantity + 1));
  const remove = el("button", { type: "button", className: "link-button", ariaLabel: `Remove ${product.name}` }, "Remove");
  remove.addEventListener("click", () => setQuantity(line.id, 0));
  return el("li", { className: "cart-line", dataset: { id: line.id } },
    el("span", { className: "cart-name" }, product.name),
    el("div", { className: "quantity" }, fewer,
      el("label", { className: "visually-hidden", htmlFor: inputId }, `Quantity of ${product.name}`), quantity, more),
    el("span", { className: "line-total" }, price(product.priceCents * line.quantity)),
    remove);
}

function renderCart() {
  const count = state.cart.reduce((sum, l) => sum + l.quantity, 0);
  const total = state.cart.reduce((sum, l) => sum + l.quantity * state.catalog.get(l.id).priceCents, 0);
  $("cart-count").textContent = String(count);
  $("cart-count").setAttribute("aria-label", count === 1 ? "1 item" : `${count} items`);
  $("cart-lines").replaceChildren(...state.cart.map(cartLine));
  $("cart-total-amount").textContent = price(total);
  const empty = state.cart.length === 0;
  $("cart-empty").hidden = !empty;
  $("cart-total").hidden = empty;
  $("checkout").hidden = empty;
}

function changeCart(lines) {
  state.cart = lines;
  saveCart(lines);
  renderCart();
}

function addToCart(id) {
  const existing = state.cart.find((l) => l.id === id);
  const limit = limitFor(state.catalog.get(id));
  changeCart(existing
    ? state.cart.map((l) => (l.id === id ? { ...l, quantity: Math.min(l.quantity + 1, limit) } : l))
    : [...state.cart, { id, quantity: 1 }]);
  hide("confirmation");
  $("checkout-working").textContent = `${state.catalog.get(id).name} is in your cart.`;
}

function setQuantity(id, quantity) {
  const limit = limitFor(state.catalog.get(id));
  const wanted = Number.isFinite(quantity) ? Math.min(Math.max(quantity, 0), limit) : 1;
  changeCart(wanted === 0 ? state.cart.filter((l) => l.id !== id)
    : state.cart.map((l) => (l.id === id ? { ...l, quantity: wanted } : l)));
}

function showCheckoutError(error, placed) {
  const text = failureText(error, "order");
  $("checkout-error-title").textContent = text.title;
  $("checkout-error-text").textContent = placed.length === 0 ? text.body
    : `${text.body} Already placed: ${placed.map((o) => o.id).join(", ")}; those will not be ordered again.`;
  const trace = error.traceId ? `trace ${error.traceId}` : "no request was sent";
  $("checkout-error-trace").textContent = error.status ? `${trace} · HTTP ${error.status}` : trace;
  show("checkout-error");
  $("checkout-error").focus();
}

function showConfirmation(orders) {
  $("confirmed-orders").replaceChildren(...orders.map((o) =>
    el("li", {}, el("span", {}, `${o.quantity} × ${state.catalog.get(o.item)?.name ?? o.item}`), el("code", {}, o.id))));
  $("confirmation-trace").textContent = `trace ${orders[orders.length - 1].traceId}`;
  show("confirmation");
  $("confirmation").focus();
}

async function checkout() {
  if (state.busy || state.cart.length === 0) {
    return;
  }
  state.busy = true;
  const button = $("checkout");
  button.setAttribute("aria-disabled", "true");
  button.textContent = "Placing your order…";
  hide("checkout-error");
  hide("confirmation");
  const working = $("checkout-working");
  working.textContent = "";
  const attempt = checkoutFor(state.cart, newUuid);
  try {
    for (const line of attempt.lines.filter((l) => !l.order)) {
      const { data, traceId } = await callApi("POST", "/api/orders", {
        body: { item: line.id, quantity: line.quantity },
        token: state.session?.token,
        idempotencyKey: line.key,
        onSlow: () => { working.textContent = "Still working: the shop is slow to answer. Please keep this page open."; },
      });
      line.order = { id: data.order.id, item: data.order.item, quantity: data.order.quantity, traceId };
      saveCheckout(attempt);
    }
    clearCheckout();
    changeCart([]);
    showConfirmation(attempt.lines.map((l) => l.order));
    if (state.session) {
      loadHistory();
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && state.session) {
      signOut();
    }
    showCheckoutError(error instanceof ApiError ? error : new ApiError("page", String(error)), attempt.lines.filter((l) => l.order).map((l) => l.order));
  } finally {
    working.textContent = "";
    button.textContent = "Place order";
    button.removeAttribute("aria-disabled");
    state.busy = false;
  }
}

async function loadHistory() {
  const status = $("history-status");
  const session = state.session;
  status.textContent = "Loading your orders…";
  try {
    const { data } = await callApi("GET", `/api/orders?limit=${HISTORY_SIZE}`, {
      token: session.token,
      onSlow: () => { status.textContent = "Still loading your orders…"; },
    });
    if (state.session !== session) {
      return;
    }
    // The API lists only the signed-in customer's orders, newest first.
    const mine = data?.orders ?? [];
    $("history").replaceChildren(...mine.map((o) => el("li", {},
      el("span", { className: "history-item" }, `${o.quantity} × ${state.catalog.get(o.item)?.name ?? o.item}`),
      el("span", { className: "muted" }, formatDate(o.timestamp)),
      el("code", {}, o.id))));
    status.textContent = mine.length === 0 ? "No orders yet." : "";
  } catch (error) {
    const text = failureText(error, "history");
    status.textContent = `${text.title}. Reference: trace ${error.traceId}`;
  }
}

function renderSession() {
  const signedIn = state.session !== null;
  $("sign-in").hidden = signedIn;
  $("signed-in").hidden = !signedIn;
  if (signedIn) {
    $("customer-name").textContent = state.session.username;
    loadHistory();
  } else {
    $("history").replaceChildren();
  }
}

async function signIn(event) {
  event.preventDefault();
  const username = $("username").value.trim();
  const error = $("sign-in-error");
  if (!$("username").checkValidity() || username === "") {
    error.textContent = "Enter a username: letters, digits, '.', '_', '-' or '@', up to 64 characters.";
    show("sign-in-error");
    $("username").focus();
    return;
  }
  hide("sign-in-error");
  try {
    const { data } = await callApi("POST", "/api/token", { body: { username, password: $("password").value } });
    state.session = { username, token: data.token, expiresAt: data.expiresAt };
    saveSession(state.session);
    $("password").value = "";
    renderSession();
    $("sign-out").focus();
  } catch (failure) {
    const text = failureText(failure, "sign-in");
    error.textContent = `${text.title}. ${text.body} (trace ${failure.traceId})`;
    show("sign-in-error");
  }
}

function signOut() {
  state.session = null;
  saveSession(null);
  renderSession();
}

async function start() {
  state.session = loadSession();
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => { signOut(); $("username").focus(); });
  $("checkout").addEventListener("click", checkout);
  $("continue").addEventListener("click", () => { hide("confirmation"); document.querySelector(".product .button:not([disabled])")?.focus(); });
  const products = $("products");
  try {
    const response = await fetch("products.json", { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const catalog = await response.json();
    state.money = new Intl.NumberFormat("en-US", { style: "currency", currency: catalog.currency });
    catalog.products.forEach((p) => state.catalog.set(p.id, p));
    products.replaceChildren(...catalog.products.map(productCard));
    state.cart = loadCart(state.catalog);
    renderCart();
  } catch (error) {
    $("catalog-error").textContent = `The product list could not be loaded (${error.message}). Please reload the page in a minute.`;
    show("catalog-error");
  } finally {
    products.setAttribute("aria-busy", "false");
  }
  renderSession();
}

start();
