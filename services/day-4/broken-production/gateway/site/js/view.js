// Small helpers to build the page without innerHTML (text from the API is never parsed as HTML),
// and the words a customer reads when something fails.

import { TIMEOUT_MS } from "./api.js";

/** Makes an element; props are set as properties (dataset merged), children appended as nodes or text. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (name === "ariaLabel") {
      node.setAttribute("aria-label", value);
    } else if (name === "width" || name === "height" || name === "loading") {
      node.setAttribute(name, String(value));
    } else {
      node[name] = value;
    }
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function show(id) {
  document.getElementById(id).hidden = false;
}

export function hide(id) {
  document.getElementById(id).hidden = true;
}

export function formatDate(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

const WHAT = { order: "place your order", history: "load your orders", "sign-in": "sign you in" };

/** A title and a sentence for a failed call, in the customer's words; the cart is always kept. */
export function failureText(error, action) {
  const what = WHAT[action] ?? "finish that";
  const kept = action === "order" ? " Nothing was charged and your cart is kept." : "";
  if (error.kind === "timeout") {
    return { title: "The shop is taking too long to answer", body: `We waited ${TIMEOUT_MS / 1000} seconds and gave up.${kept} Please try again in a minute.` };
  }
  if (error.kind === "network") {
    return { title: "We could not reach the shop", body: `Check your connection and try again.${kept}` };
  }
  if (error.status === 401) {
    return { title: "Your sign-in is no longer valid", body: "Sign in again, or check out as a guest." };
  }
  if (error.status >= 400 && error.status < 500) {
    return { title: `We could not ${what}`, body: error.detail || "The shop refused the request." };
  }
  return { title: `Sorry, we could not ${what}`, body: `Something went wrong on our side.${kept} Please try again in a minute.` };
}
