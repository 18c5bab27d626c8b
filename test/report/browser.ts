/**
 * Debian's Chromium, headless, for looking at a report as a person would: the page as
 * rendered, every request it made, every script error. Playwright drives it; it never
 * downloads a browser of its own. The flags keep Chromium from reaching the network at start.
 *
 *   const view = await openPage(file);
 *   expect(await view.page.innerText("#failures")).toContain("break one host");
 *   await view.close();
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** false where test/install-tools.sh has not run: the page tests then skip, saying why */
export const chromiumInstalled = existsSync(CHROMIUM);

const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface PageView {
  page: Page;
  /** every URL the page asked for, the page itself included */
  requests: string[];
  /** script errors and console errors */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(file: string, viewport = { width: 1200, height: 900 }): Promise<PageView> {
  // a fresh profile each time: nothing cached or remembered from another run
  const profile = mkdtempSync(join(tmpdir(), "tsplay-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport, args: FLAGS });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(pathToFileURL(file).href);
  return {
    page,
    requests,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
