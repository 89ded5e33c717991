// Offline banner and the outbox: posts written offline wait in localStorage and go out when back online.
import { t } from "./i18n.js";

const KEY = "qf.outbox";
let lastFailed = false;

function banner() {
  const el = document.getElementById("offline");
  const off = !navigator.onLine || lastFailed;
  el.hidden = !off;
  el.textContent = off ? t("offline") : "";
}

export function offlineNoticed(failed) {
  lastFailed = failed;
  banner();
}

export const outbox = {
  all: () => JSON.parse(localStorage.getItem(KEY) || "[]"),
  save(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    showOutbox();
  },
  add(item) {
    this.save([...this.all(), { ...item, id: Date.now() + Math.random() }]);
  },
};

function showOutbox() {
  const el = document.getElementById("outbox");
  const n = outbox.all().length;
  el.hidden = n === 0;
  el.textContent = n ? t("pending", { n }) : "";
}

// senders: {kind: async (item) => void}; an item leaves the outbox only once the server took it.
export async function flush(senders) {
  if (!navigator.onLine) return;
  for (const item of outbox.all()) {
    try {
      await senders[item.kind](item);
      outbox.save(outbox.all().filter((i) => i.id !== item.id));
      document.dispatchEvent(new CustomEvent("qf:sent", { detail: item }));
    } catch (error) {
      if (error.errors) { // refused for good (typed error): keep it visible with the reason, do not retry forever
        outbox.save(outbox.all().map((i) => (i.id === item.id ? { ...i, error: error.message } : i)));
      }
      break;
    }
  }
}

export function startOffline(senders) {
  window.addEventListener("online", () => { lastFailed = false; banner(); flush(senders); });
  window.addEventListener("offline", banner);
  banner();
  showOutbox();
  flush(senders);
}
