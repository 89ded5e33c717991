// The site's footer information (设置 → 网站信息: 主办单位, 网站标识码, ICP and public security records, contact),
// shown under 我的 and the login screen, as government apps carry it in their "about" page.
import { query } from "./api.js";
import { t } from "./i18n.js";
import { esc } from "./ui.js";

const SITE_INFO = `query SiteInfo { siteInfo { sponsor organiser siteCode icpNumber icpUrl policeNumber policeUrl
  address postcode phone email } }`;

let info = null;

const part = (label, value) => (value ? `<span>${esc(t(label))}：${esc(value)}</span>` : "");
const link = (href, text) => `<a href="${esc(href)}" rel="noopener" target="_blank">${esc(text)}</a>`;

function draw(footer) {
  const i = info;
  const records = [i.siteCode ? part("footer.code", i.siteCode) : "", i.icpNumber ? link(i.icpUrl, i.icpNumber) : "",
    i.policeNumber ? link(i.policeUrl, i.policeNumber) : ""].filter(Boolean).join(" ");
  const phone = i.phone ? `<span>${esc(t("footer.phone"))}：<a href="tel:${esc(i.phone.replace(/[\s-]/g, ""))}">${esc(i.phone)}</a></span>` : "";
  const email = i.email ? `<span>${esc(t("footer.email"))}：<a href="mailto:${esc(i.email)}">${esc(i.email)}</a></span>` : "";
  footer.setAttribute("aria-label", t("footer.label"));
  footer.innerHTML = `${i.sponsor ? `<p>${part("footer.sponsor", i.sponsor)} ${part("footer.organiser", i.organiser)}</p>` : ""}
    ${records ? `<p class="site-records">${records}</p>` : ""}
    ${i.address || phone || email ? `<address>${part("footer.address", i.address)} ${part("footer.postcode", i.postcode)} ${phone} ${email}</address>` : ""}`;
  footer.hidden = !footer.textContent.trim();
}

// Called after every navigation with the current tab.
export async function showFooter(tab) {
  const footer = document.getElementById("app-footer");
  if (!footer) return;
  if (tab !== "me") {
    footer.hidden = true;
    return;
  }
  try {
    if (!info) ({ siteInfo: info } = await query(SITE_INFO));
  } catch {
    footer.hidden = true; // offline and never fetched: the footer waits for the next visit
    return;
  }
  draw(footer);
}
