// GraphQL over fetch: queries as GET (so the service worker can keep them), mutations as POST with X-CSRFToken.
import { offlineNoticed } from "./offline.js";

export class ApiMissing extends Error {}

export class ApiError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.errors = errors; // [{field, message, code}]
  }
}

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.split("=")[1]) : "";
}

export async function csrfToken() {
  if (!cookie("csrftoken")) {
    try { await fetch("/api/csrf/", { credentials: "same-origin" }); } catch { /* the shell set one already */ }
  }
  return cookie("csrftoken");
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", ...init });
  } catch (error) {
    offlineNoticed(true);
    throw error;
  }
  offlineNoticed(response.headers.get("X-From-Cache") === "1");
  return response;
}

async function parse(response) {
  if (response.status === 404) throw new ApiMissing("no GraphQL endpoint");
  let body;
  try { body = await response.json(); } catch { throw new ApiMissing(`GraphQL answered ${response.status}`); }
  if (body.errors?.length) {
    // A query's "log in first" is a request-level error (extensions.code "unauthenticated"); it is handed on in
    // the shape of a mutation's typed error, whose codes are enum names, so that screens test one value.
    if (body.errors[0].extensions?.code === "unauthenticated") {
      throw new ApiError(body.errors[0].message, [{ code: "UNAUTHENTICATED", message: body.errors[0].message }]);
    }
    throw new ApiMissing(body.errors[0].message); // schema mismatch: the caller degrades
  }
  return body.data;
}

export async function query(text, variables = {}) {
  const params = new URLSearchParams({ query: text.replace(/\s+/g, " ").trim(), variables: JSON.stringify(variables) });
  return parse(await send(`/graphql/?${params}`, { headers: { Accept: "application/json" } }));
}

// A submission's idempotency key (core/idempotency.py): made once per thing the user sends and kept across its
// retries, so a resend after a timeout gets the first answer instead of creating a second one.
export function newKey() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Returns the mutation's payload; throws ApiError with the typed errors when it refuses. A mutation that creates
// something passes its submission's key (newKey), the same on every retry.
export async function mutate(text, variables, name, key = "") {
  const headers = { "Content-Type": "application/json", "X-CSRFToken": await csrfToken(), Accept: "application/json" };
  if (key) headers["Idempotency-Key"] = key;
  const response = await send("/graphql/", {
    method: "POST",
    headers,
    body: JSON.stringify({ query: text, variables }),
  });
  const data = await parse(response);
  const payload = data[name];
  if (payload?.errors?.length) throw new ApiError(payload.errors.map((e) => e.message).join(" "), payload.errors);
  return payload;
}

// The server-rendered page's <main>, for screens whose GraphQL piece is not there yet.
export async function html(path) {
  const response = await send(path, { headers: { Accept: "text/html" } });
  if (!response.ok) throw new Error(`${response.status}`);
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const main = doc.querySelector("main");
  if (!main) throw new Error("no main");
  return main;
}
