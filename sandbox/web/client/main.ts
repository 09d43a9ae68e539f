/**
 * The sandbox's web page: a hash router over the views.
 *   #/opportunities, #/leads                    lists (./views/lists.ts)
 *   #/<table>/new, #/<table>/<id>               a record on the table's main form (./views/record.ts)
 *   #/partner-center                            Microsoft's side (./views/partner-center.ts)
 *   #/runs, #/runs/<runId>                      flow run history (./views/runs.ts)
 * One view at a time; leaving a view stops its timers and destroys its controls.
 */
import { announce, h } from "./dom";
import { getJson } from "./http";
import { installXrm, whenSignedIn } from "./xrm/global";
import { LISTS, listPage } from "./views/lists";
import { partnerCenterPage } from "./views/partner-center";
import { recordPage } from "./views/record";
import { runPage, runsPage } from "./views/runs";

const main = document.getElementById("main")!;
let dispose: (() => void) | undefined;
let generation = 0;

function setActiveNav(hash: string): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>(".topbar nav a")) {
    const target = a.getAttribute("href") ?? "";
    const on = hash === target || (target === "#/opportunities" && hash.startsWith("#/opportunity/")) || (target === "#/leads" && hash.startsWith("#/lead/")) || (target === "#/runs" && hash.startsWith("#/runs/"));
    if (on) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function route(): Promise<void> {
  const hash = location.hash || "#/opportunities";
  const mine = ++generation;
  dispose?.();
  dispose = undefined;
  setActiveNav(hash);
  main.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading…"));
  const parts = hash.slice(2).split("/").map(decodeURIComponent);
  try {
    let d: () => void;
    if (LISTS[parts[0]] && parts.length === 1) d = await listPage(main, LISTS[parts[0]]);
    else if (parts[0] === "partner-center") d = await partnerCenterPage(main);
    else if (parts[0] === "runs" && parts.length === 1) d = await runsPage(main);
    else if (parts[0] === "runs") d = await runPage(main, parts[1]);
    else if (parts.length === 2 && /^[a-z_0-9]+$/.test(parts[0])) {
      d = await recordPage(main, parts[0], parts[1] === "new" ? null : parts[1], {
        // replaceState fires no hashchange: the open form stays as it is
        replace: (next) => {
          history.replaceState(null, "", next);
          setActiveNav(next);
        },
      });
    } else {
      main.replaceChildren(h("div", { class: "list-page" }, h("h1", null, "Not found"), h("p", null, `Nothing lives at ${hash}.`), h("a", { href: "#/opportunities" }, "Opportunities")));
      d = () => undefined;
    }
    if (mine !== generation) return d();
    dispose = d;
    const heading = main.querySelector("h1");
    document.title = `${heading?.textContent ?? "Sandbox"} · Partner Center Referrals Sync`;
    announce(document.title);
  } catch (e) {
    if (mine !== generation) return;
    main.replaceChildren(h("div", { class: "list-page" }, h("h1", null, "Something went wrong"), h("p", { role: "alert" }, (e as Error).message ?? String(e))));
    console.error(e);
  }
}

async function start(): Promise<void> {
  installXrm();
  void whenSignedIn();
  void getJson<{ solution: { uniqueName: string; version: string; managed: boolean; source: string } }>("/_web/info").then((about) => {
    const info = document.getElementById("solution-info");
    if (info) info.textContent = `${about.solution.uniqueName} ${about.solution.version} (${about.solution.managed ? "managed" : "unmanaged"}) from ${about.solution.source}`;
  });
  window.addEventListener("hashchange", () => void route());
  await route();
}

void start();
