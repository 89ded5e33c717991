// A section's list through the API's `section` query: cards, tag/category filter kept, previous/next pages.
import { query } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { card } from "./home.js";

const SECTION = `query Section($slug: String!, $page: Int, $tag: String, $category: String) {
  section(slug: $slug, page: $page, tag: $tag, category: $category) {
    section { title intro url }
    items { title url date summary typeLabel }
    pageInfo { number numPages hasNext hasPrevious } } }`;

function pager(slug, params, info) {
  if (!info.hasNext && !info.hasPrevious) return "";
  const href = (n) => {
    const next = new URLSearchParams(params);
    next.set("page", n);
    return `/app/${encodeURIComponent(slug)}/?${next}`;
  };
  const a = (n, label) => `<a class="button ghost" href="${esc(href(n))}" data-link>${esc(t(label))}</a>`;
  return `<nav class="row">${info.hasPrevious ? a(info.number - 1, "prev") : ""}
    <span class="muted">${info.number} / ${info.numPages}</span>${info.hasNext ? a(info.number + 1, "next") : ""}</nav>`;
}

// Returns the rendered view, or null when the path is not a section (the caller then tries a page).
export async function sectionView(slug, params) {
  const variables = {
    slug,
    page: Number(params.get("page") || 1),
    tag: params.get("tag") || null,
    category: params.get("category") || null,
  };
  const { section } = await query(SECTION, variables);
  if (!section) return null;
  document.title = `${section.section.title} · ${t("brand")}`;
  return render(`<header class="section-head"><h1>${esc(section.section.title)}</h1>
      ${section.section.intro ? `<p class="muted">${esc(section.section.intro)}</p>` : ""}</header>
    <ul class="cards">${section.items.map(card).join("")}</ul>${pager(slug, params, section.pageInfo)}`);
}
