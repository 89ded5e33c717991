import { ApiError, mutate } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { navigate } from "../router.js";

const REQUEST = `mutation RequestCode($phone: String!) { requestCode(phone: $phone) { errors { field message code } } }`;
const VERIFY = `mutation VerifyCode($phone: String!, $code: String!) { verifyCode(phone: $phone, code: $code) {
  errors { field message code } } }`;

function fallback() {
  render(`<div class="card"><p>${esc(t("unavailable"))}</p>
    <a class="button" href="/accounts/phone/?next=/app/me">${esc(t("login.title"))}</a></div>`);
}

export default function login() {
  render(`<h1>${esc(t("login.title"))}</h1>
    <div class="login-who"><p>${esc(t("login.who"))}</p><p>${esc(t("login.citizens"))}</p>
      <p class="row"><a href="/app/approvals/track" data-link>${esc(t("login.track"))}</a>
        <a href="/app/complaints/follow" data-link>${esc(t("login.follow"))}</a></p></div>
    <form id="phone-form" class="stack" novalidate>
      <label for="phone">${esc(t("login.phone"))}</label>
      <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required>
      <button class="button" type="submit">${esc(t("login.request"))}</button>
      <p class="field-error" role="alert" data-error="phone"></p>
    </form>
    <form id="code-form" class="stack" hidden novalidate>
      <p class="muted" id="sent"></p>
      <label for="code">${esc(t("login.code"))}</label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
      <button class="button" type="submit">${esc(t("login.verify"))}</button>
      <p class="field-error" role="alert" data-error="code"></p>
    </form>
    <p class="site-link"><a href="/" id="open-site">${esc(t("site"))}</a></p>`);
  const phoneForm = document.getElementById("phone-form");
  const codeForm = document.getElementById("code-form");
  const show = (form, error) => {
    const fallbackField = form === phoneForm ? "phone" : "code";
    form.querySelectorAll("[data-error]").forEach((el) => { el.textContent = ""; });
    for (const e of error.errors || [{ message: t("error") }]) {
      const el = form.querySelector(`[data-error="${e.field}"]`) || form.querySelector(`[data-error="${fallbackField}"]`);
      el.textContent = e.message;
    }
  };
  phoneForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await mutate(REQUEST, { phone: phoneForm.phone.value }, "requestCode");
      codeForm.hidden = false;
      document.getElementById("sent").textContent = t("login.sent", { p: phoneForm.phone.value });
      codeForm.code.focus();
    } catch (error) {
      if (error instanceof ApiError) show(phoneForm, error);
      else fallback();
    }
  });
  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await mutate(VERIFY, { phone: phoneForm.phone.value, code: codeForm.code.value }, "verifyCode");
      navigate("/app/me");
    } catch (error) {
      if (error instanceof ApiError) show(codeForm, error);
      else fallback();
    }
  });
}
