// Grapple page detail: every StreamField block type and the type-specific fields, with the site's CSS classes.
import { t } from "../i18n.js";
import { esc } from "../ui.js";

const IMG = "url width height srcSet(sizes: [320, 640, 960])";
const BLOCK = `fragment B on StreamFieldInterface { blockType
  ... on RichTextBlock { value }
  ... on ImageBlock { caption image { ${IMG} } }
  ... on QuoteBlock { quote: text source }
  ... on VideoBlock { caption video { id url } poster { url } }
  ... on CalloutBlock { tone title note: text }
  ... on QuestionAnswerBlock { question answer }
  ... on RegulationCitationBlock { regulationTitle article citation: text } }`;

export const PAGE = `query Page($path: String) { page(urlPath: $path) { pageType title url
  ... on WarningCasePage { date summary cover { ${IMG} } body { ...B }
    official officialPost officialLevel discipline decidedOn lessons }
  ... on PolicyExplainerPage { date summary cover { ${IMG} } body { ...B } articles effectiveDate questions { ...B } }
  ... on CultureWorkPage { date summary cover { ${IMG} } body { ...B } workKind creator image { ${IMG} } video { id url } description }
  ... on ArticlePage { date summary cover { ${IMG} } body { ...B } author source } } }
${BLOCK}`;

export const KINDS = {
  WarningCasePage: "kind.case", PolicyExplainerPage: "kind.explainer", CultureWorkPage: "kind.culture", ArticlePage: "kind.article",
};

// Grapple makes media URLs absolute from BASE_URL; the app and its media share one origin, so keep the path.
const rel = (u) => String(u || "").replace(/https?:\/\/[^/\s]+/g, "");
const text = (s) => esc(s).replace(/\n/g, "<br>");

function image(img, caption, eager = false) {
  if (!img) return "";
  return `<figure class="figure"><img src="${esc(rel(img.url))}" srcset="${esc(rel(img.srcSet))}" sizes="(max-width: 46rem) 100vw, 46rem"
    width="${esc(img.width)}" height="${esc(img.height)}" alt="${esc(caption || "")}" loading="${eager ? "eager" : "lazy"}">
    ${caption ? `<figcaption>${esc(caption)}</figcaption>` : ""}</figure>`;
}

// Rich text (`value`, `text`, `answer`) is HTML Wagtail rendered from the editor's whitelist: inserted as is.
export function block(b) {
  switch (b.blockType) {
    case "paragraph": case "RichTextBlock": return `<div class="rich-text">${b.value}</div>`;
    case "image": case "ImageBlock": return image(b.image, b.caption);
    case "quote": case "QuoteBlock": return `<blockquote class="quote"><p>${text(b.quote)}</p>${b.source ? `<footer>——${esc(b.source)}</footer>` : ""}</blockquote>`;
    case "video": case "VideoBlock": return `<figure class="figure video"><video controls preload="none" playsinline data-video-id="${esc(b.video?.id)}"${b.poster ? ` poster="${esc(rel(b.poster.url))}"` : ""}>
      <source src="${esc(rel(b.video?.url))}"><a href="${esc(rel(b.video?.url))}">${esc(t("video"))}</a></video>
      ${b.caption ? `<figcaption>${esc(b.caption)}</figcaption>` : ""}</figure>`;
    case "callout": case "CalloutBlock": return `<aside class="callout callout-${esc(b.tone)}" role="note">${b.title ? `<strong class="callout-title">${esc(b.title)}</strong>` : ""}
      <div class="rich-text">${b.note || ""}</div></aside>`;
    case "qa": case "QuestionAnswerBlock": return `<details class="qa" open><summary><span class="qa-mark" aria-hidden="true">问</span>${esc(b.question)}</summary>
      <div class="rich-text"><span class="qa-mark answer" aria-hidden="true">答</span>${b.answer || ""}</div></details>`;
    case "citation": case "RegulationCitationBlock": return `<figure class="citation"><blockquote>${text(b.citation)}</blockquote>
      <figcaption>“${esc(b.regulationTitle)}” ${esc(b.article)}</figcaption></figure>`;
    default: return "";
  }
}

const fact = (label, value) => (value ? `<div><dt>${esc(t(label))}</dt><dd>${value}</dd></div>` : "");

function facts(p) {
  if (p.pageType === "WarningCasePage") {
    return `<dl class="facts">${fact("f.official", esc(p.official))}${fact("f.post", esc(p.officialPost))}
      ${fact("f.discipline", `<strong>${esc(p.discipline)}</strong>`)}${fact("f.decided", esc(p.decidedOn))}</dl>`;
  }
  if (p.pageType === "PolicyExplainerPage") {
    return `<dl class="facts">${fact("f.articles", esc(p.articles))}${fact("f.effective", esc(p.effectiveDate))}</dl>`;
  }
  if (p.pageType === "CultureWorkPage") {
    return `<dl class="facts">${fact("f.creator", esc(p.creator))}</dl>${image(p.image, p.title, true)}
      ${p.video ? `<figure class="figure video"><video controls preload="none" playsinline data-video-id="${esc(p.video.id)}" src="${esc(rel(p.video.url))}"></video></figure>` : ""}`;
  }
  if (p.pageType === "ArticlePage") return `<dl class="facts">${fact("f.author", esc(p.author))}${fact("f.source", esc(p.source))}</dl>`;
  return "";
}

function after(p) {
  if (p.pageType === "WarningCasePage" && p.lessons) return `<section class="lessons"><h2>${esc(t("f.lessons"))}</h2><div class="rich-text">${p.lessons}</div></section>`;
  if (p.pageType === "PolicyExplainerPage" && p.questions?.length) return `<section><h2>${esc(t("f.qa"))}</h2>${p.questions.map(block).join("")}</section>`;
  if (p.pageType === "CultureWorkPage" && p.description) return `<div class="rich-text">${p.description}</div>`;
  return "";
}

export function article(p) {
  return `<div class="server page" data-source="api"><article class="entry"><header class="entry-header">
    <p class="entry-kind">${esc(t(KINDS[p.pageType]))}</p><h1>${esc(p.title)}</h1>
    ${p.date ? `<p class="entry-meta"><time>${esc(p.date)}</time></p>` : ""}</header>
    ${image(p.cover, "", true)}${p.summary ? `<p class="lead">${esc(p.summary)}</p>` : ""}${facts(p)}
    <div class="entry-body">${(p.body || []).map(block).join("")}</div>${after(p)}</article></div>`;
}
