import { query } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading, serverPage } from "./common.js";

const SEARCH = `query Search($q: String!, $page: Int) { search(query: $q, page: $page) {
  total hits { url titleHtml snippetHtml typeLabel } pageInfo { number hasNext hasPrevious } } }`;

// titleHtml/snippetHtml come escaped with <mark> around matches: keep text and bare <mark> only.
function marks(html) {
  const tpl = document.createElement("template");
  tpl.innerHTML = html || "";
  tpl.content.querySelectorAll("*").forEach((el) => {
    if (el.tagName !== "MARK") el.replaceWith(el.textContent);
    else el.getAttributeNames().forEach((a) => el.removeAttribute(a));
  });
  return tpl.innerHTML;
}

function pager(q, info) {
  if (!info || (!info.hasNext && !info.hasPrevious)) return "";
  const a = (n, label) => `<a class="button ghost" href="/app/search?q=${encodeURIComponent(q)}&page=${n}" data-link>${esc(t(label))}</a>`;
  return `<nav class="row">${info.hasPrevious ? a(info.number - 1, "prev") : ""}${info.hasNext ? a(info.number + 1, "next") : ""}</nav>`;
}

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
      <ol class="search-hits">${search.hits.map((h) => `<li><span class="search-label">${esc(h.typeLabel)}</span>
        <h2><a href="/app${esc(h.url)}" data-link>${marks(h.titleHtml)}</a></h2><p>${marks(h.snippetHtml)}</p></li>`).join("")}
      </ol>${search.hits.length ? "" : `<p>${esc(t("search.none"))}</p>`}${pager(q, search.pageInfo)}`);
  } catch {
    try {
      await serverPage(`/search/?${params}`, "search");
    } catch (error) {
      failed(error);
    }
  }
}
