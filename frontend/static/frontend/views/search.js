import { query } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading, serverPage } from "./common.js";

const SEARCH = `query Search($q: String!, $page: Int) { search(query: $q, page: $page) {
  total hits { title urlPath titleHighlighted snippet } } }`;

// Highlighted fields come from the server as text with <mark>; keep only the marks.
const marked = (s) => esc(s).replace(/&lt;(\/?)mark&gt;/g, "<$1mark>");

function form(q) {
  return `<form class="search-form" action="/app/search" method="get" role="search">
    <label class="visually-hidden" for="app-q">${esc(t("search.label"))}</label>
    <input id="app-q" type="search" name="q" value="${esc(q)}" maxlength="100" placeholder="${esc(t("search.label"))}">
    <button type="submit" class="button">${esc(t("search.go"))}</button></form>`;
}

export default async function search({ params }) {
  const q = (params.get("q") || "").trim();
  if (!q) {
    render(form(""));
    document.getElementById("app-q").focus();
    return;
  }
  loading();
  try {
    const { search } = await query(SEARCH, { q, page: Number(params.get("page") || 1) });
    render(`${form(q)}<p class="muted">${esc(t("search.count", { n: search.total }))}</p>
      <ol class="search-hits">${search.hits.map((h) => `<li><a href="/app${esc(h.urlPath)}" data-link>
        <h2>${h.titleHighlighted ? marked(h.titleHighlighted) : esc(h.title)}</h2></a><p>${marked(h.snippet || "")}</p></li>`).join("")}
      </ol>${search.hits.length ? "" : `<p>${esc(t("search.none"))}</p>`}`);
  } catch {
    try {
      await serverPage(`/search/?${params}`, "search");
    } catch (error) {
      failed(error);
    }
  }
}
