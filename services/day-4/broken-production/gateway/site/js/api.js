// Calls to CloudMart's API through the gateway. Every call starts its own W3C trace (a traceparent
// header), so even a request the gateway cannot pass on has a trace id the customer can quote and
// the gateway's access log holds; when the api-service answers, its traceparent names the trace.

/** After this long without an answer the page says it is still working. */
export const SLOW_AFTER_MS = 1000;
/** A call that has not answered by then is given up, and the customer told so. */
export const TIMEOUT_MS = 10000;

const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A failed call: what kind of failure, the HTTP status (0 when none came), and the trace it belongs to. */
export class ApiError extends Error {
  constructor(kind, message, { status = 0, traceId = "", requestId = "", detail = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.traceId = traceId;
    this.requestId = requestId;
    this.detail = detail;
  }
}

export function randomHex(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A version 4 UUID; crypto.randomUUID exists only on secure origins, and the lab may run on plain http. */
export function newUuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The trace id in a bare id or a traceparent value, or "" when there is none. */
export function traceIdOf(value) {
  if (typeof value !== "string") {
    return "";
  }
  const text = value.trim().toLowerCase();
  if (TRACE_ID.test(text)) {
    return text;
  }
  const match = TRACEPARENT.exec(text);
  return match ? match[1] : "";
}

async function readBody(response) {
  const type = response.headers.get("content-type") || "";
  if (!type.includes("json")) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * Sends one request and returns { data, traceId }, or throws an ApiError that always carries a
 * trace id. onSlow is called once when the answer takes longer than SLOW_AFTER_MS.
 */
export async function callApi(method, path, { body, token, idempotencyKey, onSlow } = {}) {
  const ownTraceId = randomHex(16);
  const headers = { Accept: "application/json", traceparent: `00-${ownTraceId}-${randomHex(8)}-01` };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (idempotencyKey) {
    headers["Idempotency-Key"] = idempotencyKey;
  }

  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const slow = onSlow ? setTimeout(onSlow, SLOW_AFTER_MS) : undefined;
  let response;
  let data;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "same-origin",
    });
    data = await readBody(response);
  } catch (error) {
    const timedOut = controller.signal.aborted;
    throw new ApiError(timedOut ? "timeout" : "network",
      timedOut ? `No answer within ${TIMEOUT_MS / 1000} seconds.` : "The shop could not be reached.",
      { traceId: ownTraceId, detail: String(error && error.message ? error.message : error) });
  } finally {
    clearTimeout(timeout);
    clearTimeout(slow);
  }

  const traceId = traceIdOf(data && data.traceId) || traceIdOf(response.headers.get("traceparent")) || ownTraceId;
  if (!response.ok) {
    const problem = data && typeof data === "object" ? data : {};
    throw new ApiError("http", problem.title || `HTTP ${response.status}`, {
      status: response.status,
      traceId,
      requestId: response.headers.get("x-request-id") || problem.request_id || "",
      detail: typeof problem.detail === "string" ? problem.detail : "",
    });
  }
  return { data, traceId };
}
