/**
 * The web app (sandbox/web) in headless Chromium against a started sandbox (as `npm start` builds
 * it, state in memory):
 * - page load: a new tab opening an opportunity, from navigation start to the form being ready
 *   (the zip's form script loaded and its OnLoad run, both PCF controls mounted, the subgrid read);
 *   the page's script and the zip's files are fetched every time (the web app answers no-store);
 * - save to Synced: on an opportunity ready to share (customer, contact, value, date, currency, one
 *   solution), Sync with Partner Center set to Yes, then from the click on Save to the Sync Status
 *   control showing "Synced": the form script's check, the Web API write, the flows creating the
 *   referral in Partner Center and writing back, and the page taking the result in (it re-reads the
 *   record every 250 ms after a save). Timed inside the page (performance.now and a MutationObserver).
 * Medians after a warm-up.
 */
import type { Page } from "playwright-core";
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";
import { ensureClientBuilt } from "../../../sandbox/web/src";
import { openRecord } from "../../../sandbox/web/src/driver";
import { launchChromium } from "../pcf/harness";
import { startSandbox, type Sandbox } from "../sandbox";
import type { BenchContext, BenchFigure } from "./types";

const LOADS = 9;
const ROUND_TRIPS = 7;
/** A form that shows within a second keeps the user's flow of thought (RAIL "load" guidance: under 1 s on a fast connection). */
export const PAGE_LOAD_BUDGET_MS = 1000;
/** What a seller waits for after Save: seconds, not the connector's documented "about 10 minutes". */
export const ROUND_TRIP_BUDGET_MS = 3000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

async function readyOpportunity(sb: Sandbox, i: number): Promise<string> {
  const dv = sb.dataverseClient();
  const seed = sb.report.seed!;
  const usd = (await dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: "isocurrencycode eq 'USD'" })).value![0].transactioncurrencyid as string;
  const detail = (await dv.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.primaryId], filter: `${SOLUTION_DETAIL.solutionId} eq 'SOL-12345-ABC'` })).value![0][SOLUTION_DETAIL.primaryId] as string;
  const opp = (await dv.create({
    collection: OPPORTUNITY.entitySetName,
    returnRepresentation: true,
    data: {
      name: `Web bench opportunity ${i}`,
      estimatedvalue: 50000 + i,
      estimatedclosedate: "2027-02-28",
      [OPPORTUNITY.referralVisibility]: true,
      // Today's co-sell requires the purchase intent (without it the form script stops the save: the bench hung at "Not synced").
      [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided
      "customerid_account@odata.bind": `/accounts(${seed.account.id})`,
      "parentcontactid@odata.bind": `/contacts(${seed.contact.id})`,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${usd})`,
    },
  })) as Record<string, unknown>;
  const id = opp[OPPORTUNITY.primaryId] as string;
  await dv.create({
    collection: PARTNER_CENTER_SOLUTION.entitySetName,
    data: {
      [PARTNER_CENTER_SOLUTION.name]: "SOL-12345-ABC",
      [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})`,
      [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${detail})`,
    },
  });
  await sb.waitForQuiet();
  return id;
}

/** What the in-page function below uses of the page (this module compiles without the DOM library). */
interface InPage {
  document: {
    body: unknown;
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; click(): void }>;
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
  performance: { now(): number };
}

/** Save clicked → the Sync Status badge reads "Synced", measured in the page. */
function saveToSynced(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const { document, MutationObserver, performance } = globalThis as unknown as InPage;
        const badge = (): string => document.querySelector('[data-control="pcs_syncstatus"] .pcs-ss__label')?.textContent?.trim() ?? "";
        const save = Array.from(document.querySelectorAll(".commandbar button")).find((b) => b.textContent === "Save")!;
        const timer = setTimeout(() => reject(new Error(`not Synced after 30 s (shows "${badge()}")`)), 30_000);
        const observer = new MutationObserver(() => {
          if (badge() === "Synced") {
            observer.disconnect();
            clearTimeout(timer);
            resolve(performance.now() - start);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        const start = performance.now();
        save.click();
      }),
  );
}

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  await ensureClientBuilt();
  const sb = await startSandbox({ port: 0, stateDir: null });
  const browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
  try {
    const web = sb.web!.url;
    const errors: string[] = [];
    const watch = (page: Page): Page => {
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      return page;
    };

    ctx.log(`web: ${LOADS} form loads in new tabs after a warm-up`);
    const loadTarget = await readyOpportunity(sb, 0);
    const loads: number[] = [];
    for (let i = 0; i <= LOADS; i++) {
      const page = watch(await browser.context.newPage());
      await openRecord(page, web, "opportunity", loadTarget);
      const ms = await page.evaluate(() => (globalThis as unknown as { performance: { getEntriesByName(n: string): Array<{ startTime: number }> } }).performance.getEntriesByName("pcs-form-ready")[0].startTime);
      if (i > 0) loads.push(ms);
      await page.close();
    }

    ctx.log(`web: ${ROUND_TRIPS} saves to Synced after a warm-up`);
    const trips: number[] = [];
    const page = watch(await browser.context.newPage());
    for (let i = 0; i <= ROUND_TRIPS; i++) {
      const id = await readyOpportunity(sb, i + 1);
      await openRecord(page, web, "opportunity", id);
      await page.getByRole("tab", { name: "Microsoft Partner Center" }).click();
      await page.getByRole("switch", { name: "Sync with Partner Center" }).check();
      const ms = await saveToSynced(page);
      if (i > 0) trips.push(ms);
      await sb.waitForQuiet();
    }
    if (errors.length) throw new Error(`web bench: the page reported errors: ${errors.join("; ")}`);
    return [
      {
        name: "Web app: opportunity form load, navigation to form ready (Chromium)",
        value: round1(median(loads)),
        unit: "ms",
        budget: PAGE_LOAD_BUDGET_MS,
        note: `median of ${LOADS}; min ${round1(Math.min(...loads))}, max ${round1(Math.max(...loads))}; form script, 2 PCF controls, metadata, record and subgrid read`,
      },
      {
        name: "Web app: Save clicked → Sync Status shows Synced (Chromium, flows, Partner Center)",
        value: round1(median(trips)),
        unit: "ms",
        budget: ROUND_TRIP_BUDGET_MS,
        note: `median of ${ROUND_TRIPS}; min ${round1(Math.min(...trips))}, max ${round1(Math.max(...trips))}; the page re-reads the record every 250 ms after a save`,
      },
    ];
  } finally {
    await browser.close();
    await sb.close();
  }
}
