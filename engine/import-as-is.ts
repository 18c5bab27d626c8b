/**
 * Imports a playbook as Node finds it, for a start without tsplay's compiled playbooks (tsx's
 * loader, a test). A module of its own, loaded by a literal dynamic import: in the engine's
 * bundles, which run outside Node's module loader, every dynamic import must name its module.
 */
import { pathToFileURL } from "node:url";

export const importFile = (path: string): Promise<{ default?: unknown }> => import(pathToFileURL(path).href);
